// @ts-check

/**
 * One effective rollback per deployment (docs/architecture.md: rules live in
 * the database). `moved_from_deployment_id` is `from_deployment_id` while a
 * rollback is pending, running or succeeded, and NULL when it failed or was
 * only recorded (dry-run, refused); it is unique. So of two rollbacks planned
 * from the same current deployment — on two replicas, the second one started
 * just after the first finished, on a plan computed before it — only one is
 * ever inserted: the other is refused (409) instead of re-deploying what
 * already runs. A failed rollback frees its deployment for a new attempt.
 *
 * Existing rows: the earliest effective rollback of each deployment keeps it
 * (earlier versions could record two).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('rollbacks', table => {
    table
      .string('moved_from_deployment_id', 36)
      .nullable()
      .comment(
        'from_deployment_id while pending, running or succeeded; else NULL (unique)',
      );
  });
  const effective = ['pending', 'running', 'succeeded'];
  const rows = await knex('rollbacks')
    .select('id', 'from_deployment_id')
    .whereIn('state', effective)
    .whereNotNull('from_deployment_id')
    .orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
  const seen = new Set();
  for (const row of rows) {
    if (seen.has(row.from_deployment_id)) continue;
    seen.add(row.from_deployment_id);
    await knex('rollbacks')
      .where({ id: row.id })
      .update({ moved_from_deployment_id: row.from_deployment_id });
  }
  await knex.schema.alterTable('rollbacks', table => {
    table.unique(['moved_from_deployment_id'], {
      indexName: 'rollbacks_moved_from_deployment_key',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('rollbacks', table => {
    table.dropUnique(
      ['moved_from_deployment_id'],
      'rollbacks_moved_from_deployment_key',
    );
    table.dropColumn('moved_from_deployment_id');
  });
};

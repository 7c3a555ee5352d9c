// @ts-check

/**
 * Deployment rework rate (docs/metrics.md, "Deployment rework rate"): the
 * rollups learn which succeeded deploys started while a critical or major
 * incident of their entity and environment was open.
 *
 * - `metrics_daily.rework_deploys`, and the same column of the roll-up
 *   caches `metrics_scope_daily` and `metrics_scope_hourly`: how many of the
 *   day's (or hour's) succeeded deploys are rework. Succeeded rollbacks are
 *   always rework and are already counted in `rollbacks`.
 * - `metrics_rework_deployments`: those deploys, for the partial days at a
 *   window's edges (like `metrics_failed_deployments`).
 *
 * The existing triggers already mark an entity dirty from an incident's
 * startedAt, and a deploy that an incident makes rework started at or after
 * it, so the recomputation (src/metrics/MetricsRollups.ts) sees every change.
 * The rollups of what is stored are recomputed from each entity's earliest
 * critical or major incident (a deploy without one has no rework to find);
 * the caches are deleted and recomputed from the members when next read.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const table of [
    'metrics_daily',
    'metrics_scope_daily',
    'metrics_scope_hourly',
  ]) {
    await knex.schema.alterTable(table, t => {
      t.integer('rework_deploys')
        .notNullable()
        .defaultTo(0)
        .comment(
          'succeeded deploys started while a critical or major incident was open',
        );
    });
  }

  await knex.schema.createTable('metrics_rework_deployments', table => {
    table.comment(
      'Succeeded deploys started while a critical or major incident was open (rollup)',
    );
    table.string('deployment_id', 36).primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.timestamp('finished_at', { useTz: true }).notNullable();
    table.index(
      ['entity_ref', 'environment', 'finished_at'],
      'metrics_rework_deployments_range_idx',
    );
  });

  await knex('metrics_scope_daily').del();
  await knex('metrics_scope_hourly').del();

  await knex.raw(`
    INSERT INTO metrics_dirty (entity_ref, environment, since)
    SELECT entity_ref, coalesce(environment, 'production'), min(started_at) FROM incidents
    WHERE severity IN ('critical', 'major')
    GROUP BY entity_ref, coalesce(environment, 'production')`);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('metrics_rework_deployments');
  for (const table of [
    'metrics_daily',
    'metrics_scope_daily',
    'metrics_scope_hourly',
  ]) {
    await knex.schema.alterTable(table, t => {
      t.dropColumn('rework_deploys');
    });
  }
};

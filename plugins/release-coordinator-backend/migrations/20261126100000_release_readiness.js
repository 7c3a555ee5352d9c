// @ts-check

/**
 * Release readiness: checklist items, approvals and freeze overrides.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('checklist_items', table => {
    table.comment('The quality gates of a release (SPEC 4.2)');
    table
      .string('release_id', 36)
      .notNullable()
      .references('id')
      .inTable('releases');
    table.string('item_id', 63).notNullable();
    table.string('title', 255).notNullable();
    table.string('stage', 32).notNullable();
    table.string('kind', 32).notNullable();
    table.string('status', 32).notNullable();
    table.string('required_role', 63).nullable();
    table
      .text('evidence')
      .nullable()
      .comment('ChecklistEvidence as JSON (url, value, source)');
    table.string('recorded_by', 255).nullable();
    table.timestamp('recorded_at', { useTz: true }).nullable();
    table.text('waiver_reason').nullable();
    table.integer('position').notNullable().comment('Display order');
    table.primary(['release_id', 'item_id']);
  });

  await knex.schema.createTable('approvals', table => {
    table.comment('Approve/reject decisions on releases');
    table.string('id', 36).primary();
    table
      .string('release_id', 36)
      .notNullable()
      .references('id')
      .inTable('releases');
    table.string('approver', 255).notNullable();
    table.string('decision', 16).notNullable();
    table.text('comment').nullable();
    table
      .boolean('database_admin')
      .notNullable()
      .comment('Whether the approver held the database-admin role');
    table.timestamp('created_at', { useTz: true }).notNullable();
    // A person counts once per release: enforced here, not in code.
    table.unique(['release_id', 'approver'], {
      indexName: 'approvals_release_approver_uniq',
    });
  });

  await knex.schema.createTable('freeze_overrides', table => {
    table.comment('Emergency approvals during a freeze window');
    table.increments('id');
    table
      .string('release_id', 36)
      .notNullable()
      .references('id')
      .inTable('releases');
    table.string('actor', 255).notNullable();
    table.text('reason').notNullable();
    table.string('window_name', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['release_id'], 'freeze_overrides_release_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('freeze_overrides');
  await knex.schema.dropTable('approvals');
  await knex.schema.dropTable('checklist_items');
};

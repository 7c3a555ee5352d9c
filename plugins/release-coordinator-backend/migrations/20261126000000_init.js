// @ts-check

/**
 * Releases and the audit trail.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('releases', table => {
    table.comment('One candidate version of one entity for one environment');
    // A string rather than a native uuid column: a malformed id in a URL must
    // find nothing on every database instead of failing a cast on PostgreSQL.
    table.string('id', 36).primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('version', 255).notNullable();
    table.string('commit_sha', 64).nullable();
    table.string('artifact_digest', 255).nullable();
    table.text('plan').notNullable().comment('ReleasePlan as JSON');
    table.string('state', 32).notNullable();
    table.string('created_by', 255).notNullable();
    table
      .text('commit_authors')
      .notNullable()
      .comment('User entity refs of the commit authors, JSON array');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();

    table.index(
      ['entity_ref', 'environment', 'created_at'],
      'releases_entity_environment_created_idx',
    );
  });

  await knex.schema.createTable('audit_events', table => {
    table.comment('Every state change, for the audit trail shown in the UI');
    table.increments('id');
    table
      .string('release_id', 36)
      .nullable()
      .references('id')
      .inTable('releases');
    table.string('entity_ref', 255).notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 63).notNullable();
    table.text('before').nullable().comment('State before, as JSON');
    table.text('after').nullable().comment('State after, as JSON');
    table.text('reason').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();

    table.index(['release_id'], 'audit_events_release_idx');
    table.index(
      ['entity_ref', 'created_at'],
      'audit_events_entity_created_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('audit_events');
  await knex.schema.dropTable('releases');
};

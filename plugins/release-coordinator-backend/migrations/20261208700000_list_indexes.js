// @ts-check

/**
 * Indexes for the default and filtered orderings of every list route
 * (docs/operations.md, "Query plans"), so that a page is an index range
 * read, never a scan and sort of an entity's whole history:
 *
 * - deployments without `environment=` (the Deployments tab's default) and
 *   with `status=` alone or with `environment=`: `ORDER BY sort_at DESC,
 *   id DESC`;
 * - incidents with `environment=`: `ORDER BY started_at DESC, id DESC`;
 * - releases with and without `environment=`: `ORDER BY created_at DESC,
 *   id DESC`.
 *
 * The list queries and their plans are checked in
 * src/database/listQueryPlans.test.ts on SQLite and PostgreSQL.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.index(['entity_ref', 'sort_at', 'id'], 'deployments_entity_sort_idx');
    table.index(
      ['entity_ref', 'status', 'sort_at', 'id'],
      'deployments_entity_status_sort_idx',
    );
    table.index(
      ['entity_ref', 'environment', 'status', 'sort_at', 'id'],
      'deployments_entity_environment_status_sort_idx',
    );
  });
  await knex.schema.alterTable('incidents', table => {
    table.index(
      ['entity_ref', 'environment', 'started_at', 'id'],
      'incidents_entity_environment_started_id_idx',
    );
  });
  await knex.schema.alterTable('releases', table => {
    table.index(
      ['entity_ref', 'created_at', 'id'],
      'releases_entity_created_idx',
    );
    table.index(
      ['entity_ref', 'environment', 'created_at', 'id'],
      'releases_entity_environment_created_id_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('releases', table => {
    table.dropIndex([], 'releases_entity_environment_created_id_idx');
    table.dropIndex([], 'releases_entity_created_idx');
  });
  await knex.schema.alterTable('incidents', table => {
    table.dropIndex([], 'incidents_entity_environment_started_id_idx');
  });
  await knex.schema.alterTable('deployments', table => {
    table.dropIndex([], 'deployments_entity_environment_status_sort_idx');
    table.dropIndex([], 'deployments_entity_status_sort_idx');
    table.dropIndex([], 'deployments_entity_sort_idx');
  });
};

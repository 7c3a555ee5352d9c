// @ts-check

/**
 * Deployments (with the commits they shipped), incidents, and the sync state
 * of the providers that pull them.
 *
 * Timestamps are written as ISO-8601 UTC strings with millisecond precision
 * (src/database/timestamps.ts): native timestamptz on PostgreSQL, text that
 * sorts chronologically on SQLite.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('deployments', table => {
    table.comment(
      'One attempt to put a version of an entity into an environment',
    );
    table.string('id', 36).primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table
      .string('source', 63)
      .notNullable()
      .comment('The system that ran it, e.g. github, argocd, demo');
    table.string('external_id', 255).notNullable().comment('Its id in source');
    table.string('version', 255).notNullable();
    table.string('commit_sha', 64).nullable();
    table.string('kind', 16).notNullable().comment('deploy | rollback');
    table
      .string('status', 16)
      .notNullable()
      .comment('queued | in_progress | succeeded | failed | cancelled');
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table
      .timestamp('sort_at', { useTz: true })
      .notNullable()
      .comment('coalesce(started_at, finished_at, received_at): history order');
    table.string('initiator', 255).nullable();
    table.text('url').nullable();
    table.string('release_id', 36).nullable();
    table
      .string('rollback_of', 36)
      .nullable()
      .comment('Id of the deployment this rollback undid');
    table
      .integer('revision')
      .notNullable()
      .comment('1 when inserted, +1 on every accepted change');
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();

    table.unique(['source', 'external_id'], {
      indexName: 'deployments_source_external_id_key',
    });
    // History: newest first per entity and environment (keyset pagination).
    table.index(
      ['entity_ref', 'environment', 'sort_at', 'id'],
      'deployments_history_idx',
    );
    // Metrics: succeeded/failed deploys and rollbacks finished in a window.
    table.index(
      ['entity_ref', 'environment', 'kind', 'status', 'finished_at'],
      'deployments_metrics_idx',
    );
    // What runs now: the latest succeeded deployment of any kind.
    table.index(
      ['entity_ref', 'environment', 'status', 'finished_at'],
      'deployments_current_idx',
    );
  });

  await knex.schema.createTable('deployment_commits', table => {
    table.comment('Commits shipped by a deployment (lead time for changes)');
    table
      .string('deployment_id', 36)
      .notNullable()
      .references('id')
      .inTable('deployments')
      .onDelete('CASCADE');
    table.string('sha', 64).notNullable();
    table.timestamp('committed_at', { useTz: true }).notNullable();
    table.unique(['deployment_id', 'sha'], {
      indexName: 'deployment_commits_deployment_sha_key',
    });
  });

  await knex.schema.createTable('incidents', table => {
    table.comment('A production problem attributed to an entity');
    table.string('id', 36).primary();
    table.string('entity_ref', 255).notNullable();
    table.string('source', 63).notNullable();
    table.string('external_id', 255).notNullable();
    table
      .string('severity', 16)
      .notNullable()
      .comment('critical | major | minor');
    table.text('title').notNullable();
    table.string('environment', 63).nullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.text('url').nullable();
    table
      .integer('revision')
      .notNullable()
      .comment('1 when inserted, +1 on every accepted change');
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();

    table.unique(['source', 'external_id'], {
      indexName: 'incidents_source_external_id_key',
    });
    table.index(
      ['entity_ref', 'environment', 'started_at'],
      'incidents_entity_environment_started_idx',
    );
    // Listing all incidents of an entity newest first, whatever environment.
    table.index(
      ['entity_ref', 'started_at', 'id'],
      'incidents_entity_started_idx',
    );
  });

  await knex.schema.createTable('provider_sync_state', table => {
    table.comment(
      'Incremental cursor and last outcome per provider and entity',
    );
    table.string('provider_id', 63).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.text('cursor').nullable();
    table.timestamp('last_success_at', { useTz: true }).nullable();
    table.timestamp('last_error_at', { useTz: true }).nullable();
    table.text('last_error').nullable();
    table.primary(['provider_id', 'entity_ref']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('provider_sync_state');
  await knex.schema.dropTable('incidents');
  await knex.schema.dropTable('deployment_commits');
  await knex.schema.dropTable('deployments');
};

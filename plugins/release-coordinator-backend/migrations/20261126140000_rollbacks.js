// @ts-check

/**
 * Rollback requests (SPEC §5) and the constraints that make them safe under
 * concurrency, across backend instances:
 * - (entity_ref, idempotency_key) is unique: a retried request finds the
 *   rollback its first attempt created instead of executing again;
 * - active_lock is `entity_ref|environment` while a rollback is pending or
 *   running and NULL otherwise, and unique: one active rollback per entity
 *   and environment (NULLs never collide);
 * - automated_for_deployment_id is unique: one automated rollback per
 *   deployment (NULL for manual rollbacks).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('rollbacks', table => {
    table.comment('Requests to put an earlier version back, and their outcome');
    table.string('id', 36).primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table
      .string('state', 16)
      .notNullable()
      .comment('pending | running | succeeded | failed | dry-run');
    table
      .string('from_deployment_id', 36)
      .nullable()
      .comment('The deployment that ran when the rollback was requested');
    table.string('from_version', 255).nullable();
    table.string('target_deployment_id', 36).notNullable();
    table.string('target_version', 255).notNullable();
    table.text('reason').notNullable();
    table
      .string('initiator', 255)
      .notNullable()
      .comment('User entity ref, or release-coordinator:automation');
    table.boolean('automated').notNullable();
    table.string('incident_id', 36).nullable();
    table
      .string('provider', 63)
      .notNullable()
      .comment('Id of the deployment provider that executes it');
    table
      .string('deployment_id', 36)
      .nullable()
      .comment('The deployment of kind rollback recorded for it');
    table.text('url').nullable();
    table.text('error').nullable();
    table.boolean('confirmed_migration_rollback').notNullable();
    table.string('idempotency_key', 200).notNullable();
    table
      .string('request_fingerprint', 64)
      .notNullable()
      .comment('sha256 of the request, to refuse a reused key');
    table
      .string('active_lock', 320)
      .nullable()
      .comment('entity_ref|environment while pending or running, else NULL');
    table.string('automated_for_deployment_id', 36).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();

    table.unique(['entity_ref', 'idempotency_key'], {
      indexName: 'rollbacks_entity_idempotency_key',
    });
    table.unique(['active_lock'], { indexName: 'rollbacks_active_lock_key' });
    table.unique(['automated_for_deployment_id'], {
      indexName: 'rollbacks_automated_for_deployment_key',
    });
    // History: newest first per entity (and environment).
    table.index(
      ['entity_ref', 'environment', 'created_at', 'id'],
      'rollbacks_history_idx',
    );
    table.index(['entity_ref', 'created_at', 'id'], 'rollbacks_entity_idx');
    // The rollback behind a deployment (history rows, status changes).
    table.index(['deployment_id'], 'rollbacks_deployment_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('rollbacks');
};

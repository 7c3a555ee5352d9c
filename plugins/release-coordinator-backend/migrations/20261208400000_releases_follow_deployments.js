// @ts-check

/**
 * Releases follow their deployments (docs/gates.md).
 *
 * `deployment_artifacts`: the digest of the artifact a deployment shipped,
 * when its report names one; it must match a release's digest when the
 * release has one. A table of its own, written only for reports that carry
 * a digest (as `deployment_commits` is for commits).
 *
 * `deployments.release_id` (present since the deployments table was
 * created, set from now on) links a deployment to the release it shipped;
 * indexed so that a release lists its deployments.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('deployment_artifacts', table => {
    table.comment('The artifact digest a deployment report named');
    table
      .string('deployment_id', 36)
      .primary()
      .references('id')
      .inTable('deployments')
      .onDelete('CASCADE');
    table.string('artifact_digest', 255).notNullable();
  });
  await knex.schema.alterTable('deployments', table => {
    table.index(['release_id'], 'deployments_release_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.dropIndex(['release_id'], 'deployments_release_idx');
  });
  await knex.schema.dropTable('deployment_artifacts');
};

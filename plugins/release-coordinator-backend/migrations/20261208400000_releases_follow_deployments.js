// @ts-check

/**
 * Releases follow their deployments (docs/gates.md): a deployment may report
 * the digest of the artifact it shipped (`artifact_digest`), which must match
 * a release's digest when the release has one; `release_id` (present since
 * the deployments table was created, never set until now) links a deployment
 * to the release it shipped, and is indexed so a release lists its
 * deployments.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('deployments', table => {
    table
      .string('artifact_digest', 255)
      .nullable()
      .comment('Digest of the shipped artifact, as reported');
    table.index(['release_id'], 'deployments_release_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.dropIndex(['release_id'], 'deployments_release_idx');
    table.dropColumn('artifact_digest');
  });
};

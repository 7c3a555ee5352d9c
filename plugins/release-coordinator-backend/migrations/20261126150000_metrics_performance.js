// @ts-check

/**
 * Metrics performance (SPEC §12): the lead-time samples of a deployment are
 * carried on its row, so that the metrics read one index range of
 * `deployments` instead of joining `deployment_commits` (one index probe per
 * deployment).
 *
 * `deployments.commit_times`: the committedAt of every row of
 * `deployment_commits` of the deployment, as epoch milliseconds joined by
 * commas (no particular order); NULL when it has none. Commits are facts that
 * are only ever added, so the ingest path (DatabaseDeploymentStore) keeps the
 * column in step in the same transaction as the commit insert. Rows already
 * stored are backfilled here.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('deployments', table => {
    table
      .text('commit_times')
      .nullable()
      .comment(
        'committedAt of its deployment_commits rows as epoch ms, comma-separated (lead time)',
      );
  });

  const client = knex.client.config.client;
  if (client === 'pg' || client === 'postgres' || client === 'postgresql') {
    await knex.raw(`
      UPDATE deployments SET commit_times = c.times
      FROM (
        SELECT deployment_id,
          string_agg(((extract(epoch FROM committed_at) * 1000)::bigint)::text, ',') AS times
        FROM deployment_commits GROUP BY deployment_id
      ) c
      WHERE deployments.id = c.deployment_id`);
  } else {
    await knex.raw(`
      UPDATE deployments SET commit_times = (
        SELECT group_concat(
          CAST(round((julianday(c.committed_at) - 2440587.5) * 86400000) AS INTEGER), ',')
        FROM deployment_commits c WHERE c.deployment_id = deployments.id
      )
      WHERE id IN (SELECT deployment_id FROM deployment_commits)`);
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.dropColumn('commit_times');
  });
};

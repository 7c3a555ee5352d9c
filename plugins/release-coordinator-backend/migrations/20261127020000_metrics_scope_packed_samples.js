// @ts-check

/**
 * Roll-up caches, continued (see 20261127000000_metrics_scopes.js): the
 * samples of `metrics_scope_daily` and `metrics_scope_hourly` are stored
 * packed (src/metrics/packedSamples.ts: a format byte, then whole
 * milliseconds as 32-bit differences), half the bytes of the doubles they
 * were stored as. The cached rows of the old format are
 * deleted: they are caches, recomputed from the members when next read.
 *
 * On PostgreSQL the two columns are stored without compression (STORAGE
 * EXTERNAL): packed samples do not compress, and reading them then skips
 * the attempt to decompress.
 *
 * `metrics_scope_daily.generation`: a random number given to a cached day
 * each time it is written. The backend keeps runs of days summed in memory
 * under the generations of their days, which name exactly what they were
 * computed from (versions start again at 0 in a new database; generations
 * do not repeat).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const client = knex.client.config.client;
  const postgres =
    client === 'pg' || client === 'postgres' || client === 'postgresql';
  await knex.schema.alterTable('metrics_scope_daily', table => {
    table
      .bigInteger('generation')
      .notNullable()
      .defaultTo(0)
      .comment('Random, new with every write of the row');
  });
  for (const table of ['metrics_scope_daily', 'metrics_scope_hourly']) {
    await knex(table).del();
    if (postgres) {
      for (const column of ['lead_times', 'durations']) {
        await knex.raw(`ALTER TABLE ?? ALTER COLUMN ?? SET STORAGE EXTERNAL`, [
          table,
          column,
        ]);
        // A literal: COMMENT takes no parameters.
        await knex.raw(
          `COMMENT ON COLUMN ??.?? IS 'Samples in seconds, ascending, packed (src/metrics/packedSamples.ts)'`,
          [table, column],
        );
      }
    }
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const client = knex.client.config.client;
  const postgres =
    client === 'pg' || client === 'postgres' || client === 'postgresql';
  await knex.schema.alterTable('metrics_scope_daily', table => {
    table.dropColumn('generation');
  });
  for (const table of ['metrics_scope_daily', 'metrics_scope_hourly']) {
    await knex(table).del();
    if (postgres) {
      for (const column of ['lead_times', 'durations']) {
        await knex.raw(`ALTER TABLE ?? ALTER COLUMN ?? SET STORAGE EXTENDED`, [
          table,
          column,
        ]);
        await knex.raw(`COMMENT ON COLUMN ??.?? IS NULL`, [table, column]);
      }
    }
  }
};

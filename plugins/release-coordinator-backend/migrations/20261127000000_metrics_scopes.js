// @ts-check

/**
 * Roll-up caches (SPEC §12: a group of 500 read like one entity).
 *
 * A Group, System or Domain page reads the facts of every member entity; the
 * whole days of those are summed once per member set ("scope") and kept:
 *
 * - `metrics_scopes`: a member set, keyed by the SHA-256 of its sorted
 *   entity refs, and when it was last read (unread scopes are purged).
 * - `metrics_scope_daily`: the `metrics_daily` facts of the scope's members
 *   summed per environment and UTC day (counts added, samples concatenated).
 * - `metrics_scope_hourly`: the same per UTC hour, for the days cut by a
 *   window's edges (computed from the deployments of the whole day, read
 *   through `deployments_environment_finished_idx` for all members at once);
 *   what is left of an edge is less than an hour on each side.
 * - `metrics_scope_costs`: the scope's cost per UTC day and currency.
 * - `metrics_day_versions`: per environment and day, a counter bumped in the
 *   same transaction as any change of `metrics_daily` for that day
 *   (src/metrics/MetricsRollups.ts).
 * - `metrics_cost_day_versions`: per day, a counter bumped by triggers on
 *   `cost_records` in the transaction of the change, whatever wrote it.
 *
 * A cached day carries the version of its day that was read before its
 * members' facts were; it is used only while that is still the version.
 * Any committed change of the day bumps the version, so a cached day is
 * never older than what it claims to be.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const client = knex.client.config.client;
  const postgres =
    client === 'pg' || client === 'postgres' || client === 'postgresql';

  await knex.schema.createTable('metrics_scopes', table => {
    table.comment('A member set whose roll-up is cached');
    table
      .string('scope_key', 64)
      .primary()
      .comment('hex SHA-256 of the sorted member entity refs');
    table.integer('members').notNullable();
    table.timestamp('last_read_at', { useTz: true }).notNullable();
    table.index(['last_read_at'], 'metrics_scopes_last_read_idx');
  });

  await knex.schema.createTable('metrics_scope_daily', table => {
    table.comment('metrics_daily summed over the members of a scope (cache)');
    table.string('scope_key', 64).notNullable();
    table.string('environment', 63).notNullable();
    table.string('day', 10).notNullable().comment('YYYY-MM-DD (UTC)');
    table
      .bigInteger('version')
      .notNullable()
      .comment('metrics_day_versions.version it was computed at');
    table.integer('succeeded').notNullable();
    table.integer('failed').notNullable();
    table.integer('failed_in_production').notNullable();
    table.integer('rollbacks').notNullable();
    table.binary('lead_times').nullable();
    table.binary('durations').nullable();
    table.primary(['scope_key', 'environment', 'day']);
  });

  await knex.schema.createTable('metrics_scope_hourly', table => {
    table.comment(
      'Deployment facts of the members of a scope per UTC hour of the days at window edges (cache)',
    );
    table.string('scope_key', 64).notNullable();
    table.string('environment', 63).notNullable();
    table.string('hour', 13).notNullable().comment('YYYY-MM-DDTHH (UTC)');
    table
      .bigInteger('version')
      .notNullable()
      .comment('metrics_day_versions.version of its day it was computed at');
    table.integer('succeeded').notNullable();
    table.integer('failed').notNullable();
    table.integer('failed_in_production').notNullable();
    table.integer('rollbacks').notNullable();
    table.binary('lead_times').nullable();
    table.binary('durations').nullable();
    table.primary(['scope_key', 'environment', 'hour']);
  });

  // The deployments of every entity finished in a time range: the hours of a
  // scope's window edges, read once for all its members.
  await knex.schema.alterTable('deployments', table => {
    table.index(
      ['environment', 'finished_at'],
      'deployments_environment_finished_idx',
    );
  });

  // The critical and major incidents of entities (a roll-up reads those of
  // every member): covering, so that no table row is read, and without the
  // minor ones.
  await knex.raw(`
    CREATE INDEX incidents_metrics_idx
    ON incidents (entity_ref, environment, started_at, resolved_at, severity, id)
    WHERE severity IN ('critical', 'major')`);

  await knex.schema.createTable('metrics_scope_costs', table => {
    table.comment('Cost of the members of a scope per day (cache)');
    table.string('scope_key', 64).notNullable();
    table.string('day', 10).notNullable().comment('YYYY-MM-DD (UTC)');
    table
      .bigInteger('version')
      .notNullable()
      .comment('metrics_cost_day_versions.version it was computed at');
    table
      .text('totals')
      .notNullable()
      .comment('JSON object: currency → summed amount');
    table.primary(['scope_key', 'day']);
  });

  await knex.schema.createTable('metrics_day_versions', table => {
    table.comment('Bumped with every change of metrics_daily of the day');
    table.string('environment', 63).notNullable();
    table.string('day', 10).notNullable();
    table.bigInteger('version').notNullable();
    table.primary(['environment', 'day']);
  });

  await knex.schema.createTable('metrics_cost_day_versions', table => {
    table.comment('Bumped with every change of cost_records of the day');
    table.string('day', 10).primary();
    table.bigInteger('version').notNullable();
  });

  if (postgres) {
    // Statement-level: one bump per day and statement. Days in order, so
    // that two writers lock the version rows in the same order.
    /** @param {string} days */
    const bump = days => `
      INSERT INTO metrics_cost_day_versions (day, version)
      SELECT day, 1 FROM (${days}) changed ORDER BY day
      ON CONFLICT (day) DO UPDATE
      SET version = metrics_cost_day_versions.version + 1;`;
    const functions = {
      metrics_cost_versions_insert: bump(
        'SELECT DISTINCT date AS day FROM new_rows',
      ),
      metrics_cost_versions_update: bump(
        'SELECT date AS day FROM old_rows UNION SELECT date AS day FROM new_rows',
      ),
      metrics_cost_versions_delete: bump(
        'SELECT DISTINCT date AS day FROM old_rows',
      ),
    };
    for (const [name, body] of Object.entries(functions)) {
      await knex.raw(`
        CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
          ${body}
          RETURN NULL;
        END
        $body$`);
    }
    const triggers = [
      ['insert', 'INSERT', 'NEW TABLE AS new_rows'],
      ['update', 'UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['delete', 'DELETE', 'OLD TABLE AS old_rows'],
    ];
    for (const [suffix, event, referencing] of triggers) {
      await knex.raw(`
        CREATE TRIGGER metrics_cost_versions_${suffix}
        AFTER ${event} ON cost_records
        REFERENCING ${referencing}
        FOR EACH STATEMENT EXECUTE FUNCTION metrics_cost_versions_${suffix}()`);
    }
  } else {
    /** @param {string} day */
    const bump = day => `
      INSERT INTO metrics_cost_day_versions (day, version) VALUES (${day}, 1)
      ON CONFLICT (day) DO UPDATE SET version = version + 1;`;
    await knex.raw(`
      CREATE TRIGGER metrics_cost_versions_insert AFTER INSERT ON cost_records
      BEGIN ${bump('NEW.date')} END`);
    await knex.raw(`
      CREATE TRIGGER metrics_cost_versions_update AFTER UPDATE ON cost_records
      BEGIN ${bump('OLD.date')} ${bump('NEW.date')} END`);
    await knex.raw(`
      CREATE TRIGGER metrics_cost_versions_delete AFTER DELETE ON cost_records
      BEGIN ${bump('OLD.date')} END`);
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const client = knex.client.config.client;
  const postgres =
    client === 'pg' || client === 'postgres' || client === 'postgresql';
  for (const suffix of ['insert', 'update', 'delete']) {
    if (postgres) {
      await knex.raw(
        `DROP TRIGGER IF EXISTS metrics_cost_versions_${suffix} ON cost_records`,
      );
      await knex.raw(
        `DROP FUNCTION IF EXISTS metrics_cost_versions_${suffix}()`,
      );
    } else {
      await knex.raw(`DROP TRIGGER IF EXISTS metrics_cost_versions_${suffix}`);
    }
  }
  await knex.schema.dropTable('metrics_cost_day_versions');
  await knex.schema.dropTable('metrics_day_versions');
  await knex.raw('DROP INDEX IF EXISTS incidents_metrics_idx');
  await knex.schema.alterTable('deployments', table => {
    table.dropIndex(
      ['environment', 'finished_at'],
      'deployments_environment_finished_idx',
    );
  });
  await knex.schema.dropTable('metrics_scope_costs');
  await knex.schema.dropTable('metrics_scope_hourly');
  await knex.schema.dropTable('metrics_scope_daily');
  await knex.schema.dropTable('metrics_scopes');
};

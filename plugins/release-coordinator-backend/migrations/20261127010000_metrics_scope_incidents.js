// @ts-check

/**
 * Roll-up caches, continued (see 20261127000000_metrics_scopes.js): the
 * critical and major incidents of a scope's members.
 *
 * - `metrics_incident_versions`: per environment (no environment counts as
 *   production), a counter bumped by triggers on `incidents` in the
 *   transaction of any change of a critical or major incident (its old or
 *   new version), whatever wrote it.
 * - `metrics_scope_incidents`: per scope and environment, the members'
 *   critical and major incidents open or resolved at or after `since`, as
 *   read at `version`. Used while the version is current and `since` is not
 *   after the start of what is read.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const client = knex.client.config.client;
  const postgres =
    client === 'pg' || client === 'postgres' || client === 'postgresql';

  await knex.schema.createTable('metrics_incident_versions', table => {
    table.comment(
      'Bumped with every change of a critical or major incident of the environment',
    );
    table.string('environment', 63).primary();
    table.bigInteger('version').notNullable();
  });

  await knex.schema.createTable('metrics_scope_incidents', table => {
    table.comment(
      'Critical and major incidents of the members of a scope (cache)',
    );
    table.string('scope_key', 64).notNullable();
    table.string('environment', 63).notNullable();
    table
      .bigInteger('version')
      .notNullable()
      .comment('metrics_incident_versions.version it was read at');
    table
      .bigInteger('since_ms')
      .notNullable()
      .comment(
        'holds every incident open or resolved at or after this (epoch ms)',
      );
    table
      .text('incidents')
      .notNullable()
      .comment(
        'JSON: [id, entityRef, critical 1|0, startedAt ms, resolvedAt ms|null][]',
      );
    table.primary(['scope_key', 'environment']);
  });

  const severe = `severity IN ('critical', 'major')`;
  if (postgres) {
    /** @param {string} rows */
    const bump = rows => `
      INSERT INTO metrics_incident_versions (environment, version)
      SELECT environment, 1 FROM (${rows}) changed ORDER BY environment
      ON CONFLICT (environment) DO UPDATE
      SET version = metrics_incident_versions.version + 1;`;
    /** @param {string} table */
    const environments = table =>
      `SELECT coalesce(environment, 'production') AS environment FROM ${table} WHERE ${severe}`;
    const functions = {
      metrics_incident_versions_insert: bump(
        `SELECT DISTINCT environment FROM (${environments('new_rows')}) e`,
      ),
      metrics_incident_versions_update: bump(
        `${environments('old_rows')} UNION ${environments('new_rows')}`,
      ),
      metrics_incident_versions_delete: bump(
        `SELECT DISTINCT environment FROM (${environments('old_rows')}) e`,
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
        CREATE TRIGGER metrics_incident_versions_${suffix}
        AFTER ${event} ON incidents
        REFERENCING ${referencing}
        FOR EACH STATEMENT EXECUTE FUNCTION metrics_incident_versions_${suffix}()`);
    }
  } else {
    /** @param {string} r */
    const bump = r => `
      INSERT INTO metrics_incident_versions (environment, version)
      SELECT coalesce(${r}.environment, 'production'), 1
      WHERE ${r}.${severe}
      ON CONFLICT (environment) DO UPDATE SET version = version + 1;`;
    await knex.raw(`
      CREATE TRIGGER metrics_incident_versions_insert AFTER INSERT ON incidents
      BEGIN ${bump('NEW')} END`);
    await knex.raw(`
      CREATE TRIGGER metrics_incident_versions_update AFTER UPDATE ON incidents
      BEGIN ${bump('OLD')} ${bump('NEW')} END`);
    await knex.raw(`
      CREATE TRIGGER metrics_incident_versions_delete AFTER DELETE ON incidents
      BEGIN ${bump('OLD')} END`);
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
        `DROP TRIGGER IF EXISTS metrics_incident_versions_${suffix} ON incidents`,
      );
      await knex.raw(
        `DROP FUNCTION IF EXISTS metrics_incident_versions_${suffix}()`,
      );
    } else {
      await knex.raw(
        `DROP TRIGGER IF EXISTS metrics_incident_versions_${suffix}`,
      );
    }
  }
  await knex.schema.dropTable('metrics_scope_incidents');
  await knex.schema.dropTable('metrics_incident_versions');
};

// @ts-check

/**
 * Daily rollups of the delivery metrics (SPEC §12: fast whatever the history).
 *
 * - `metrics_daily`: per entity, environment and UTC day, what the metrics
 *   need from the deployments that finished that day: counts (succeeded and
 *   failed deploys, the succeeded deploys that failed in production,
 *   succeeded rollbacks) and the exact samples for medians and p95 (lead
 *   times of the succeeded deploys, durations of the finished deploys), as
 *   little-endian float64 arrays of seconds.
 * - `metrics_failed_deployments`: the succeeded deploys that failed in
 *   production (METRICS.md 4), for the partial days at a window's edges.
 * - `metrics_dirty`: what changed since the rollups were computed. Triggers
 *   on `deployments` and `incidents` append (entity, environment, earliest
 *   time affected) in the transaction of the change, whatever wrote it, so a
 *   rollup can never miss a committed change. Appends never conflict: two
 *   ingest transactions do not wait for each other here.
 * - `metrics_rollup_locks`: one row per (entity, environment), locked by the
 *   transaction that recomputes its rollups from the earliest dirty time
 *   (src/metrics/MetricsRollups.ts), so that two recomputations of the same
 *   entity never interleave.
 *
 * The rollups of every stored entity start out dirty (backfilled here), and
 * are computed on first read or by the scheduled refresh.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const client = knex.client.config.client;
  const postgres =
    client === 'pg' || client === 'postgres' || client === 'postgresql';

  await knex.schema.createTable('metrics_daily', table => {
    table.comment(
      'Delivery-metric facts of one entity, environment and UTC day (rollup)',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('day', 10).notNullable().comment('YYYY-MM-DD (UTC)');
    table.integer('succeeded').notNullable().comment('succeeded deploys');
    table.integer('failed').notNullable().comment('failed deploys');
    table
      .integer('failed_in_production')
      .notNullable()
      .comment('succeeded deploys that failed in production (METRICS.md 4)');
    table.integer('rollbacks').notNullable().comment('succeeded rollbacks');
    table
      .binary('lead_times')
      .nullable()
      .comment('lead times in seconds, float64 little-endian');
    table
      .binary('durations')
      .nullable()
      .comment('deploy durations in seconds, float64 little-endian');
    table.primary(['entity_ref', 'environment', 'day']);
  });

  await knex.schema.createTable('metrics_failed_deployments', table => {
    table.comment('Succeeded deploys that failed in production (rollup)');
    table.string('deployment_id', 36).primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.timestamp('finished_at', { useTz: true }).notNullable();
    table.index(
      ['entity_ref', 'environment', 'finished_at'],
      'metrics_failed_deployments_range_idx',
    );
  });

  await knex.schema.createTable('metrics_dirty', table => {
    table.comment(
      'Changes not yet in the rollups: earliest time affected per entity and environment',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.timestamp('since', { useTz: true }).notNullable();
    table.index(
      ['environment', 'entity_ref', 'since'],
      'metrics_dirty_entity_idx',
    );
  });

  await knex.schema.createTable('metrics_rollup_locks', table => {
    table.comment('Serializes recomputations of one entity and environment');
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.timestamp('locked_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'environment']);
  });

  // Rollbacks naming a deployment: found from the deployment when its
  // failed-in-production flag is recomputed.
  await knex.raw(
    'CREATE INDEX deployments_rollback_of_idx ON deployments (rollback_of) WHERE rollback_of IS NOT NULL',
  );

  if (postgres) {
    await createPostgresTriggers(knex);
  } else {
    await createSqliteTriggers(knex);
  }

  // Everything already stored is dirty from its earliest fact.
  await knex.raw(`
    INSERT INTO metrics_dirty (entity_ref, environment, since)
    SELECT entity_ref, environment, min(finished_at) FROM deployments
    WHERE finished_at IS NOT NULL
    GROUP BY entity_ref, environment`);
  await knex.raw(`
    INSERT INTO metrics_dirty (entity_ref, environment, since)
    SELECT entity_ref, coalesce(environment, 'production'), min(started_at) FROM incidents
    WHERE severity IN ('critical', 'major')
    GROUP BY entity_ref, coalesce(environment, 'production')`);
};

// A deployment row the metrics count: a finished deploy, or a succeeded rollback.
/** @param {string} alias */
const relevant = alias => `(${alias}.finished_at IS NOT NULL AND (
  (${alias}.kind = 'deploy' AND ${alias}.status IN ('succeeded', 'failed'))
  OR (${alias}.kind = 'rollback' AND ${alias}.status = 'succeeded')))`;

const deploymentColumns = [
  'entity_ref',
  'environment',
  'kind',
  'status',
  'started_at',
  'finished_at',
  'rollback_of',
  'commit_times',
];

/** @param {import('knex').Knex} knex */
async function createPostgresTriggers(knex) {
  // What a set of deployment rows makes dirty: each relevant row from its
  // earliest time (a rollback without rollbackOf is attributed by its
  // startedAt), and the deployment a rollback names, from its finish.
  /** @param {string} rows */
  const dirtyFromDeployments = rows => `
    INSERT INTO metrics_dirty (entity_ref, environment, since)
    SELECT entity_ref, environment, min(since) FROM (
      SELECT r.entity_ref, r.environment, LEAST(r.started_at, r.finished_at) AS since
      FROM ${rows} r WHERE ${relevant('r')}
      UNION ALL
      SELECT t.entity_ref, t.environment, t.finished_at
      FROM ${rows} r JOIN deployments t ON t.id = r.rollback_of
      WHERE r.kind = 'rollback' AND t.finished_at IS NOT NULL
    ) changed
    GROUP BY entity_ref, environment
    ORDER BY entity_ref, environment;`;
  const changedDeployments = `
    SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (${deploymentColumns.map(c => `o.${c}`).join(', ')})
      IS DISTINCT FROM (${deploymentColumns.map(c => `n.${c}`).join(', ')})
    UNION ALL
    SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (${deploymentColumns.map(c => `o.${c}`).join(', ')})
      IS DISTINCT FROM (${deploymentColumns.map(c => `n.${c}`).join(', ')})`;

  /** @param {string} rows */
  const dirtyFromIncidents = rows => `
    INSERT INTO metrics_dirty (entity_ref, environment, since)
    SELECT r.entity_ref, coalesce(r.environment, 'production'), min(r.started_at)
    FROM ${rows} r WHERE r.severity IN ('critical', 'major')
    GROUP BY r.entity_ref, coalesce(r.environment, 'production')
    ORDER BY 1, 2;`;
  const incidentColumns = [
    'entity_ref',
    'environment',
    'severity',
    'started_at',
    'resolved_at',
  ];
  const changedIncidents = `
    SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (${incidentColumns.map(c => `o.${c}`).join(', ')})
      IS DISTINCT FROM (${incidentColumns.map(c => `n.${c}`).join(', ')})
    UNION ALL
    SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (${incidentColumns.map(c => `o.${c}`).join(', ')})
      IS DISTINCT FROM (${incidentColumns.map(c => `n.${c}`).join(', ')})`;

  const functions = {
    metrics_dirty_deployments_insert: dirtyFromDeployments('new_rows'),
    metrics_dirty_deployments_update: dirtyFromDeployments(
      `(${changedDeployments})`,
    ),
    metrics_dirty_deployments_delete: dirtyFromDeployments('old_rows'),
    metrics_dirty_incidents_insert: dirtyFromIncidents('new_rows'),
    metrics_dirty_incidents_update: dirtyFromIncidents(`(${changedIncidents})`),
    metrics_dirty_incidents_delete: dirtyFromIncidents('old_rows'),
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
  // Statement-level with transition tables: one append per statement, not
  // per row. INSERT … ON CONFLICT DO UPDATE fires the INSERT trigger with
  // the inserted rows and the UPDATE trigger with the updated ones.
  const triggers = [
    ['deployments', 'insert', 'INSERT', 'NEW TABLE AS new_rows'],
    [
      'deployments',
      'update',
      'UPDATE',
      'OLD TABLE AS old_rows NEW TABLE AS new_rows',
    ],
    ['deployments', 'delete', 'DELETE', 'OLD TABLE AS old_rows'],
    ['incidents', 'insert', 'INSERT', 'NEW TABLE AS new_rows'],
    [
      'incidents',
      'update',
      'UPDATE',
      'OLD TABLE AS old_rows NEW TABLE AS new_rows',
    ],
    ['incidents', 'delete', 'DELETE', 'OLD TABLE AS old_rows'],
  ];
  for (const [table, suffix, event, referencing] of triggers) {
    await knex.raw(`
      CREATE TRIGGER metrics_dirty_${table}_${suffix}
      AFTER ${event} ON ${table}
      REFERENCING ${referencing}
      FOR EACH STATEMENT EXECUTE FUNCTION metrics_dirty_${table}_${suffix}()`);
  }
}

/** @param {import('knex').Knex} knex */
async function createSqliteTriggers(knex) {
  // Row-level (SQLite has no statement triggers); an append is skipped when
  // an earlier-or-equal mark of the same entity and environment is there.
  /** @type {(entity: string, environment: string, since: string) => string} */
  const mark = (entity, environment, since) => `
    INSERT INTO metrics_dirty (entity_ref, environment, since)
    SELECT ${entity}, ${environment}, ${since}
    WHERE NOT EXISTS (
      SELECT 1 FROM metrics_dirty m
      WHERE m.environment = ${environment} AND m.entity_ref = ${entity} AND m.since <= ${since}
    );`;
  /** @param {string} r */
  const earliest = r =>
    `CASE WHEN ${r}.started_at IS NOT NULL AND ${r}.started_at < ${r}.finished_at THEN ${r}.started_at ELSE ${r}.finished_at END`;
  /** @param {string} r */
  const dirtyFromDeployment = r => `
    ${mark(`${r}.entity_ref`, `${r}.environment`, earliest(r))}
    INSERT INTO metrics_dirty (entity_ref, environment, since)
    SELECT t.entity_ref, t.environment, t.finished_at FROM deployments t
    WHERE ${r}.kind = 'rollback' AND t.id = ${r}.rollback_of AND t.finished_at IS NOT NULL;`;
  /** @type {(columns: string[], a: string, b: string) => string} */
  const changed = (columns, a, b) =>
    columns.map(c => `${a}.${c} IS NOT ${b}.${c}`).join(' OR ');

  await knex.raw(`
    CREATE TRIGGER metrics_dirty_deployments_insert AFTER INSERT ON deployments
    WHEN ${relevant('NEW')}
    BEGIN ${dirtyFromDeployment('NEW')} END`);
  await knex.raw(`
    CREATE TRIGGER metrics_dirty_deployments_update_old AFTER UPDATE ON deployments
    WHEN ${relevant('OLD')} AND (${changed(deploymentColumns, 'OLD', 'NEW')})
    BEGIN ${dirtyFromDeployment('OLD')} END`);
  await knex.raw(`
    CREATE TRIGGER metrics_dirty_deployments_update_new AFTER UPDATE ON deployments
    WHEN ${relevant('NEW')} AND (${changed(deploymentColumns, 'OLD', 'NEW')})
    BEGIN ${dirtyFromDeployment('NEW')} END`);
  await knex.raw(`
    CREATE TRIGGER metrics_dirty_deployments_delete AFTER DELETE ON deployments
    WHEN ${relevant('OLD')}
    BEGIN ${dirtyFromDeployment('OLD')} END`);

  const incidentColumns = [
    'entity_ref',
    'environment',
    'severity',
    'started_at',
    'resolved_at',
  ];
  /** @param {string} r */
  const dirtyFromIncident = r =>
    mark(
      `${r}.entity_ref`,
      `coalesce(${r}.environment, 'production')`,
      `${r}.started_at`,
    );
  /** @param {string} r */
  const severe = r => `${r}.severity IN ('critical', 'major')`;
  await knex.raw(`
    CREATE TRIGGER metrics_dirty_incidents_insert AFTER INSERT ON incidents
    WHEN ${severe('NEW')}
    BEGIN ${dirtyFromIncident('NEW')} END`);
  await knex.raw(`
    CREATE TRIGGER metrics_dirty_incidents_update_old AFTER UPDATE ON incidents
    WHEN ${severe('OLD')} AND (${changed(incidentColumns, 'OLD', 'NEW')})
    BEGIN ${dirtyFromIncident('OLD')} END`);
  await knex.raw(`
    CREATE TRIGGER metrics_dirty_incidents_update_new AFTER UPDATE ON incidents
    WHEN ${severe('NEW')} AND (${changed(incidentColumns, 'OLD', 'NEW')})
    BEGIN ${dirtyFromIncident('NEW')} END`);
  await knex.raw(`
    CREATE TRIGGER metrics_dirty_incidents_delete AFTER DELETE ON incidents
    WHEN ${severe('OLD')}
    BEGIN ${dirtyFromIncident('OLD')} END`);
}

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const client = knex.client.config.client;
  const postgres =
    client === 'pg' || client === 'postgres' || client === 'postgresql';
  if (postgres) {
    for (const table of ['deployments', 'incidents']) {
      for (const suffix of ['insert', 'update', 'delete']) {
        await knex.raw(
          `DROP TRIGGER IF EXISTS metrics_dirty_${table}_${suffix} ON ${table}`,
        );
        await knex.raw(
          `DROP FUNCTION IF EXISTS metrics_dirty_${table}_${suffix}()`,
        );
      }
    }
  } else {
    for (const table of ['deployments', 'incidents']) {
      for (const suffix of ['insert', 'update_old', 'update_new', 'delete']) {
        await knex.raw(
          `DROP TRIGGER IF EXISTS metrics_dirty_${table}_${suffix}`,
        );
      }
    }
  }
  await knex.raw('DROP INDEX IF EXISTS deployments_rollback_of_idx');
  await knex.schema.dropTable('metrics_rollup_locks');
  await knex.schema.dropTable('metrics_dirty');
  await knex.schema.dropTable('metrics_failed_deployments');
  await knex.schema.dropTable('metrics_daily');
};

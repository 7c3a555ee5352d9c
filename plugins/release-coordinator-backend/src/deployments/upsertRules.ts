import { Knex } from 'knex';

/*
 * The merge rules of the upserts, as SQL evaluated inside
 * `INSERT ... ON CONFLICT (source, external_id) DO UPDATE SET ... WHERE ...`,
 * so that concurrent reports of the same (source, externalId) are decided by
 * the database under the row lock, never by read-then-write in JS. The SQL is
 * the same on PostgreSQL and SQLite: `excluded` is the incoming report, the
 * table name the stored row.
 */

function rank(row: string): string {
  return `(CASE ${row}.status WHEN 'queued' THEN 0 WHEN 'in_progress' THEN 1 ELSE 2 END)`;
}

/**
 * Whether an incoming deployment report may replace the stored one:
 * - a higher status rank wins (queued < in_progress < terminal);
 * - the same non-terminal status refreshes the other fields;
 * - between terminal statuses, a report with a later finishedAt wins, and a
 *   report of the same status with the same (or no) finishedAt may fill in
 *   fields; a different terminal status without a later finishedAt loses.
 */
const deploymentReportWins = `(
  ${rank('excluded')} > ${rank('deployments')}
  OR (${rank('excluded')} = ${rank('deployments')} AND ${rank(
  'deployments',
)} < 2)
  OR (${rank('excluded')} = 2 AND ${rank('deployments')} = 2 AND (
    (excluded.finished_at IS NOT NULL AND (deployments.finished_at IS NULL
      OR excluded.finished_at > deployments.finished_at))
    OR (excluded.status = deployments.status AND (excluded.finished_at IS NULL
      OR excluded.finished_at = deployments.finished_at))
  ))
)`;

/** Columns every report carries: the incoming value replaces the stored one. */
const deploymentRequiredColumns = [
  'entity_ref',
  'environment',
  'version',
  'kind',
  'status',
];

/** Columns a report may leave out: a missing value keeps the stored one. */
const deploymentOptionalColumns = [
  'commit_sha',
  'started_at',
  'finished_at',
  'initiator',
  'url',
];

const incidentRequiredColumns = [
  'entity_ref',
  'severity',
  'title',
  'started_at',
];
const incidentOptionalColumns = ['environment', 'resolved_at', 'url'];

function changes(
  table: string,
  required: string[],
  optional: string[],
): string {
  return [
    ...required.map(c => `excluded.${c} <> ${table}.${c}`),
    ...optional.map(
      c =>
        `(excluded.${c} IS NOT NULL AND (${table}.${c} IS NULL OR excluded.${c} <> ${table}.${c}))`,
    ),
  ].join(' OR ');
}

function mergeColumns(
  knex: Knex,
  table: string,
  required: string[],
  optional: string[],
): Record<string, Knex.Raw> {
  const merge: Record<string, Knex.Raw> = {};
  for (const column of required) {
    merge[column] = knex.raw(`excluded.${column}`);
  }
  for (const column of optional) {
    merge[column] = knex.raw(
      `COALESCE(excluded.${column}, ${table}.${column})`,
    );
  }
  merge.revision = knex.raw(`${table}.revision + 1`);
  merge.updated_at = knex.raw('excluded.updated_at');
  return merge;
}

/** SET and WHERE of the deployment upsert. */
export function deploymentMerge(knex: Knex): {
  merge: Record<string, Knex.Raw>;
  where: Knex.Raw;
} {
  const merge = mergeColumns(
    knex,
    'deployments',
    deploymentRequiredColumns,
    deploymentOptionalColumns,
  );
  merge.sort_at = knex.raw(
    `COALESCE(excluded.started_at, deployments.started_at,
      excluded.finished_at, deployments.finished_at, deployments.received_at)`,
  );
  return {
    merge,
    // Only a winning report that changes something writes (and bumps the
    // revision): everything else is reported as unchanged.
    where: knex.raw(
      `${deploymentReportWins} AND (${changes(
        'deployments',
        deploymentRequiredColumns,
        deploymentOptionalColumns,
      )})`,
    ),
  };
}

/*
 * Incident reports may carry `reported_at`, the source's time of what they
 * say. The stored row was observed at its `reported_at`, or (rows from
 * reports without one) at least when it was resolved.
 */
const incidentStoredAt =
  'COALESCE(incidents.reported_at, incidents.resolved_at)';
/** The report is newer than the stored row by the source's clock. */
const incidentReportNewer = `(excluded.reported_at IS NOT NULL AND (${incidentStoredAt} IS NULL OR excluded.reported_at > ${incidentStoredAt}))`;
/** The report is older than the stored row by the source's clock. */
const incidentReportOlder = `(excluded.reported_at IS NOT NULL AND ${incidentStoredAt} IS NOT NULL AND excluded.reported_at < ${incidentStoredAt})`;

/**
 * SET and WHERE of the incident upsert:
 * - a report newer than the stored row (by `reportedAt`, the source's own
 *   time) decides whether the incident is resolved: without `resolvedAt` it
 *   reopens a resolved incident (PagerDuty `incident.reopened`, a
 *   `triggered` after a resolve);
 * - a report older than the stored row changes nothing (a late redelivery
 *   of an old "triggered" cannot reopen a newer resolution);
 * - otherwise (no `reportedAt`, or the same one) the latest report wins,
 *   except that a resolved incident keeps its resolvedAt when a late report
 *   (e.g. a repeated "firing") has none.
 * A newer report that changes nothing else is not written, so listeners
 * (automated rollback) are told only of real changes.
 */
export function incidentMerge(knex: Knex): {
  merge: Record<string, Knex.Raw>;
  where: Knex.Raw;
} {
  const merge = mergeColumns(
    knex,
    'incidents',
    incidentRequiredColumns,
    incidentOptionalColumns,
  );
  merge.resolved_at = knex.raw(
    `CASE WHEN ${incidentReportNewer} THEN excluded.resolved_at
      ELSE COALESCE(excluded.resolved_at, incidents.resolved_at) END`,
  );
  merge.reported_at = knex.raw(
    `CASE WHEN ${incidentReportNewer} THEN excluded.reported_at
      ELSE incidents.reported_at END`,
  );
  const reopens = `(${incidentReportNewer} AND excluded.resolved_at IS NULL AND incidents.resolved_at IS NOT NULL)`;
  return {
    merge,
    where: knex.raw(
      `NOT ${incidentReportOlder} AND (${reopens} OR ${changes(
        'incidents',
        incidentRequiredColumns,
        incidentOptionalColumns,
      )})`,
    ),
  };
}

import { Knex } from 'knex';
import { isPostgres } from '../database/client';
import { toDbTimestamp } from '../database/timestamps';
import { LatestDeployIndex } from './changeFailures';
import { isReworkDeploy, OpenIncidentTimes } from './rework';
import { DeploymentSlot, MetricsDeployment } from './MetricsStore';

/** Milliseconds of one day. */
const DAY_MS = 86_400_000;

// Rows per statement: far below the bind-parameter limits of both databases.
const CHUNK = 400;

type DbTimestamp = Date | string | number;

/** 'YYYY-MM-DD' of the UTC day `day` (days since the epoch). */
export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Days since the epoch of 'YYYY-MM-DD'. */
export function dayNumber(day: string): number {
  return Math.round(Date.parse(`${day}T00:00:00.000Z`) / DAY_MS);
}

/** Epoch ms of a timestamp column value (a Date on pg, ISO text on SQLite). */
export function epochMs(value: DbTimestamp): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) {
    throw new Error(`Unreadable timestamp in database: ${value}`);
  }
  return parsed;
}

/**
 * A timestamp column as epoch milliseconds, computed by the database: the
 * drivers' own timestamp parsing (a Date per value on pg) costs more than
 * the query for thousands of rows. Exact for millisecond timestamps
 * (PostgreSQL: numeric epoch; SQLite: julianday() keeps integer
 * milliseconds internally, and the rounding removes the float error).
 */
export function epochMsColumn(
  db: Knex,
  column: string,
  alias: string,
): Knex.Raw {
  if (isPostgres(db)) {
    return db.raw(`(extract(epoch FROM ??) * 1000)::float8 AS ??`, [
      column,
      alias,
    ]);
  }
  // Text is what this plugin writes; a number is taken as epoch ms.
  return db.raw(
    `CASE typeof(??) WHEN 'text' THEN CAST(round((julianday(??) - 2440587.5) * 86400000) AS INTEGER) ELSE ?? END AS ??`,
    [column, column, column, alias],
  );
}

/** float64 little-endian bytes of samples (null for none). */
export function encodeSamples(samples: number[]): Buffer | null {
  if (samples.length === 0) return null;
  const buffer = Buffer.allocUnsafe(samples.length * 8);
  for (let i = 0; i < samples.length; i++) {
    buffer.writeDoubleLE(samples[i], i * 8);
  }
  return buffer;
}

/** The samples of {@link encodeSamples}' bytes. */
export function decodeSamples(value: Buffer | Uint8Array | null): Float64Array {
  if (value === null || value.byteLength === 0) return new Float64Array(0);
  if (value.byteLength % 8 !== 0) {
    throw new Error(`Corrupt metrics samples: ${value.byteLength} bytes`);
  }
  if (value.byteOffset % 8 === 0) {
    return new Float64Array(
      value.buffer,
      value.byteOffset,
      value.byteLength / 8,
    );
  }
  const copy = new Float64Array(value.byteLength / 8);
  new Uint8Array(copy.buffer).set(value);
  return copy;
}

/** The epoch ms of a `deployments.commit_times` value. */
export function parseCommitTimes(value: string | null): number[] {
  if (value === null || value === '') return [];
  return value.split(',').map(Number);
}

/** A deployments row as the metrics read it. */
export type DeploymentFactRow = {
  id: string;
  kind: string;
  status: string;
  /** Epoch ms (see epochMsColumn). */
  started_ms: number | string | null;
  finished_ms: number | string;
  rollback_of: string | null;
  commit_times: string | null;
};

/** Converts a row of {@link deploymentFacts}. */
export function toMetricsDeployment(
  row: DeploymentFactRow,
  entityRef: string,
): MetricsDeployment {
  const kind = row.kind === 'rollback' ? 'rollback' : 'deploy';
  const status = row.status === 'failed' ? 'failed' : 'succeeded';
  return {
    id: row.id,
    entityRef,
    kind,
    status,
    startedAt: row.started_ms === null ? null : Number(row.started_ms),
    finishedAt: Number(row.finished_ms),
    rollbackOf: row.rollback_of,
    // Lead time counts the commits of succeeded deploys only.
    commitTimes:
      kind === 'deploy' && status === 'succeeded'
        ? parseCommitTimes(row.commit_times)
        : [],
  };
}

/** A range of finish times [from, to) (no `to`: open-ended). */
export interface FinishRange {
  from: number;
  to?: number;
}

/**
 * `finished_at` in any of the ranges: one index range each.
 */
export function finishedIn(
  builder: Knex.QueryBuilder,
  ranges: FinishRange[],
): Knex.QueryBuilder {
  return builder.andWhere(any => {
    for (const range of ranges) {
      any.orWhere(one => {
        one.where('finished_at', '>=', toDbTimestamp(new Date(range.from)));
        if (range.to !== undefined) {
          one.andWhere('finished_at', '<', toDbTimestamp(new Date(range.to)));
        }
      });
    }
  });
}

/**
 * The deployments the metrics count (finished deploys that succeeded or
 * failed, succeeded rollbacks) of entities in an environment, finished in
 * one of the ranges: ranges of `deployments_metrics_idx` per kind and status.
 * Without `entityRefs`, those of every entity: ranges of
 * `deployments_environment_finished_idx`.
 */
export function deploymentFacts(
  db: Knex,
  options: {
    entityRefs?: string[];
    environment: string;
    ranges: FinishRange[];
  },
): Knex.QueryBuilder {
  const query = db('deployments')
    .select(
      'id',
      'entity_ref',
      'kind',
      'status',
      epochMsColumn(db, 'started_at', 'started_ms'),
      epochMsColumn(db, 'finished_at', 'finished_ms'),
      'rollback_of',
      'commit_times',
    )
    .where('environment', options.environment);
  if (options.entityRefs) {
    query.whereIn('entity_ref', options.entityRefs);
  }
  return finishedIn(query, options.ranges).andWhere(builder =>
    builder
      .where(deploy =>
        deploy
          .where('kind', 'deploy')
          .whereIn('status', ['succeeded', 'failed']),
      )
      .orWhere(rollback =>
        rollback.where('kind', 'rollback').andWhere('status', 'succeeded'),
      ),
  );
}

/** One row of `metrics_daily`, before encoding. */
export interface DailyFacts {
  succeeded: number;
  failed: number;
  failedInProduction: number;
  rollbacks: number;
  reworkDeploys: number;
  leadTimes: number[];
  durations: number[];
}

/**
 * The fact columns of a `metrics_daily` row, and of the roll-up caches'
 * rows (`metrics_scope_daily`, `metrics_scope_hourly`), which have the same.
 */
export const FACT_COLUMNS = [
  'succeeded',
  'failed',
  'failed_in_production',
  'rollbacks',
  'rework_deploys',
  'lead_times',
  'durations',
] as const;

/** Those columns as the drivers return them. */
export interface FactColumns {
  succeeded: number | string;
  failed: number | string;
  failed_in_production: number | string;
  rollbacks: number | string;
  rework_deploys: number | string;
  lead_times: Buffer | null;
  durations: Buffer | null;
}

/** The slot [start, end) of a row's facts. */
export function factsSlot(
  row: FactColumns,
  entityRef: string,
  start: number,
  end: number,
  decode: (bytes: Buffer | null) => Float64Array = decodeSamples,
): DeploymentSlot {
  return {
    entityRef,
    start,
    end,
    succeeded: Number(row.succeeded),
    failed: Number(row.failed),
    failedInProduction: Number(row.failed_in_production),
    rollbacks: Number(row.rollbacks),
    reworkDeploys: Number(row.rework_deploys),
    leadTimes: decode(row.lead_times),
    durations: decode(row.durations),
  };
}

/** No facts yet. */
export function emptyDay(): DailyFacts {
  return {
    succeeded: 0,
    failed: 0,
    failedInProduction: 0,
    rollbacks: 0,
    reworkDeploys: 0,
    leadTimes: [],
    durations: [],
  };
}

/**
 * Adds a deployment to the facts of its day (METRICS.md 1, 2, 3, 7, 8; 4
 * through `failed`, the succeeded deploys that failed in production; 10
 * through `rework`, the succeeded deploys that started during an incident).
 */
export function addDeployment(
  facts: DailyFacts,
  d: MetricsDeployment,
  failed: boolean,
  rework: boolean,
): void {
  if (d.kind === 'rollback') {
    facts.rollbacks++;
    return;
  }
  if (d.status === 'succeeded') {
    facts.succeeded++;
    if (failed) facts.failedInProduction++;
    if (rework) facts.reworkDeploys++;
    for (const committedAt of d.commitTimes) {
      const lead = (d.finishedAt - committedAt) / 1000;
      if (lead > 0) facts.leadTimes.push(lead);
    }
  } else {
    facts.failed++;
  }
  if (d.startedAt !== null) {
    facts.durations.push((d.finishedAt - d.startedAt) / 1000);
  }
}

/**
 * Bumps the version of each day (metrics_day_versions, migration
 * 20261127000000_metrics_scopes.js) in the caller's transaction: the
 * roll-up caches of those days are stale from its commit on. Days in
 * ascending order, so that concurrent transactions lock them in the same
 * order.
 */
export async function bumpDayVersions(
  tx: Knex.Transaction,
  environment: string,
  days: string[],
): Promise<void> {
  const sorted = [...new Set(days)].sort();
  for (let i = 0; i < sorted.length; i += CHUNK / 2) {
    const chunk = sorted.slice(i, i + CHUNK / 2);
    await tx.raw(
      `INSERT INTO metrics_day_versions (environment, day, version)
       VALUES ${chunk.map(() => '(?, ?, 1)').join(', ')}
       ON CONFLICT (environment, day) DO UPDATE
       SET version = metrics_day_versions.version + 1`,
      chunk.flatMap(day => [environment, day]),
    );
  }
}

/**
 * Keeps the daily rollups (`metrics_daily`, `metrics_failed_deployments`,
 * `metrics_rework_deployments`)
 * in step with `deployments` and `incidents`, from the marks their triggers
 * leave in `metrics_dirty` (migration 20261126160000_metrics_rollups.js).
 */
export class MetricsRollups {
  constructor(private readonly db: Knex) {}

  /**
   * Brings the rollups of the entities in the environment up to date with
   * every change committed before this call: recomputes each entity that
   * has marks. One indexed query when nothing changed.
   */
  async refresh(entityRefs: string[], environment: string): Promise<void> {
    const refs = [...new Set(entityRefs)];
    const dirty: string[] = [];
    // PostgreSQL: one array parameter, one round trip for any number.
    const size = isPostgres(this.db) ? refs.length : CHUNK;
    for (let i = 0; i < refs.length; i += size) {
      const chunk = refs.slice(i, i + size);
      const query = this.db('metrics_dirty')
        .distinct('entity_ref')
        .where('environment', environment);
      if (isPostgres(this.db)) {
        query.whereRaw('entity_ref = ANY(?)', [chunk]);
      } else {
        query.whereIn('entity_ref', chunk);
      }
      const rows: Array<{ entity_ref: string }> = await query;
      for (const row of rows) dirty.push(row.entity_ref);
    }
    for (const entityRef of dirty.sort()) {
      await this.recompute(entityRef, environment);
    }
  }

  /**
   * Recomputes every (entity, environment) with marks, in rounds of
   * `limit`, until none is left or the signal aborts; how many it did.
   */
  async refreshAll(signal?: AbortSignal, limit = 200): Promise<number> {
    let total = 0;
    while (!signal?.aborted) {
      const done = await this.refreshDirty(limit);
      total += done;
      if (done < limit) break;
    }
    return total;
  }

  /** Refreshes up to `limit` dirty (entity, environment) pairs; how many. */
  async refreshDirty(limit = 200): Promise<number> {
    const pairs: Array<{ entity_ref: string; environment: string }> =
      await this.db('metrics_dirty')
        .distinct('environment', 'entity_ref')
        .orderBy(['environment', 'entity_ref'])
        .limit(limit);
    for (const pair of pairs) {
      await this.recompute(pair.entity_ref, pair.environment);
    }
    return pairs.length;
  }

  /**
   * Recomputes the rollups of one entity and environment from its earliest
   * mark, in one transaction holding the entity's lock row. The marks are
   * taken (deleted) first: a change committed later leaves a mark that this
   * transaction does not delete, so it is picked up by the next refresh;
   * every change committed before the delete is visible to the reads that
   * follow it.
   */
  async recompute(entityRef: string, environment: string): Promise<void> {
    await this.db.transaction(async tx => {
      await tx('metrics_rollup_locks')
        .insert({
          entity_ref: entityRef,
          environment,
          locked_at: toDbTimestamp(new Date()),
        })
        .onConflict(['entity_ref', 'environment'])
        .merge(['locked_at']);
      const marks = await this.takeMarks(tx, entityRef, environment);
      if (marks.length === 0) {
        return; // Another refresh took them (and has committed).
      }
      const since = Math.min(...marks.map(mark => epochMs(mark.since)));
      await this.rebuild(tx, entityRef, environment, since);
    });
  }

  /** Deletes the marks of the entity, returning them. */
  private async takeMarks(
    tx: Knex.Transaction,
    entityRef: string,
    environment: string,
  ): Promise<Array<{ since: DbTimestamp }>> {
    const marks = tx('metrics_dirty').where({
      entity_ref: entityRef,
      environment,
    });
    if (isPostgres(tx)) {
      // Exactly the marks committed before this statement.
      return marks.del().returning('since');
    }
    // SQLite runs one transaction at a time: nothing can come in between.
    const rows: Array<{ since: DbTimestamp }> = await marks
      .clone()
      .select('since');
    await marks.del();
    return rows;
  }

  private async rebuild(
    tx: Knex.Transaction,
    entityRef: string,
    environment: string,
    since: number,
  ): Promise<void> {
    // Attribution of what changed at or after `since` can move to or away
    // from the latest succeeded deploy before its day; every day from that
    // deploy's day on is rebuilt (METRICS.md 4: a failure goes to the most
    // recent succeeded deploy at or before the rollback or incident).
    const sinceDay = Math.floor(since / DAY_MS) * DAY_MS;
    const [anchor]: Array<{ finished_ms: number | string }> = await tx(
      'deployments',
    )
      .select(epochMsColumn(tx, 'finished_at', 'finished_ms'))
      .where({
        entity_ref: entityRef,
        environment,
        kind: 'deploy',
        status: 'succeeded',
      })
      .andWhere('finished_at', '<', toDbTimestamp(new Date(sinceDay)))
      .orderBy('finished_at', 'desc')
      .limit(1);
    const from =
      anchor === undefined
        ? sinceDay
        : Math.floor(Number(anchor.finished_ms) / DAY_MS) * DAY_MS;

    const rows: DeploymentFactRow[] = await deploymentFacts(tx, {
      entityRefs: [entityRef],
      environment,
      ranges: [{ from }],
    });
    const deployments = rows.map(row => toMetricsDeployment(row, entityRef));
    const succeeded = deployments.filter(
      d => d.kind === 'deploy' && d.status === 'succeeded',
    );

    // (a) named by a succeeded rollback (of any entity or time).
    const named: Array<{ rollback_of: string }> = await tx('deployments as r')
      .distinct('r.rollback_of')
      .whereIn(
        'r.rollback_of',
        tx('deployments')
          .select('id')
          .where({
            entity_ref: entityRef,
            environment,
            kind: 'deploy',
            status: 'succeeded',
          })
          .andWhere('finished_at', '>=', toDbTimestamp(new Date(from))),
      )
      .andWhere({ 'r.kind': 'rollback', 'r.status': 'succeeded' });
    const failed = new Set(named.map(row => row.rollback_of));

    // (a) rollbacks without rollbackOf and (b) critical and major incidents:
    // the most recent succeeded deploy at or before them. Targets before
    // `from` are not rebuilt (nothing about them changed).
    const latest = new LatestDeployIndex(succeeded);
    for (const d of deployments) {
      if (d.kind === 'rollback' && d.rollbackOf === null) {
        const target = latest.atOrBefore(d.startedAt ?? d.finishedAt);
        if (target) failed.add(target.id);
      }
    }
    const incidents: Array<{ started_ms: number | string }> = await tx(
      'incidents',
    )
      .select(epochMsColumn(tx, 'started_at', 'started_ms'))
      .where('entity_ref', entityRef)
      .andWhere(builder => {
        builder.where('environment', environment);
        // METRICS.md: an incident with no environment counts as production.
        if (environment === 'production') builder.orWhereNull('environment');
      })
      .andWhere('started_at', '>=', toDbTimestamp(new Date(from)))
      // A literal, not parameters: the condition of the partial index
      // `incidents_metrics_idx` must be provable when the query is planned.
      .whereRaw(`severity IN ('critical', 'major')`);
    for (const incident of incidents) {
      const target = latest.atOrBefore(Number(incident.started_ms));
      if (target) failed.add(target.id);
    }

    // METRICS.md 10: the critical and major incidents open at the start of
    // a rebuilt deploy (its finishedAt without one); a change of any of
    // them marked the entity from a time at or before that start.
    let earliestStart = Infinity;
    for (const d of succeeded) {
      earliestStart = Math.min(earliestStart, d.startedAt ?? d.finishedAt);
    }
    const openIncidents =
      earliestStart === Infinity
        ? new OpenIncidentTimes([])
        : await this.openIncidentTimes(
            tx,
            entityRef,
            environment,
            earliestStart,
          );

    const days = new Map<number, DailyFacts>();
    const failedRows: Array<Record<string, string>> = [];
    const reworkRows: Array<Record<string, string>> = [];
    for (const d of deployments) {
      const day = Math.floor(d.finishedAt / DAY_MS);
      let facts = days.get(day);
      if (!facts) {
        facts = emptyDay();
        days.set(day, facts);
      }
      const isFailed =
        d.kind === 'deploy' && d.status === 'succeeded' && failed.has(d.id);
      const isRework = isReworkDeploy(d, openIncidents);
      addDeployment(facts, d, isFailed, isRework);
      const row = {
        deployment_id: d.id,
        entity_ref: entityRef,
        environment,
        finished_at: toDbTimestamp(new Date(d.finishedAt)),
      };
      if (isFailed) failedRows.push(row);
      if (isRework) reworkRows.push(row);
    }

    const replaced = tx('metrics_daily')
      .where({ entity_ref: entityRef, environment })
      .andWhere('day', '>=', dayString(from / DAY_MS));
    let oldDays: Array<{ day: string }>;
    if (isPostgres(tx)) {
      oldDays = await replaced.del().returning('day');
    } else {
      oldDays = await replaced.clone().select('day');
      await replaced.del();
    }
    await bumpDayVersions(tx, environment, [
      ...oldDays.map(row => row.day),
      ...[...days.keys()].map(dayString),
    ]);
    const dailyRows = [...days].map(([day, facts]) => ({
      entity_ref: entityRef,
      environment,
      day: dayString(day),
      succeeded: facts.succeeded,
      failed: facts.failed,
      failed_in_production: facts.failedInProduction,
      rollbacks: facts.rollbacks,
      rework_deploys: facts.reworkDeploys,
      lead_times: encodeSamples(facts.leadTimes),
      durations: encodeSamples(facts.durations),
    }));
    for (let i = 0; i < dailyRows.length; i += CHUNK / 10) {
      await tx('metrics_daily').insert(dailyRows.slice(i, i + CHUNK / 10));
    }

    await tx('metrics_failed_deployments')
      .where({ entity_ref: entityRef, environment })
      .andWhere('finished_at', '>=', toDbTimestamp(new Date(from)))
      .del();
    for (let i = 0; i < failedRows.length; i += CHUNK / 4) {
      await tx('metrics_failed_deployments')
        .insert(failedRows.slice(i, i + CHUNK / 4))
        .onConflict('deployment_id')
        .merge();
    }

    await tx('metrics_rework_deployments')
      .where({ entity_ref: entityRef, environment })
      .andWhere('finished_at', '>=', toDbTimestamp(new Date(from)))
      .del();
    for (let i = 0; i < reworkRows.length; i += CHUNK / 4) {
      await tx('metrics_rework_deployments')
        .insert(reworkRows.slice(i, i + CHUNK / 4))
        .onConflict('deployment_id')
        .merge();
    }
  }

  /**
   * The times at which a critical or major incident of the entity and
   * environment (no environment counts as production) is open, from the
   * incidents open at or after `since`.
   */
  private async openIncidentTimes(
    tx: Knex.Transaction,
    entityRef: string,
    environment: string,
    since: number,
  ): Promise<OpenIncidentTimes> {
    const rows: Array<{
      started_ms: number | string;
      resolved_ms: number | string | null;
    }> = await tx('incidents')
      .select(
        epochMsColumn(tx, 'started_at', 'started_ms'),
        epochMsColumn(tx, 'resolved_at', 'resolved_ms'),
      )
      .where('entity_ref', entityRef)
      .andWhere(builder => {
        builder.where('environment', environment);
        // METRICS.md: an incident with no environment counts as production.
        if (environment === 'production') builder.orWhereNull('environment');
      })
      .andWhere(builder =>
        builder
          .whereNull('resolved_at')
          .orWhere('resolved_at', '>', toDbTimestamp(new Date(since))),
      )
      // A literal, not parameters (see rebuild).
      .whereRaw(`severity IN ('critical', 'major')`);
    return new OpenIncidentTimes(
      rows.map(row => ({
        startedAt: Number(row.started_ms),
        resolvedAt: row.resolved_ms === null ? null : Number(row.resolved_ms),
      })),
    );
  }
}

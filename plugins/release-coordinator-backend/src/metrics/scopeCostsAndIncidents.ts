/*
 * The roll-up caches of a scope's cost and incidents (see MetricsScopes and
 * migrations 20261127000000_metrics_scopes.js,
 * 20261127010000_metrics_scope_incidents.js): one statement while the
 * cached rows' versions are current, recomputed from the members otherwise.
 */

import { Knex } from 'knex';
import { chunks } from '../deployments/upsertByExternalId';
import { dayString } from './MetricsRollups';
import { MetricsCost, MetricsIncident } from './MetricsStore';

/** Milliseconds of one day. */
const DAY_MS = 86_400_000;

// Keeps every `IN (...)` list far below the bind-parameter limits.
const ENTITY_CHUNK = 500;

type Version = number | string;

/** Every day 'YYYY-MM-DD' in [from, to). */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let t = Date.parse(`${from}T00:00:00.000Z`);
    t < Date.parse(`${to}T00:00:00.000Z`);
    t += DAY_MS
  ) {
    out.push(dayString(t / DAY_MS));
  }
  return out;
}

/**
 * The scope's cost of the days [from, to), summed per day and currency
 * (`entityRef` and `source` empty).
 */
export async function readScopeCosts(
  db: Knex,
  options: {
    key: string;
    entityRefs: string[];
    from: string;
    to: string;
  },
): Promise<MetricsCost[]> {
  const { key, entityRefs, from, to } = options;
  const days = daysBetween(from, to);
  if (days.length === 0) return [];
  const first = days[0];
  const last = days[days.length - 1];
  // The cached days whose version is current, in one statement.
  const cachedRows: Array<{ day: string; totals: string }> = await db(
    'metrics_scope_costs as c',
  )
    .leftJoin('metrics_cost_day_versions as v', 'v.day', 'c.day')
    .select('c.day', 'c.totals')
    .where('c.scope_key', key)
    .andWhere('c.day', '>=', first)
    .andWhere('c.day', '<=', last)
    .andWhereRaw('c.version = COALESCE(v.version, 0)');
  const totals = new Map<string, Record<string, number>>();
  for (const row of cachedRows) totals.set(row.day, JSON.parse(row.totals));
  const stale = days.filter(day => !totals.has(day));
  if (stale.length > 0) {
    // The versions before the cost (see readWholeDays).
    const versions = await dayVersions(
      db,
      'metrics_cost_day_versions',
      stale[0],
      stale[stale.length - 1],
    );
    const wanted = new Set(stale);
    const fresh = new Map<string, Record<string, number>>(
      stale.map(day => [day, {}]),
    );
    for (const chunk of chunks([...new Set(entityRefs)], ENTITY_CHUNK)) {
      const rows: Array<{
        date: string;
        currency: string;
        amount: number | string;
      }> = await db('cost_records')
        .select('date', 'currency')
        .sum({ amount: 'amount' })
        .whereIn('entity_ref', chunk)
        .andWhere('date', '>=', stale[0])
        .andWhere('date', '<=', stale[stale.length - 1])
        .groupBy('date', 'currency');
      for (const row of rows) {
        if (!wanted.has(row.date)) continue;
        const day = fresh.get(row.date)!;
        day[row.currency] = (day[row.currency] ?? 0) + Number(row.amount);
      }
    }
    const writes = stale.map(day => ({
      scope_key: key,
      day,
      version: versions.get(day) ?? 0,
      totals: JSON.stringify(fresh.get(day)),
    }));
    for (const chunk of chunks(writes, ENTITY_CHUNK / 2)) {
      await db('metrics_scope_costs')
        .insert(chunk)
        .onConflict(['scope_key', 'day'])
        .merge();
    }
    for (const [day, dayTotals] of fresh) totals.set(day, dayTotals);
  }
  const out: MetricsCost[] = [];
  for (const day of days) {
    for (const [currency, amount] of Object.entries(totals.get(day)!)) {
      out.push({ entityRef: '', date: day, source: '', amount, currency });
    }
  }
  return out;
}

/**
 * The members' critical and major incidents that started before `to`,
 * open or resolved since `from`: from the scope's cached list while no
 * critical or major incident of the environment changed, else read again
 * (`read`: those open or resolved since a time) from the start of the
 * UTC day of `from` and cached.
 */
export async function readScopeIncidents(
  db: Knex,
  options: {
    key: string;
    environment: string;
    from: number;
    to: number;
    read: (since: Date) => Promise<MetricsIncident[]>;
  },
): Promise<MetricsIncident[]> {
  const { key, environment, from, to } = options;
  // The cached list if its version is current, in one statement.
  const cached: { incidents: string } | undefined = await db(
    'metrics_scope_incidents as c',
  )
    .leftJoin(
      'metrics_incident_versions as v',
      'v.environment',
      'c.environment',
    )
    .select('c.incidents')
    .where({ 'c.scope_key': key, 'c.environment': environment })
    .andWhere('c.since_ms', '<=', from)
    .andWhereRaw('c.version = COALESCE(v.version, 0)')
    .first();
  let incidents: MetricsIncident[];
  if (cached) {
    incidents = (
      JSON.parse(cached.incidents) as Array<
        [string, string, number, number, number | null]
      >
    ).map(([id, entityRef, critical, startedAt, resolvedAt]) => ({
      id,
      entityRef,
      severity: critical ? 'critical' : 'major',
      startedAt,
      resolvedAt,
    }));
  } else {
    // The version before the incidents (see readWholeDays).
    const versionRow: { version: Version } | undefined = await db(
      'metrics_incident_versions',
    )
      .select('version')
      .where('environment', environment)
      .first();
    const version = Number(versionRow?.version ?? 0);
    const since = Math.floor(from / DAY_MS) * DAY_MS;
    incidents = await options.read(new Date(since));
    await db('metrics_scope_incidents')
      .insert({
        scope_key: key,
        environment,
        version,
        since_ms: since,
        incidents: JSON.stringify(
          incidents.map(i => [
            i.id,
            i.entityRef,
            i.severity === 'critical' ? 1 : 0,
            i.startedAt,
            i.resolvedAt,
          ]),
        ),
      })
      .onConflict(['scope_key', 'environment'])
      .merge();
  }
  return incidents.filter(
    i => i.startedAt < to && (i.resolvedAt === null || i.resolvedAt >= from),
  );
}

/** The versions of the days [first, last] (absent: 0). */
export async function dayVersions(
  db: Knex,
  table: 'metrics_day_versions' | 'metrics_cost_day_versions',
  first: string,
  last: string,
  environment?: string,
): Promise<Map<string, number>> {
  const query = db(table)
    .select('day', 'version')
    .where('day', '>=', first)
    .andWhere('day', '<=', last);
  if (environment !== undefined) query.andWhere('environment', environment);
  const rows: Array<{ day: string; version: Version }> = await query;
  return new Map(rows.map(row => [row.day, Number(row.version)]));
}

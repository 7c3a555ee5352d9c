// @ts-check
'use strict';

/**
 * Query plans of the metrics store's queries (as written in
 * plugins/release-coordinator-backend/src/metrics/DatabaseMetricsStore.ts)
 * on the generated data, so a miss can be traced to a plan. Rebuilt here
 * with the same knex calls; the bench never changes backend code.
 */

const { createHash } = require('node:crypto');

const DAY_MS = 86_400_000;

function queries(knex, entityRefs, environment, windowDays, endMs) {
  const from = new Date(endMs - 2 * windowDays * DAY_MS).toISOString();
  const to = new Date(endMs).toISOString();
  const day = iso => iso.slice(0, 10);
  const endDay = Math.floor(endMs / DAY_MS) * DAY_MS;
  const costFrom = day(
    new Date(endDay - 3 * windowDays * DAY_MS).toISOString(),
  );
  const costTo = day(new Date(endDay).toISOString());
  const todayStart = new Date(endDay).toISOString();
  return {
    // Whole UTC days: the daily rollup (primary-key range per entity).
    daily: knex('metrics_daily')
      .select(
        'entity_ref',
        'day',
        'succeeded',
        'failed',
        'failed_in_production',
        'rollbacks',
        'lead_times',
        'durations',
      )
      .whereIn('entity_ref', entityRefs)
      .andWhere('environment', environment)
      .andWhere('day', '>=', day(from))
      .andWhere('day', '<=', day(to)),
    // A partial day (here: today up to the window's end) from the rows.
    partialDay: knex('deployments')
      .select(
        'id',
        'entity_ref',
        'kind',
        'status',
        'started_at',
        'finished_at',
        'rollback_of',
        'commit_times',
      )
      .whereIn('entity_ref', entityRefs)
      .andWhere('environment', environment)
      .andWhere('finished_at', '>=', todayStart)
      .andWhere('finished_at', '<', to)
      .andWhere(b =>
        b
          .where(x =>
            x
              .where('kind', 'deploy')
              .whereIn('status', ['succeeded', 'failed']),
          )
          .orWhere(x =>
            x.where('kind', 'rollback').andWhere('status', 'succeeded'),
          ),
      ),
    partialDayFailures: knex('metrics_failed_deployments')
      .select('deployment_id')
      .whereIn('entity_ref', entityRefs)
      .andWhere('environment', environment)
      .andWhere('finished_at', '>=', todayStart)
      .andWhere('finished_at', '<', to),
    incidents: knex('incidents')
      .select('id', 'entity_ref', 'severity', 'started_at', 'resolved_at')
      .whereIn('entity_ref', entityRefs)
      .andWhere(b => {
        b.where('environment', environment);
        if (environment === 'production') b.orWhereNull('environment');
      })
      .andWhere('started_at', '<', to)
      .andWhere(b =>
        b.whereNull('resolved_at').orWhere('resolved_at', '>=', from),
      )
      .whereRaw(`severity IN ('critical', 'major')`),
    // Summed per day and currency by the database (one entity; a roll-up
    // reads scopeCosts below).
    costs: knex('cost_records')
      .select('date', 'currency')
      .sum({ amount: 'amount' })
      .whereIn('entity_ref', entityRefs)
      .andWhere('date', '>=', costFrom)
      .andWhere('date', '<', costTo)
      .groupBy('date', 'currency'),
    ...(entityRefs.length >= SCOPE_MIN_MEMBERS
      ? scopeQueries(knex, entityRefs, environment, {
          from,
          to,
          costFrom,
          costTo,
          todayStart,
        })
      : {}),
  };
}

// DatabaseMetricsStore's default: from 10 members a roll-up reads the
// roll-up caches (src/metrics/MetricsScopes.ts).
const SCOPE_MIN_MEMBERS = 10;

/** The roll-up caches' queries (MetricsScopes). */
function scopeQueries(knex, entityRefs, environment, range) {
  const hash = createHash('sha256');
  for (const ref of [...new Set(entityRefs)].sort()) hash.update(`${ref}\n`);
  const key = hash.digest('hex');
  const day = iso => iso.slice(0, 10);
  const hours = [];
  for (
    let t = Date.parse(range.todayStart);
    t + 3_600_000 <= Date.parse(range.to);
    t += 3_600_000
  ) {
    hours.push(new Date(t).toISOString().slice(0, 13));
  }
  const edgeStart = new Date(
    Math.floor(Date.parse(range.to) / 3_600_000) * 3_600_000,
  ).toISOString();
  const current = 'c.version = COALESCE(v.version, 0)';
  return {
    // compute: day and generation of the cached days whose version is
    // current (the runs of days are in the backend's memory).
    scopeDaily: knex('metrics_scope_daily as c')
      .leftJoin('metrics_day_versions as v', join =>
        join.on('v.environment', 'c.environment').andOn('v.day', 'c.day'),
      )
      .select('c.day', 'c.version', 'c.generation')
      .where({ 'c.scope_key': key, 'c.environment': environment })
      .andWhere('c.day', '>=', day(range.from))
      .andWhere('c.day', '<=', day(range.to))
      .andWhereRaw(current),
    scopeHours: knex('metrics_scope_hourly as c')
      .leftJoin('metrics_day_versions as v', join =>
        join
          .on('v.environment', 'c.environment')
          .andOn('v.day', knex.raw('substr(c.hour, 1, 10)')),
      )
      .select('c.hour', 'c.version', 'c.succeeded', 'c.lead_times')
      .where({ 'c.scope_key': key, 'c.environment': environment })
      .whereIn('c.hour', hours.length ? hours : ['-'])
      .andWhereRaw(current),
    // Less than an hour at the window's end, every entity (kept for the
    // members in the service), with whether it failed in production.
    scopeEdge: knex('deployments')
      .select(
        'id',
        'entity_ref',
        'kind',
        'status',
        'finished_at',
        knex.raw(
          '(SELECT 1 FROM metrics_failed_deployments f WHERE f.deployment_id = deployments.id) AS failed_flag',
        ),
      )
      .where('environment', environment)
      .andWhere('finished_at', '>=', edgeStart)
      .andWhere('finished_at', '<', range.to)
      .andWhere(b =>
        b
          .where(x =>
            x
              .where('kind', 'deploy')
              .whereIn('status', ['succeeded', 'failed']),
          )
          .orWhere(x =>
            x.where('kind', 'rollback').andWhere('status', 'succeeded'),
          ),
      ),
    scopeCosts: knex('metrics_scope_costs as c')
      .leftJoin('metrics_cost_day_versions as v', 'v.day', 'c.day')
      .select('c.day', 'c.totals')
      .where('c.scope_key', key)
      .andWhere('c.day', '>=', range.costFrom)
      .andWhere('c.day', '<=', range.costTo)
      .andWhereRaw(current),
    scopeIncidents: knex('metrics_scope_incidents as c')
      .leftJoin(
        'metrics_incident_versions as v',
        'v.environment',
        'c.environment',
      )
      .select('c.since_ms', 'c.incidents')
      .where({ 'c.scope_key': key, 'c.environment': environment })
      .andWhereRaw(current),
  };
}

/** EXPLAIN (PostgreSQL: ANALYZE, BUFFERS) of each query; plan lines per query. */
async function explainMetricsQueries(
  knex,
  client,
  entityRefs,
  environment,
  windowDays,
) {
  const plans = {};
  for (const [name, query] of Object.entries(
    queries(knex, entityRefs, environment, windowDays, Date.now()),
  )) {
    const { sql, bindings } = query.toSQL();
    if (client === 'postgres') {
      const result = await knex.raw(
        `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
        bindings,
      );
      plans[name] = result.rows.map(r => r['QUERY PLAN']);
    } else {
      const rows = await knex.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings);
      plans[name] = rows.map(r => `${r.id}/${r.parent} ${r.detail}`);
      const started = process.hrtime.bigint();
      const data = await knex.raw(sql, bindings);
      plans[name].push(
        `(${data.length} rows in ${(
          Number(process.hrtime.bigint() - started) / 1e6
        ).toFixed(1)} ms)`,
      );
    }
  }
  return plans;
}

module.exports = { explainMetricsQueries };

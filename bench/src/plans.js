// @ts-check
'use strict';

/**
 * Query plans of the metrics store's queries (as written in
 * plugins/release-coordinator-backend/src/metrics/DatabaseMetricsStore.ts)
 * on the generated data, so a miss can be traced to a plan. Rebuilt here
 * with the same knex calls; the bench never changes backend code.
 */

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
      .whereIn('severity', ['critical', 'major']),
    // Summed per day and currency by the database.
    costs: knex('cost_records')
      .select('date', 'currency')
      .sum({ amount: 'amount' })
      .whereIn('entity_ref', entityRefs)
      .andWhere('date', '>=', costFrom)
      .andWhere('date', '<', costTo)
      .groupBy('date', 'currency'),
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

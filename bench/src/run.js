// @ts-check
'use strict';

/**
 * `npm run bench` (scripts/bench.sh): for each database of BENCH_DATABASES,
 * start the portal once (migrations + catalog), stop it, insert the small
 * history, restart and measure, stop, insert the large history, restart and
 * measure everything side by side; print the table of ratios against docs/product.md
 * §12's targets and write bench/results/<timestamp>.json.
 *
 * Exits 0 whatever the ratios (misses are reported, not failed); non-zero
 * only when something crashed.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const { loadConfig } = require('./config');
const {
  benchEntities,
  catalogYaml,
  insertPhase,
  ingestBatch,
  connect,
} = require('./generate');
const {
  pairedLatency,
  apiIngestion,
  rawIngestion,
  pairedTabRender,
} = require('./measure');
const { BenchPortal } = require('./portal');
const { explainMetricsQueries } = require('./plans');

const log = message =>
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function timed(label, fn) {
  const started = Date.now();
  const result = await fn();
  const seconds = (Date.now() - started) / 1000;
  log(`${label}: ${seconds.toFixed(1)} s`);
  return { result, seconds };
}

async function analyze(knex, client) {
  // PostgreSQL's autovacuum would ANALYZE a table this size on its own;
  // SQLite never does. Both get statistics, as the README's plans had.
  if (client === 'postgres') {
    await knex.raw(
      'ANALYZE deployments, deployment_commits, incidents, cost_records',
    );
  } else {
    await knex.raw('ANALYZE');
  }
}

/** Rows per table, for the report. */
/**
 * Waits until the backend's background task has brought the metrics
 * rollups up to date with the generated history (migration
 * 20261126160000_metrics_rollups.js: rows written outside the backend are
 * marked by triggers, like any other write), so that no recomputation runs
 * during the measurements. Returns the seconds it took.
 */
async function waitForRollups(db, label) {
  const knex = connect(db.client, db.target, { bulk: false });
  const started = Date.now();
  try {
    for (;;) {
      const [{ n }] = await knex('metrics_dirty').count({ n: '*' });
      if (Number(n) === 0) break;
      if (Date.now() - started > 30 * 60_000) {
        throw new Error(`${label}: metrics rollups not done after 30 min`);
      }
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
  } finally {
    await knex.destroy();
  }
  const seconds = (Date.now() - started) / 1000;
  log(`${label}: metrics rollups up to date after ${seconds.toFixed(1)} s`);
  return seconds;
}

async function rowCounts(knex) {
  const counts = {};
  for (const table of [
    'deployments',
    'deployment_commits',
    'incidents',
    'cost_records',
  ]) {
    const row = await knex(table).count({ n: '*' }).first();
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}

/**
 * Runs one measurement; a failure (e.g. a 5xx of the backend) is recorded
 * as an ERROR row and the bench goes on with the next one.
 */
async function step(results, name, target, fn) {
  try {
    await fn();
  } catch (error) {
    const message = String(
      error instanceof Error ? error.message : error,
    ).slice(0, 1500);
    log(`${results.database}: ${name}: ERROR ${message.slice(0, 300)}`);
    results.measurements.push({ name, target, pass: false, error: message });
  }
}

async function benchDatabase(database, config, workDir, postgres, results) {
  const e = benchEntities(config);
  const catalogFile = path.join(workDir, 'catalog-bench.yaml');
  fs.writeFileSync(catalogFile, catalogYaml(config));
  const portal = new BenchPortal({
    repoRoot: config.repoRoot,
    database,
    workDir,
    catalogFile,
    probeName: e.name(config.components - 1),
    postgres,
  });
  await portal.init();
  // Ctrl-C or a kill of the bench must not leave a backend running.
  const onSignal = signal => {
    portal.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timings = {};
  Object.assign(results, { database, measurements: [], timings, rows: {} });
  const nowMs = Date.now();
  const metricsUrl = (kind, name) =>
    `${portal.baseUrl}/api/release-coordinator/entities/${kind}/default/${name}/metrics?window=${config.windowDays}d&environment=production`;
  const catalogUrl = name =>
    `${portal.baseUrl}/api/catalog/entities/by-name/component/default/${name}`;

  try {
    timings.firstStartSeconds = (
      await timed(
        `${database}: first start (migrations + catalog of ${config.components})`,
        () => portal.start(),
      )
    ).seconds;
    await portal.stop();

    const db = portal.pluginDatabase();
    let knex = connect(db.client, db.target);
    const small = await timed(`${database}: insert small phase`, () =>
      insertPhase(knex, 'small', config, nowMs),
    );
    timings.insertSmallSeconds = small.seconds;
    await analyze(knex, db.client);
    results.rows.small = await rowCounts(knex);
    await knex.destroy();
    log(`${database}: rows ${JSON.stringify(results.rows.small)}`);

    timings.restartSeconds = (
      await timed(`${database}: restart`, () => portal.start())
    ).seconds;
    timings.rollupsSmallSeconds = await waitForRollups(
      db,
      `${database}: small phase`,
    );
    let token = await portal.guestToken();
    let headers = { authorization: `Bearer ${token}` };
    const smallProbe = await pairedLatency(
      metricsUrl('component', e.name(e.probe)),
      catalogUrl(e.name(e.probe)),
      headers,
      config.durationSeconds,
    );
    log(
      `${database}: small table: metrics p50 ${smallProbe.a.p50?.toFixed(
        2,
      )} ms, catalog p50 ${smallProbe.b.p50?.toFixed(2)} ms`,
    );
    await portal.stop();

    knex = connect(db.client, db.target);
    const large = await timed(`${database}: insert large phase`, () =>
      insertPhase(knex, 'large', config, nowMs),
    );
    timings.insertLargeSeconds = large.seconds;
    await timed(`${database}: ANALYZE`, () => analyze(knex, db.client));
    results.rows.large = await rowCounts(knex);
    log(`${database}: rows ${JSON.stringify(results.rows.large)}`);
    const groupRefs = Array.from({ length: config.groupSize }, (_, i) =>
      e.ref(i),
    );
    await knex.destroy();

    await portal.start();
    timings.rollupsLargeSeconds = await waitForRollups(
      db,
      `${database}: large phase`,
    );
    // The plans of the store's queries on the data as measured.
    knex = connect(db.client, db.target, { bulk: false });
    try {
      results.plans = {
        probe: await explainMetricsQueries(
          knex,
          db.client,
          [e.ref(e.probe)],
          'production',
          config.windowDays,
        ),
        heavy: await explainMetricsQueries(
          knex,
          db.client,
          [e.ref(e.heavy)],
          'production',
          config.windowDays,
        ),
        group: await explainMetricsQueries(
          knex,
          db.client,
          groupRefs,
          'production',
          config.windowDays,
        ),
      };
    } finally {
      await knex.destroy();
    }
    token = await portal.guestToken();
    headers = { authorization: `Bearer ${token}` };
    const measureStarted = Date.now();

    await step(
      results,
      `metrics (1 entity, ${config.windowDays}d) vs catalog by-name`,
      '<= 2',
      async () => {
        const largeProbe = await pairedLatency(
          metricsUrl('component', e.name(e.probe)),
          catalogUrl(e.name(e.probe)),
          headers,
          config.durationSeconds,
        );
        results.measurements.push({
          name: `metrics (1 entity, ${config.windowDays}d) vs catalog by-name`,
          a: largeProbe.a,
          b: largeProbe.b,
          unit: 'ms p50',
          ratio: largeProbe.a.p50 / largeProbe.b.p50,
          target: '<= 2',
          pass: largeProbe.a.p50 / largeProbe.b.p50 <= 2,
        });
        results.measurements.push({
          name: `same entity: ${results.rows.large.deployments} vs ${results.rows.small.deployments} rows`,
          a: largeProbe.a,
          b: smallProbe.a,
          unit: 'ms p50',
          ratio: largeProbe.a.p50 / smallProbe.a.p50,
          target: '<= 1.25',
          pass: largeProbe.a.p50 / smallProbe.a.p50 <= 1.25,
          note: `catalog control: ${largeProbe.b.p50.toFixed(
            2,
          )} ms now vs ${smallProbe.b.p50.toFixed(
            2,
          )} ms in the small phase (ratio ${(
            largeProbe.b.p50 / smallProbe.b.p50
          ).toFixed(
            2,
          )}); normalized by it (metrics/catalog, large vs small phase): ${(
            largeProbe.a.p50 /
            largeProbe.b.p50 /
            (smallProbe.a.p50 / smallProbe.b.p50)
          ).toFixed(2)}`,
        });
        log(`${database}: probe done`);
      },
    );

    await step(
      results,
      `${config.heavyWindow} vs ${config.lightWindow} deployments in window`,
      '<= 3',
      async () => {
        const heavyLight = await pairedLatency(
          metricsUrl('component', e.name(e.heavy)),
          metricsUrl('component', e.name(e.light)),
          headers,
          config.durationSeconds,
        );
        results.measurements.push({
          name: `${config.heavyWindow} vs ${config.lightWindow} deployments in window`,
          a: heavyLight.a,
          b: heavyLight.b,
          unit: 'ms p50',
          ratio: heavyLight.a.p50 / heavyLight.b.p50,
          target: '<= 3',
          pass: heavyLight.a.p50 / heavyLight.b.p50 <= 3,
        });
        log(`${database}: heavy/light done`);
      },
    );

    await step(
      results,
      `group of ${config.groupSize} entities vs 1 entity`,
      '<= 5',
      async () => {
        // The group roll-up against one of its own members (same per-entity history).
        const group = await pairedLatency(
          metricsUrl('group', e.bigGroup),
          metricsUrl('component', e.name(0)),
          headers,
          Math.max(config.durationSeconds, 20),
        );
        const groupBody = await (
          await fetch(metricsUrl('group', e.bigGroup), { headers })
        ).json();
        const members = Array.isArray(groupBody.memberEntityRefs)
          ? groupBody.memberEntityRefs.length
          : null;
        results.measurements.push({
          name: `group of ${members} entities vs 1 entity`,
          a: group.a,
          b: group.b,
          unit: 'ms p50',
          ratio: group.a.p50 / group.b.p50,
          target: '<= 5',
          pass: group.a.p50 / group.b.p50 <= 5,
          ...(members !== config.groupSize
            ? {
                note: `expected ${config.groupSize} members, the catalog resolved ${members}`,
              }
            : {}),
        });
        // The roll-up caches' queries again, now that the group's caches
        // are filled (the plans above saw them empty).
        const planKnex = connect(db.client, db.target, { bulk: false });
        try {
          results.plans.groupCached = await explainMetricsQueries(
            planKnex,
            db.client,
            groupRefs,
            'production',
            config.windowDays,
          );
        } finally {
          await planKnex.destroy();
        }
        log(`${database}: group done`);
      },
    );

    await step(
      results,
      `ingestion, batches of ${config.ingestBatchSize}: API vs raw knex`,
      '>= 0.5',
      async () => {
        // Ingestion: the API (static external-access token = a CI service) vs
        // knex, interleaved in rounds (API, raw, API, raw, …) so that drift
        // on a shared machine — autovacuum after the bulk load, the rollup
        // task catching up — hits both alike.
        const ingestRef = e.ref(e.ingest);
        const runId = Date.now();
        const rounds = Math.min(4, config.ingestBatches);
        const batch = (label, first) => i =>
          ingestBatch(
            ingestRef,
            config.ingestBatchSize,
            `${label}-${runId}-${first + i}`,
            nowMs - ((first + i) * 86_400_000) / 4,
          );
        const api = { rows: 0, seconds: 0 };
        const raw = { rows: 0, seconds: 0 };
        // The backend's durability settings (SQLite: synchronous=FULL, the
        // default), not the bulk loader's synchronous=OFF.
        knex = connect(db.client, db.target, { bulk: false });
        try {
          for (let round = 0; round < rounds; round++) {
            const first = Math.floor((round * config.ingestBatches) / rounds);
            const count =
              Math.floor(((round + 1) * config.ingestBatches) / rounds) - first;
            const viaApi = await apiIngestion(
              `${portal.baseUrl}/api/release-coordinator/events/deployments`,
              portal.staticToken,
              batch('api', first),
              count,
              config.ingestBatchSize,
            );
            const viaKnex = await rawIngestion(
              knex,
              batch('raw', first),
              count,
              config.ingestBatchSize,
            );
            api.rows += viaApi.rows;
            api.seconds += viaApi.seconds;
            raw.rows += viaKnex.rows;
            raw.seconds += viaKnex.seconds;
          }
        } finally {
          await knex.destroy();
        }
        api.rowsPerSecond = api.rows / api.seconds;
        raw.rowsPerSecond = raw.rows / raw.seconds;
        results.measurements.push({
          name: `ingestion, batches of ${config.ingestBatchSize}: API vs raw knex`,
          a: {
            rowsPerSecond: api.rowsPerSecond,
            rows: api.rows,
            seconds: api.seconds,
          },
          b: {
            rowsPerSecond: raw.rowsPerSecond,
            rows: raw.rows,
            seconds: raw.seconds,
          },
          unit: 'rows/s',
          ratio: api.rowsPerSecond / raw.rowsPerSecond,
          target: '>= 0.5',
          pass: api.rowsPerSecond / raw.rowsPerSecond >= 0.5,
        });
        log(`${database}: ingestion done`);
      },
    );

    if (!config.skipBrowser) {
      await step(
        results,
        'Delivery metrics tab vs Overview tab (Chromium)',
        '<= 1.5',
        async () => {
          const probe = e.name(e.probe);
          const tabs = await pairedTabRender({
            chromiumPath: config.chromiumPath,
            baseUrl: portal.baseUrl,
            runs: config.browserRuns,
            a: {
              path: `/catalog/default/component/${probe}/delivery-metrics`,
              ready: async page => {
                await page.waitForFunction(
                  () => {
                    const values = [
                      ...document.querySelectorAll(
                        '[data-testid="metric-value"]',
                      ),
                    ];
                    return (
                      values.length >= 9 &&
                      values.every(
                        v =>
                          v instanceof HTMLElement &&
                          v.offsetParent !== null &&
                          v.textContent,
                      )
                    );
                  },
                  undefined,
                  { timeout: 120_000, polling: 'raf' },
                );
              },
            },
            b: {
              path: `/catalog/default/component/${probe}`,
              ready: async page => {
                await page
                  .getByText(`Bench component ${e.probe}`, { exact: true })
                  .waitFor({ state: 'visible' });
                await page
                  .getByText('About', { exact: true })
                  .first()
                  .waitFor({ state: 'visible' });
              },
            },
          });
          results.measurements.push({
            name: 'Delivery metrics tab vs Overview tab (Chromium)',
            a: { p50: tabs.a.p50, samples: tabs.a.samples.length },
            b: { p50: tabs.b.p50, samples: tabs.b.samples.length },
            unit: 'ms p50',
            ratio: tabs.a.p50 / tabs.b.p50,
            target: '<= 1.5',
            pass: tabs.a.p50 / tabs.b.p50 <= 1.5,
          });
          log(`${database}: browser done`);
        },
      );
    }
    timings.measureSeconds = (Date.now() - measureStarted) / 1000;
  } finally {
    await portal.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

function formatValue(v, unit) {
  if (!v) return '-';
  if (unit === 'rows/s') return `${Math.round(v.rowsPerSecond)} rows/s`;
  return `${v.p50.toFixed(2)} ms (n=${v.samples})`;
}

function printTable(all) {
  const rows = [
    [
      'database',
      'measurement',
      'value A',
      'value B',
      'ratio',
      'target',
      'result',
    ],
  ];
  for (const r of all) {
    for (const m of r.measurements) {
      if (m.error) {
        rows.push([r.database, m.name, '-', '-', '-', m.target, 'ERROR']);
        continue;
      }
      rows.push([
        r.database,
        m.name,
        formatValue(m.a, m.unit),
        formatValue(m.b, m.unit),
        m.ratio.toFixed(2),
        m.target,
        m.pass ? 'PASS' : 'FAIL',
      ]);
    }
  }
  const widths = rows[0].map((_, c) =>
    Math.max(...rows.map(row => row[c].length)),
  );
  const line = row => row.map((cell, c) => cell.padEnd(widths[c])).join(' | ');
  console.log('');
  console.log(line(rows[0]));
  console.log(widths.map(w => '-'.repeat(w)).join('-|-'));
  for (const row of rows.slice(1)) console.log(line(row));
  for (const r of all) {
    for (const m of r.measurements) {
      if (m.error) console.log(`error (${r.database}, ${m.name}): ${m.error}`);
      if (m.note) console.log(`note (${r.database}, ${m.name}): ${m.note}`);
    }
    if (r.error) console.log(`ERROR (${r.database}): ${r.error}`);
  }
}

async function main() {
  const config = loadConfig();
  const started = Date.now();
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-bench-'));
  log(
    `sizes: ${JSON.stringify({
      components: config.components,
      deployments: config.deployments,
      small: config.smallDeployments,
      incidents: config.incidents,
      costDays: config.costDays,
    })}; databases: ${config.databases.join(', ')}; work dir ${workRoot}`,
  );
  const all = [];
  let crashed = false;
  for (const database of config.databases) {
    let postgres;
    if (database === 'postgres') {
      const port = Number(process.env.BENCH_POSTGRES_PORT);
      if (!port)
        throw new Error(
          'BENCH_POSTGRES_PORT is not set: run the bench through scripts/bench.sh',
        );
      postgres = { host: '127.0.0.1', port };
    }
    const workDir = path.join(workRoot, database);
    fs.mkdirSync(workDir, { recursive: true });
    const results = { database, measurements: [] };
    all.push(results);
    try {
      await benchDatabase(database, config, workDir, postgres, results);
    } catch (error) {
      crashed = true;
      // SQL errors quote the whole statement: keep the report readable.
      const message = String(
        error instanceof Error ? error.message : error,
      ).slice(0, 2000);
      console.error(`${database}: ${message}`);
      if (error instanceof Error && error.stack)
        console.error(error.stack.split('\n').slice(-8).join('\n'));
      results.error = message;
    }
    // Each database's table as soon as it is done (a long run stays useful).
    printTable([results]);
  }
  if (all.length > 1) printTable(all);
  const totalSeconds = (Date.now() - started) / 1000;
  const resultsDir = path.join(config.repoRoot, 'bench/results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(resultsDir, `${stamp}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        host: { cpus: os.cpus().length, node: process.version },
        config: { ...config, repoRoot: undefined },
        totalSeconds,
        results: all,
      },
      null,
      2,
    ),
  );
  console.log(
    `\nTotal ${(totalSeconds / 60).toFixed(1)} min. Results: ${path.relative(
      config.repoRoot,
      file,
    )}`,
  );
  if (process.env.BENCH_KEEP_WORKDIR !== '1')
    fs.rmSync(workRoot, { recursive: true, force: true });
  process.exitCode = crashed ? 1 : 0;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

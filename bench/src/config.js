// @ts-check
'use strict';

/**
 * Bench sizes and knobs, from environment variables with the docs/product.md §12
 * sizes as defaults. Every name is listed in bench/README.md.
 */

const path = require('path');

/** @param {string} name @param {number} fallback */
function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  }
  return value;
}

function loadConfig() {
  const config = {
    components: intEnv('BENCH_COMPONENTS', 2000),
    deployments: intEnv('BENCH_DEPLOYMENTS', 1_000_000),
    smallDeployments: intEnv('BENCH_SMALL_DEPLOYMENTS', 10_000),
    incidents: intEnv('BENCH_INCIDENTS', 50_000),
    costDays: intEnv('BENCH_COST_DAYS', 365),
    historyDays: intEnv('BENCH_HISTORY_DAYS', 365),
    groupSize: intEnv('BENCH_GROUP_SIZE', 500),
    heavyWindow: intEnv('BENCH_HEAVY_WINDOW', 5000),
    lightWindow: intEnv('BENCH_LIGHT_WINDOW', 50),
    windowDays: intEnv('BENCH_WINDOW_DAYS', 90),
    durationSeconds: intEnv('BENCH_DURATION', 10),
    ingestBatches: intEnv('BENCH_INGEST_BATCHES', 20),
    ingestBatchSize: intEnv('BENCH_INGEST_BATCH_SIZE', 500),
    browserRuns: intEnv('BENCH_BROWSER_RUNS', 7),
    seed: intEnv('BENCH_SEED', 20261126),
    databases: (process.env.BENCH_DATABASES ?? 'sqlite,postgres')
      .split(',')
      .map(s => s.trim())
      .filter(Boolean),
    skipBrowser: process.env.BENCH_SKIP_BROWSER === '1',
    chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    repoRoot: path.resolve(__dirname, '../..'),
  };
  for (const db of config.databases) {
    if (db !== 'sqlite' && db !== 'postgres') {
      throw new Error(
        `BENCH_DATABASES: unknown database ${db} (sqlite, postgres)`,
      );
    }
  }
  if (config.components < config.groupSize + 3) {
    throw new Error(
      `BENCH_COMPONENTS (${config.components}) must exceed BENCH_GROUP_SIZE + 3`,
    );
  }
  if (config.smallDeployments > config.deployments) {
    throw new Error(
      'BENCH_SMALL_DEPLOYMENTS must not exceed BENCH_DEPLOYMENTS',
    );
  }
  return config;
}

module.exports = { loadConfig };

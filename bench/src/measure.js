// @ts-check
'use strict';

/**
 * The measuring instruments: p50 latency of GET requests with autocannon
 * (one connection, fixed duration, loopback only), ingestion throughput
 * through the API and through a raw knex insert, and time to a fully
 * rendered entity tab in Chromium (playwright-core).
 */

const autocannon = require('autocannon');
const fs = require('fs');
const { chunkSizes } = require('./generate');

/** Median with the mean of the two middle samples (as METRICS.md). */
function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function assertLoopback(url) {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') {
    throw new Error(`The bench only talks to loopback, not ${host}`);
  }
}

/**
 * Response times (ms, float) of one autocannon run against `url`.
 * Any non-2xx answer is a crash of the measurement, not a latency.
 */
async function sampleLatencies(url, headers, seconds) {
  assertLoopback(url);
  const samples = [];
  const statuses = new Map();
  const instance = autocannon({
    url,
    headers,
    connections: 1,
    pipelining: 1,
    duration: seconds,
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
  });
  const result = await instance;
  const bad = [...statuses.entries()].filter(
    ([code]) => code < 200 || code >= 300,
  );
  if (bad.length > 0 || result.errors > 0 || result.timeouts > 0) {
    const body = await fetch(url, { headers })
      .then(r => r.text())
      .catch(e => String(e));
    throw new Error(
      `GET ${url}: statuses ${JSON.stringify([...statuses])}, errors ${
        result.errors
      }, timeouts ${result.timeouts}: ${body.slice(0, 500)}`,
    );
  }
  return samples;
}

/**
 * p50 of A and of B, measured side by side: warm-up, then A, B, A, B for a
 * quarter of the total time each, so drift on a shared machine hits both.
 */
async function pairedLatency(a, b, headers, totalSeconds) {
  for (const url of [a, b]) {
    for (let i = 0; i < 10; i++) {
      const response = await fetch(url, { headers });
      if (!response.ok)
        throw new Error(
          `GET ${url}: ${response.status} ${(await response.text()).slice(
            0,
            500,
          )}`,
        );
      await response.arrayBuffer();
    }
  }
  const half = Math.max(1, Math.round(totalSeconds / 2));
  const sa = [];
  const sb = [];
  for (let round = 0; round < 2; round++) {
    sa.push(...(await sampleLatencies(a, headers, half)));
    sb.push(...(await sampleLatencies(b, headers, half)));
  }
  return {
    a: { p50: median(sa), samples: sa.length },
    b: { p50: median(sb), samples: sb.length },
  };
}

/**
 * Rows per second through `POST /events/deployments`: `batches` requests of
 * one batch each (autocannon, one connection, fixed amount), every batch new.
 */
async function apiIngestion(url, token, makeBatch, batches, batchSize) {
  assertLoopback(url);
  let next = 0;
  const statuses = new Map();
  // Bodies are built before the clock starts, as the raw insert's rows are.
  const bodies = [];
  for (let i = 0; i < batches; i++) {
    bodies.push(JSON.stringify(makeBatch(i).items));
  }
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url,
    connections: 1,
    amount: batches,
    timeout: 120,
    requests: [
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        setupRequest: req => ({
          ...req,
          body: bodies[next++ % bodies.length],
        }),
      },
    ],
  });
  // The clock stops at the last response: autocannon itself only finishes
  // on its next 1-second sampling tick, which rounded every run up to whole
  // seconds (20 batches of 500 read 2.0 s whether they took 1.1 s or 1.9 s).
  let finished = started;
  instance.on('response', (_client, statusCode) => {
    finished = process.hrtime.bigint();
    statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
  });
  const result = await instance;
  const seconds = Number(finished - started) / 1e9;
  const ok = statuses.get(200) ?? 0;
  if (ok !== batches || result.errors > 0) {
    throw new Error(
      `POST ${url}: statuses ${JSON.stringify([...statuses])}, errors ${
        result.errors
      }`,
    );
  }
  return {
    rows: batches * batchSize,
    seconds,
    rowsPerSecond: (batches * batchSize) / seconds,
  };
}

/**
 * Rows per second of a raw knex batch insert of the same rows: one
 * transaction per batch (deployments, then their commits), like the API's
 * all-or-nothing batches. Rows are built before the clock starts.
 */
async function rawIngestion(knex, makeBatch, batches, batchSize) {
  const chunk = chunkSizes(knex);
  const prepared = [];
  for (let i = 0; i < batches; i++) prepared.push(makeBatch(i));
  const started = process.hrtime.bigint();
  for (const batch of prepared) {
    await knex.transaction(async tx => {
      for (let i = 0; i < batch.deployments.length; i += chunk.deployments) {
        await tx('deployments').insert(
          batch.deployments.slice(i, i + chunk.deployments),
        );
      }
      for (let i = 0; i < batch.commits.length; i += chunk.deployment_commits) {
        await tx('deployment_commits').insert(
          batch.commits.slice(i, i + chunk.deployment_commits),
        );
      }
    });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    rows: batches * batchSize,
    seconds,
    rowsPerSecond: (batches * batchSize) / seconds,
  };
}

/** Chromium as test/src/e2e/browser.ts launches it. */
async function launchChromium(executablePath) {
  const { chromium } = require('playwright-core');
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath} (set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Time from navigation start to "fully rendered" of two tabs of one entity,
 * alternating A, B, A, B… (`runs` each after one warm-up each), p50 of each.
 * The browser signs in as guest once; each load is a fresh navigation.
 */
async function pairedTabRender(options) {
  const { chromiumPath, baseUrl, runs, a, b } = options;
  const browser = await launchChromium(chromiumPath);
  try {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 1000 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    await page.goto(baseUrl);
    await page.getByRole('button', { name: 'Enter' }).click();
    await page
      .getByRole('button', { name: 'Enter' })
      .waitFor({ state: 'detached' });
    const timeOnce = async target => {
      await page.goto('about:blank');
      const started = process.hrtime.bigint();
      await page.goto(`${baseUrl}${target.path}`);
      await target.ready(page);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    await timeOnce(a);
    await timeOnce(b);
    const ta = [];
    const tb = [];
    for (let i = 0; i < runs; i++) {
      ta.push(await timeOnce(a));
      tb.push(await timeOnce(b));
    }
    return {
      a: { p50: median(ta), samples: ta },
      b: { p50: median(tb), samples: tb },
    };
  } finally {
    await browser.close();
  }
}

module.exports = {
  median,
  pairedLatency,
  apiIngestion,
  rawIngestion,
  pairedTabRender,
};

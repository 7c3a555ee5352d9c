// @ts-check
'use strict';

/**
 * The data generator of the bench (docs/product.md §12): a catalog of Components and
 * Groups, and a year of deployments (with commits), incidents and daily cost
 * rows, written with knex batch inserts straight into the tables the
 * release-coordinator backend created with its migrations.
 *
 * Two phases, so that one entity can be measured with a small and with a
 * large table around it while its own rows stay identical:
 *   - `small`: the probe entity and the light entity (their deployments,
 *     incidents and cost rows) plus filler up to BENCH_SMALL_DEPLOYMENTS;
 *   - `large`: the heavy entity and filler up to BENCH_DEPLOYMENTS, the
 *     other incidents and every other entity's cost rows.
 *
 * CLI (after the backend has migrated the database):
 *   node bench/src/generate.js catalog <file.yaml>
 *   node bench/src/generate.js insert <small|large> sqlite <file.sqlite>
 *   node bench/src/generate.js insert <small|large> postgres <connection string>
 */

const crypto = require('crypto');
const fs = require('fs');
const { loadConfig } = require('./config');

const DAY_MS = 86_400_000;
const SOURCE = 'bench';

/** Deterministic PRNG (mulberry32): the same seed gives the same history. */
function createRng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generated entities; names are fixed by their index. */
function benchEntities(config) {
  const pad = n => String(n).padStart(4, '0');
  const name = i => `bench-svc-${pad(i)}`;
  const ref = i => `component:default/${name(i)}`;
  const probe = config.groupSize; // outside the big group
  return {
    name,
    ref,
    /** The entity of the 10k-vs-1M and metrics-vs-catalog measurements. */
    probe,
    light: probe + 1,
    heavy: probe + 2,
    /** Where the ingestion benchmark writes (a filler entity). */
    ingest: config.components - 1,
    bigGroup: 'bench-group-big',
    /** The owner group of component i. */
    ownerOf(i) {
      if (i < config.groupSize) return 'bench-group-big';
      return `bench-group-${pad(Math.floor((i - config.groupSize) / 100))}`;
    },
  };
}

/** The catalog file: every Component and its owner Group. */
function catalogYaml(config) {
  const e = benchEntities(config);
  const docs = [];
  const groups = new Set();
  for (let i = 0; i < config.components; i++) {
    const owner = e.ownerOf(i);
    groups.add(owner);
    docs.push(
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        `  name: ${e.name(i)}`,
        `  description: Bench component ${i}`,
        '  annotations:',
        `    github.com/project-slug: bench/${e.name(i)}`,
        'spec:',
        '  type: service',
        '  lifecycle: production',
        `  owner: group:default/${owner}`,
      ].join('\n'),
    );
  }
  for (const group of groups) {
    docs.push(
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Group',
        'metadata:',
        `  name: ${group}`,
        `  description: Bench group ${group}`,
        'spec:',
        '  type: team',
        '  children: []',
      ].join('\n'),
    );
  }
  return `${docs.join('\n---\n')}\n`;
}

/**
 * One entity's deployments (and their commits) spread uniformly over
 * [fromMs, toMs), oldest first.
 */
function entityHistory(
  rng,
  entityRef,
  count,
  fromMs,
  toMs,
  nowMs,
  options = {},
) {
  const deployments = [];
  const commits = [];
  const times = [];
  for (let k = 0; k < count; k++) times.push(fromMs + rng() * (toMs - fromMs));
  times.sort((a, b) => a - b);
  let lastSucceeded = null;
  for (const t of times) {
    const id = crypto.randomUUID();
    const environment =
      options.productionOnly || rng() < 0.7 ? 'production' : 'staging';
    const rollback = lastSucceeded !== null && rng() < 0.05;
    const roll = rng();
    let status = rollback
      ? 'succeeded'
      : roll < 0.85
      ? 'succeeded'
      : roll < 0.95
      ? 'failed'
      : 'cancelled';
    const started = new Date(t);
    let finishedMs = t + (60 + rng() * 840) * 1000;
    if (finishedMs >= nowMs) status = 'in_progress';
    const finished = status === 'in_progress' ? null : new Date(finishedMs);
    const startedIso = started.toISOString();
    const finishedIso = finished ? finished.toISOString() : null;
    const sha = crypto.randomBytes(20).toString('hex');
    deployments.push({
      id,
      entity_ref: entityRef,
      environment,
      source: SOURCE,
      external_id: id,
      version: `1.${Math.floor(t / DAY_MS) % 1000}.${deployments.length}`,
      commit_sha: sha,
      kind: rollback ? 'rollback' : 'deploy',
      status,
      started_at: startedIso,
      finished_at: finishedIso,
      sort_at: startedIso,
      initiator: 'user:default/bench',
      url: null,
      release_id: null,
      rollback_of: rollback && rng() < 0.5 ? lastSucceeded : null,
      commit_times: null,
      revision: 1,
      received_at: finishedIso ?? startedIso,
      updated_at: finishedIso ?? startedIso,
    });
    if (!rollback) {
      const n = 1 + Math.floor(rng() * 3);
      const times = [];
      for (let c = 0; c < n; c++) {
        const committedAt = new Date(t - (600 + rng() * 5 * 86400) * 1000);
        times.push(committedAt.getTime());
        commits.push({
          deployment_id: id,
          sha: c === 0 ? sha : crypto.randomBytes(20).toString('hex'),
          committed_at: committedAt.toISOString(),
        });
      }
      // What the ingest path stores with the row (migration
      // 20261126150000_metrics_performance.js): its commits' times.
      deployments[deployments.length - 1].commit_times = times.join(',');
      if (status === 'succeeded') lastSucceeded = id;
    }
  }
  return { deployments, commits };
}

function incidentRow(rng, entityRef, fromMs, toMs) {
  const id = crypto.randomUUID();
  const startedMs = fromMs + rng() * (toMs - fromMs);
  const s = rng();
  const severity = s < 0.1 ? 'critical' : s < 0.4 ? 'major' : 'minor';
  const e = rng();
  const environment = e < 0.6 ? 'production' : e < 0.8 ? null : 'staging';
  const resolvedMs = startedMs + (300 + rng() * 6 * 3600) * 1000;
  const open = rng() < 0.002 || resolvedMs >= toMs;
  const startedIso = new Date(startedMs).toISOString();
  const resolvedIso = open ? null : new Date(resolvedMs).toISOString();
  return {
    id,
    entity_ref: entityRef,
    source: SOURCE,
    external_id: id,
    severity,
    title: `Bench incident ${id.slice(0, 8)}`,
    environment,
    started_at: startedIso,
    resolved_at: resolvedIso,
    url: null,
    revision: 1,
    received_at: resolvedIso ?? startedIso,
    updated_at: resolvedIso ?? startedIso,
  };
}

function costRows(rng, entityRef, days, nowMs) {
  const rows = [];
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const updated = new Date(nowMs).toISOString();
  for (let d = 1; d <= days; d++) {
    rows.push({
      entity_ref: entityRef,
      date: new Date(today - d * DAY_MS).toISOString().slice(0, 10),
      source: SOURCE,
      amount: Math.round((10 + rng() * 190) * 100) / 100,
      currency: 'USD',
      updated_at: updated,
    });
  }
  return rows;
}

/** Splits `total` as evenly as possible over `n` slots. */
function quotas(total, n) {
  const base = Math.floor(total / n);
  const extra = total - base * n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * Rows per INSERT statement. PostgreSQL: parameters stay below 65,535.
 * SQLite: knex writes a multi-row insert as a compound SELECT, and SQLite
 * allows at most 500 terms in one.
 */
function chunkSizes(knex) {
  const client = String(knex.client.config.client);
  if (client.includes('sqlite')) {
    return {
      deployments: 400,
      deployment_commits: 400,
      incidents: 400,
      cost_records: 400,
    };
  }
  return {
    deployments: 1000,
    deployment_commits: 5000,
    incidents: 1000,
    cost_records: 2500,
  };
}

/** Buffers rows per table and writes them in chunks, one transaction per flush. */
class BatchWriter {
  constructor(knex) {
    this.knex = knex;
    this.buffers = {
      deployments: [],
      deployment_commits: [],
      incidents: [],
      cost_records: [],
    };
    this.pending = 0;
    this.counts = {
      deployments: 0,
      deployment_commits: 0,
      incidents: 0,
      cost_records: 0,
    };
    this.chunk = chunkSizes(knex);
  }

  async add(table, rows) {
    for (const row of rows) this.buffers[table].push(row);
    this.pending += rows.length;
    this.counts[table] += rows.length;
    if (this.pending >= 50_000) await this.flush();
  }

  async flush() {
    // Parents before children (deployment_commits references deployments).
    const order = [
      'deployments',
      'deployment_commits',
      'incidents',
      'cost_records',
    ];
    await this.knex.transaction(async tx => {
      for (const table of order) {
        const rows = this.buffers[table];
        const size = this.chunk[table];
        for (let i = 0; i < rows.length; i += size) {
          await tx(table).insert(rows.slice(i, i + size));
        }
      }
    });
    for (const table of order) this.buffers[table] = [];
    this.pending = 0;
  }
}

/**
 * Inserts one phase of the history. Returns the row counts written.
 *
 * @param {import('knex').Knex} knex connected to the release-coordinator database
 * @param {'small' | 'large'} phase
 * @param {ReturnType<typeof loadConfig>} config
 * @param {number} nowMs the end of the generated history
 */
async function insertPhase(knex, phase, config, nowMs) {
  const e = benchEntities(config);
  const rng = createRng(config.seed + (phase === 'small' ? 1 : 2));
  const writer = new BatchWriter(knex);
  const historyStart = nowMs - config.historyDays * DAY_MS;
  const windowMs = config.windowDays * DAY_MS;
  const specials = new Set([e.probe, e.light, e.heavy]);
  const fillers = [];
  for (let i = 0; i < config.components; i++)
    if (!specials.has(i)) fillers.push(i);
  const perEntity = Math.round(config.deployments / config.components);
  const incidentsPerEntity = Math.round(config.incidents / config.components);

  let specialRows = 0;
  const addHistory = async h => {
    await writer.add('deployments', h.deployments);
    await writer.add('deployment_commits', h.commits);
    return h.deployments.length;
  };
  /** The light/heavy entity: `perWindow` production deployments in the current and the previous window. */
  const windowed = async (i, perWindow) => {
    let n = 0;
    n += await addHistory(
      entityHistory(
        rng,
        e.ref(i),
        perWindow,
        nowMs - windowMs,
        nowMs - 3_600_000,
        nowMs,
        { productionOnly: true },
      ),
    );
    n += await addHistory(
      entityHistory(
        rng,
        e.ref(i),
        perWindow,
        nowMs - 2 * windowMs,
        nowMs - windowMs,
        nowMs,
        { productionOnly: true },
      ),
    );
    return n;
  };

  if (phase === 'small') {
    specialRows += await addHistory(
      entityHistory(rng, e.ref(e.probe), perEntity, historyStart, nowMs, nowMs),
    );
    specialRows += await windowed(e.light, config.lightWindow);
    for (const i of [e.probe, e.light]) {
      const rows = [];
      for (let k = 0; k < incidentsPerEntity; k++)
        rows.push(incidentRow(rng, e.ref(i), historyStart, nowMs));
      await writer.add('incidents', rows);
      await writer.add(
        'cost_records',
        costRows(rng, e.ref(i), config.costDays, nowMs),
      );
    }
    const filler = Math.max(0, config.smallDeployments - specialRows);
    const q = quotas(filler, fillers.length);
    for (let k = 0; k < fillers.length; k++) {
      if (q[k] > 0)
        await addHistory(
          entityHistory(
            rng,
            e.ref(fillers[k]),
            q[k],
            historyStart,
            nowMs,
            nowMs,
          ),
        );
    }
  } else {
    const before = await knex('deployments').count({ n: '*' }).first();
    const existing = Number(before?.n ?? 0);
    specialRows += await windowed(e.heavy, config.heavyWindow);
    const filler = Math.max(0, config.deployments - existing - specialRows);
    const q = quotas(filler, fillers.length);
    for (let k = 0; k < fillers.length; k++) {
      if (q[k] > 0)
        await addHistory(
          entityHistory(
            rng,
            e.ref(fillers[k]),
            q[k],
            historyStart,
            nowMs,
            nowMs,
          ),
        );
    }
    const others = fillers.concat([e.heavy]);
    const incidentTotal = Math.max(
      0,
      config.incidents - 2 * incidentsPerEntity,
    );
    let rows = [];
    for (let k = 0; k < incidentTotal; k++) {
      rows.push(
        incidentRow(
          rng,
          e.ref(others[Math.floor(rng() * others.length)]),
          historyStart,
          nowMs,
        ),
      );
      if (rows.length >= 5000) {
        await writer.add('incidents', rows);
        rows = [];
      }
    }
    await writer.add('incidents', rows);
    for (const i of others) {
      await writer.add(
        'cost_records',
        costRows(rng, e.ref(i), config.costDays, nowMs),
      );
    }
  }
  await writer.flush();
  return writer.counts;
}

/**
 * `count` deployments of one entity as the API takes them
 * (`POST /events/deployments`) and as rows for a raw insert: the same
 * facts, each deploy with two commits.
 */
function ingestBatch(entityRef, count, label, nowMs) {
  const items = [];
  const deployments = [];
  const commits = [];
  for (let k = 0; k < count; k++) {
    const externalId = `${label}-${k}`;
    const started = new Date(nowMs - (k + 1) * 60_000);
    const finished = new Date(started.getTime() + 30_000);
    const shas = [
      crypto.randomBytes(20).toString('hex'),
      crypto.randomBytes(20).toString('hex'),
    ];
    const committedAt = new Date(started.getTime() - 3_600_000).toISOString();
    items.push({
      entityRef,
      environment: 'production',
      source: 'bench-ingest',
      externalId,
      version: `9.0.${k}`,
      commitSha: shas[0],
      kind: 'deploy',
      status: 'succeeded',
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      commits: shas.map(sha => ({ sha, committedAt })),
    });
    const id = crypto.randomUUID();
    deployments.push({
      id,
      entity_ref: entityRef,
      environment: 'production',
      source: 'bench-ingest',
      external_id: externalId,
      version: `9.0.${k}`,
      commit_sha: shas[0],
      kind: 'deploy',
      status: 'succeeded',
      started_at: started.toISOString(),
      finished_at: finished.toISOString(),
      sort_at: started.toISOString(),
      initiator: null,
      url: null,
      release_id: null,
      rollback_of: null,
      commit_times: shas.map(() => Date.parse(committedAt)).join(','),
      revision: 1,
      received_at: new Date(nowMs).toISOString(),
      updated_at: new Date(nowMs).toISOString(),
    });
    for (const sha of shas)
      commits.push({ deployment_id: id, sha, committed_at: committedAt });
  }
  return { items, deployments, commits };
}

/** A knex connection to the plugin's database, outside the backend. */
function connect(client, target, options = { bulk: true }) {
  const createKnex = require('knex');
  if (client === 'sqlite') {
    return createKnex({
      client: 'better-sqlite3',
      connection: { filename: target },
      useNullAsDefault: true,
      pool: {
        afterCreate(conn, done) {
          // Bulk loading of the generated history skips the fsyncs; a
          // measured insert keeps SQLite's default durability, as the
          // backend's connection does.
          if (options.bulk) conn.pragma('synchronous = OFF');
          conn.pragma('busy_timeout = 30000');
          done();
        },
      },
    });
  }
  return createKnex({
    client: 'pg',
    connection: target,
    pool: { min: 0, max: 2 },
  });
}

async function main(argv) {
  const config = loadConfig();
  const [command, ...rest] = argv;
  if (command === 'catalog' && rest.length === 1) {
    fs.writeFileSync(rest[0], catalogYaml(config));
    return;
  }
  if (command === 'insert' && rest.length === 3) {
    const [phase, client, target] = rest;
    if (
      (phase !== 'small' && phase !== 'large') ||
      (client !== 'sqlite' && client !== 'postgres')
    ) {
      throw new Error(
        'usage: insert <small|large> <sqlite|postgres> <file|connection string>',
      );
    }
    const knex = connect(client, target);
    try {
      const counts = await insertPhase(knex, phase, config, Date.now());
      console.log(JSON.stringify(counts));
    } finally {
      await knex.destroy();
    }
    return;
  }
  throw new Error(
    'usage: generate.js catalog <file.yaml> | insert <small|large> <sqlite|postgres> <file|connection string>',
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch(error => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = {
  chunkSizes,
  DAY_MS,
  benchEntities,
  catalogYaml,
  insertPhase,
  ingestBatch,
  connect,
  createRng,
};

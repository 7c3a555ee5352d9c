import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { DeploymentUpsert } from '../deployments/DeploymentStore';
import { clearHistory } from './__testUtils__/history';
import { DatabaseMetricsStore, planSlots } from './DatabaseMetricsStore';
import { decodeSamples, encodeSamples } from './MetricsRollups';
import { METRIC_NAMES } from '@release-coordinator/backstage-plugin-common';
import { MetricsService } from './MetricsService';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const DAY_MS = 86_400_000;
const START = Date.parse('2026-11-01T00:00:00.000Z');
const ENTITIES = [
  'component:default/a',
  'component:default/b',
  'component:default/c',
];

describe('samples encoding', () => {
  it('round-trips float64 samples, also from an unaligned buffer', () => {
    const samples = [0.001, 1.5, 86400, 1e9 + 0.25];
    const encoded = encodeSamples(samples)!;
    expect([...decodeSamples(encoded)]).toEqual(samples);
    const unaligned = Buffer.concat([Buffer.from([7]), encoded]).subarray(1);
    expect([...decodeSamples(unaligned)]).toEqual(samples);
    expect(encodeSamples([])).toBeNull();
    expect(decodeSamples(null)).toHaveLength(0);
    expect(() => decodeSamples(Buffer.alloc(7))).toThrow(/7 bytes/);
  });
});

describe('planSlots', () => {
  it('reads whole UTC days from the rollup and splits partial days at the cuts', () => {
    const from = START + 12 * 3_600_000; // Nov 1, 12:00
    const cut = from + 2 * DAY_MS; // Nov 3, 12:00
    const to = from + 4 * DAY_MS; // Nov 5, 12:00
    const plan = planSlots(from, to, [cut, to, from - 1]);
    const day = (n: number) => Math.floor(START / DAY_MS) + n;
    expect([...plan.wholeDays].sort()).toEqual([day(1), day(3)]);
    expect(plan.partialDays).toEqual([
      { start: from, end: START + DAY_MS, bounds: [START + DAY_MS] },
      {
        start: START + 2 * DAY_MS,
        end: START + 3 * DAY_MS,
        bounds: [cut, START + 3 * DAY_MS],
      },
      { start: START + 4 * DAY_MS, end: to, bounds: [to] },
    ]);
  });

  it('has only whole days for a range of UTC midnights', () => {
    const plan = planSlots(START, START + 2 * DAY_MS, [START + DAY_MS]);
    expect(plan.wholeDays.size).toBe(2);
    expect(plan.partialDays).toEqual([]);
  });
});

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(databases.eachSupportedId())(
  'MetricsRollups (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let deploymentStore: DatabaseDeploymentStore;
    let metricsStore: DatabaseMetricsStore;
    // Reads every roll-up through the roll-up caches, or never.
    let scopedStore: DatabaseMetricsStore;
    let directStore: DatabaseMetricsStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      deploymentStore = await DatabaseDeploymentStore.create({ database });
      metricsStore = await DatabaseMetricsStore.create({ database });
      scopedStore = await DatabaseMetricsStore.create({
        database,
        scopeMinMembers: 2,
      });
      directStore = await DatabaseMetricsStore.create({
        database,
        scopeMinMembers: Number.POSITIVE_INFINITY,
      });
    });

    beforeEach(async () => {
      await clearHistory(knex);
    });

    async function snapshot() {
      const daily = await knex('metrics_daily')
        .select('*')
        .orderBy(['entity_ref', 'environment', 'day']);
      const failed = await knex('metrics_failed_deployments')
        .select('deployment_id')
        .orderBy('deployment_id');
      const rework = await knex('metrics_rework_deployments')
        .select('deployment_id')
        .orderBy('deployment_id');
      return {
        daily: daily.map(row => ({
          ...row,
          lead_times: [...decodeSamples(row.lead_times)].sort(),
          durations: [...decodeSamples(row.durations)].sort(),
        })),
        failed: failed.map(row => row.deployment_id),
        rework: rework.map(row => row.deployment_id),
      };
    }

    /** The rollups as computed from nothing, for every stored fact. */
    async function fromScratch() {
      await knex('metrics_daily').del();
      await knex('metrics_failed_deployments').del();
      await knex('metrics_rework_deployments').del();
      await knex('metrics_dirty').del();
      const pairs = await knex('deployments')
        .distinct('entity_ref', 'environment')
        .union(qb =>
          qb
            .from('incidents')
            .select(
              'entity_ref',
              knex.raw("coalesce(environment, 'production') as environment"),
            ),
        );
      if (pairs.length > 0) {
        await knex('metrics_dirty').insert(
          pairs.map(pair => ({
            entity_ref: pair.entity_ref,
            environment: pair.environment,
            since: '2000-01-01T00:00:00.000Z',
          })),
        );
      }
      await metricsStore.rollups.refreshAll();
      return snapshot();
    }

    function batch(next: () => number, writer: number, round: number) {
      const items: DeploymentUpsert[] = [];
      for (let i = 0; i < 20; i++) {
        const finishedAt = START + Math.floor(next() * 10 * 24) * 3_600_000;
        const kind = next() < 0.15 ? 'rollback' : 'deploy';
        items.push({
          entityRef: ENTITIES[Math.floor(next() * ENTITIES.length)],
          environment: next() < 0.8 ? 'production' : 'staging',
          source: 'race',
          // Writers share ids: the same deployment is reported again,
          // changed, by another writer.
          externalId: `d${Math.floor(next() * 60)}`,
          version: `1.${writer}.${round}`,
          kind,
          status: next() < 0.8 ? 'succeeded' : 'failed',
          startedAt: new Date(finishedAt - 300_000).toISOString(),
          finishedAt: new Date(finishedAt).toISOString(),
          commits:
            kind === 'deploy'
              ? [
                  {
                    sha: `s${writer}-${round}-${i}`,
                    committedAt: new Date(
                      finishedAt - Math.floor(next() * 50) * 3_600_000,
                    ).toISOString(),
                  },
                ]
              : [],
        });
      }
      return items;
    }

    it('equal a rebuild from scratch after concurrent ingests, incidents and reads', async () => {
      const query = {
        entityRefs: ENTITIES,
        environment: 'production',
        from: new Date(START),
        to: new Date(START + 10 * DAY_MS),
        cuts: [new Date(START + 5 * DAY_MS + 3_600_000)],
        costFrom: '2026-11-01',
        costTo: '2026-11-11',
        costPerEntity: false,
      };
      let writing = true;
      const writers = [1, 2, 3, 4].map(async writer => {
        const next = random(writer);
        for (let round = 0; round < 6; round++) {
          await deploymentStore.upsertDeployments(batch(next, writer, round));
          const startedAt = START + Math.floor(next() * 10 * 24) * 3_600_000;
          await deploymentStore.upsertIncidents([
            {
              entityRef: ENTITIES[Math.floor(next() * ENTITIES.length)],
              source: 'race',
              externalId: `i${Math.floor(next() * 10)}`,
              severity: next() < 0.5 ? 'critical' : 'major',
              title: 'down',
              startedAt: new Date(startedAt).toISOString(),
              resolvedAt: new Date(startedAt + 1_800_000).toISOString(),
            },
          ]);
        }
      });
      const costWriter = (async () => {
        const next = random(7);
        for (let round = 0; round < 12; round++) {
          const day = `2026-11-${String(1 + Math.floor(next() * 10)).padStart(
            2,
            '0',
          )}`;
          await knex('cost_records')
            .insert(
              ENTITIES.map(entityRef => ({
                entity_ref: entityRef,
                date: day,
                source: 'race',
                amount: Math.floor(next() * 1000) / 10,
                currency: 'USD',
                updated_at: '2026-11-26T00:00:00.000Z',
              })),
            )
            .onConflict(['entity_ref', 'date', 'source'])
            .merge();
        }
      })();
      // Two readers fill the roll-up caches while the writers change what
      // they cached.
      const readers = [metricsStore, scopedStore, scopedStore].map(
        async store => {
          let reads = 0;
          while (writing || reads === 0) {
            await store.readWindow(query);
            reads++;
          }
          return reads;
        },
      );
      await Promise.all([...writers, costWriter]);
      writing = false;
      const reads = await Promise.all(readers);
      expect(Math.min(...reads)).toBeGreaterThan(0);

      // What the reads left, brought up to date, is what a full rebuild gives.
      await metricsStore.rollups.refreshAll();
      const [{ n: left }] = await knex('metrics_dirty').count({ n: '*' });
      expect(Number(left)).toBe(0);
      const maintained = await snapshot();
      expect(maintained.daily.length).toBeGreaterThan(10);
      expect(maintained.failed.length).toBeGreaterThan(0);
      expect(maintained).toEqual(await fromScratch());

      // The roll-up caches, filled during the writes, give what the members'
      // rows give.
      for (const end of [START + 10 * DAY_MS, START + 9 * DAY_MS + 5_400_000]) {
        const request = {
          entityRefs: ENTITIES,
          environment: 'production',
          windowDays: 4,
          end: new Date(end),
        };
        const cached = await new MetricsService({ store: scopedStore }).compute(
          request,
        );
        expect(cached.metrics.deploymentFrequency.count).toBeGreaterThan(0);
        expect(cached.metrics.infrastructureCost.total).not.toBeNull();
        expect(cached).toEqual(
          await new MetricsService({ store: directStore }).compute(request),
        );
      }
    });

    it('purges the caches of scopes not read for a while', async () => {
      const request = {
        entityRefs: ENTITIES,
        environment: 'production',
        windowDays: 2,
        end: new Date(START + 3 * DAY_MS + 5_400_000),
      };
      await deploymentStore.upsertDeployments(batch(random(3), 3, 0));
      const service = new MetricsService({ store: scopedStore });
      await service.compute(request);
      await service.compute({ ...request, entityRefs: ENTITIES.slice(1) });
      const count = async (table: string) =>
        Number((await knex(table).count({ n: '*' }))[0].n);
      expect(await count('metrics_scopes')).toBe(2);
      expect(await count('metrics_scope_daily')).toBeGreaterThan(0);
      expect(await count('metrics_scope_hourly')).toBeGreaterThan(0);
      expect(await count('metrics_scope_costs')).toBeGreaterThan(0);
      expect(await count('metrics_scope_incidents')).toBe(2);

      // Read again: recorded as read (at most hourly); the other is not.
      const later = new Date(Date.now() + 2 * 3_600_000);
      await scopedStore.scopes.touch(ENTITIES, later);
      expect(
        await scopedStore.scopes.purge(new Date(later.getTime() - 1000)),
      ).toBe(1);
      expect(await count('metrics_scopes')).toBe(1);
      const keys = async (table: string) =>
        new Set(
          (await knex(table).distinct('scope_key')).map(row => row.scope_key),
        );
      for (const table of [
        'metrics_scope_daily',
        'metrics_scope_hourly',
        'metrics_scope_costs',
        'metrics_scope_incidents',
      ]) {
        expect(await keys(table)).toEqual(await keys('metrics_scopes'));
      }
      // The purged scope is computed again when read.
      expect(await service.compute(request)).toEqual(
        await new MetricsService({ store: directStore }).compute(request),
      );
    });

    it('keeps runs of days in memory by generation, also across processes and changes', async () => {
      const database = mockServices.database({
        knex,
        migrations: { skip: true },
      });
      // Two backend processes: each has its own memory, both one database.
      const [first, second] = await Promise.all(
        [1, 2].map(() =>
          DatabaseMetricsStore.create({ database, scopeMinMembers: 2 }),
        ),
      );
      const direct = new MetricsService({ store: directStore });
      const request = {
        entityRefs: ENTITIES,
        environment: 'production',
        windowDays: 4,
        // Midnight: the windows meet at a midnight, so the whole days of
        // both windows are consecutive and only the cut separates them.
        end: new Date(START + 9 * DAY_MS),
      };
      const next = random(11);
      await deploymentStore.upsertDeployments(batch(next, 1, 0));
      const generations = async () =>
        (
          await knex('metrics_scope_daily')
            .select('day', 'generation')
            .orderBy('day')
        ).map(row => `${row.day} ${row.generation}`);

      const expected = await direct.compute(request);
      expect(
        await new MetricsService({ store: first }).compute(request),
      ).toEqual(expected);
      const written = await generations();
      expect(written).toHaveLength(8);
      // The other process reads the same cached days (no new writes).
      expect(
        await new MetricsService({ store: second }).compute(request),
      ).toEqual(expected);
      expect(await generations()).toEqual(written);

      // A change of one day of the previous window: the days it changed
      // (that day, and any later day whose attribution moved) are computed
      // again with a new generation; the days before it are read as they
      // were.
      await deploymentStore.upsertDeployments([
        {
          ...batch(next, 2, 0)[0],
          entityRef: ENTITIES[0],
          environment: 'production',
          kind: 'deploy',
          status: 'succeeded',
          externalId: 'late',
          startedAt: new Date(START + 3 * DAY_MS).toISOString(),
          finishedAt: new Date(START + 3 * DAY_MS + 3_600_000).toISOString(),
        },
      ]);
      const changed = await direct.compute(request);
      expect(changed.previous.deploymentFrequency.count).toBe(
        expected.previous.deploymentFrequency.count + 1,
      );
      for (const store of [first, second]) {
        expect(await new MetricsService({ store }).compute(request)).toEqual(
          changed,
        );
      }
      const rewritten = (await generations())
        .filter(row => !written.includes(row))
        .map(row => row.slice(0, 10));
      expect(rewritten).toContain('2026-11-04');
      expect(rewritten.every(day => day >= '2026-11-04')).toBe(true);
      expect(rewritten).not.toContain('2026-11-02');
    });

    it('gives the same series through the roll-up caches as without them', async () => {
      const next = random(23);
      for (let round = 0; round < 3; round++) {
        await deploymentStore.upsertDeployments(batch(next, 1, round));
      }
      const scoped = new MetricsService({ store: scopedStore });
      const direct = new MetricsService({ store: directStore });
      // Off the hour, and at a midnight.
      const ends = [
        new Date(START + 8 * DAY_MS + 5_400_000 + 1234),
        new Date(START + 9 * DAY_MS),
      ];
      // Deploys in what is left of the window's edges under an hour (the
      // start of each window, the end), read from the rows themselves.
      const edges = ends.flatMap(end =>
        [-8 * DAY_MS + 1000, -4 * DAY_MS + 1000, -1000].map(
          offset => end.getTime() + offset,
        ),
      );
      await deploymentStore.upsertDeployments(
        edges.map((finishedAt, i) => ({
          ...batch(next, 9, i)[0],
          entityRef: ENTITIES[i % ENTITIES.length],
          environment: 'production',
          kind: 'deploy' as const,
          status: 'succeeded' as const,
          externalId: `edge-${i}`,
          startedAt: new Date(finishedAt - 60_000).toISOString(),
          finishedAt: new Date(finishedAt).toISOString(),
        })),
      );
      for (const end of ends) {
        for (const metric of METRIC_NAMES) {
          for (const bucket of ['day', 'week'] as const) {
            const request = {
              entityRefs: ENTITIES,
              environment: 'production',
              windowDays: 4,
              end,
              metric,
              bucket,
            };
            expect(await scoped.series(request)).toEqual(
              await direct.series(request),
            );
          }
        }
      }
    });

    it('refreshAll recomputes what changed, then has nothing left to do', async () => {
      await deploymentStore.upsertDeployments(batch(random(9), 9, 0));
      expect(await metricsStore.rollups.refreshAll()).toBeGreaterThan(0);
      expect(await metricsStore.rollups.refreshAll()).toBe(0);
      const [{ n }] = await knex('metrics_dirty').count({ n: '*' });
      expect(Number(n)).toBe(0);
      const rows = await knex('metrics_daily').count({ n: '*' });
      expect(Number(rows[0].n)).toBeGreaterThan(0);
    });
  },
);

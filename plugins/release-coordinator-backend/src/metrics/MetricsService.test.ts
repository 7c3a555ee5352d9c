import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { DeliveryMetrics } from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import {
  edges,
  END,
  goldenHistory as history,
  ledger,
  orders,
  payments,
  quiet,
  rework,
} from './__testUtils__/goldenHistory';
import { clearHistory, storeHistory } from './__testUtils__/history';
import { DatabaseMetricsStore } from './DatabaseMetricsStore';
import { MetricsService } from './MetricsService';

jest.setTimeout(60_000);

/*
 * Golden tables: every expected number below was computed by hand from
 * METRICS.md (the arithmetic is left visible), not by running the code.
 */

const databases = createTestDatabases();

const DAY = 86400;

/** The metrics of a window in which nothing happened. */
const emptyMetrics: DeliveryMetrics = {
  deploymentFrequency: { count: 0, perDay: 0, tier: 'low' },
  deploymentSuccessRate: { value: null, succeeded: 0, failed: 0 },
  leadTimeForChanges: { medianSeconds: null, count: 0, tier: null },
  changeFailureRate: {
    value: null,
    failedDeployments: 0,
    deployments: 0,
    tier: null,
  },
  meanTimeToRecovery: {
    meanSeconds: null,
    medianSeconds: null,
    count: 0,
    tier: null,
  },
  uptime: { value: 1, downtimeSeconds: 0 },
  deploymentDuration: { medianSeconds: null, p95Seconds: null, count: 0 },
  rollbackFrequency: { count: 0, perWeek: 0, perDeploy: null },
  infrastructureCost: {
    total: null,
    currency: null,
    perDay: null,
    perDeployment: null,
    changeRatio: null,
  },
  deploymentReworkRate: { value: null, rework: 0, deployments: 0 },
};

describe.each(databases.eachSupportedId())(
  'MetricsService golden tables (%s)',
  (databaseId: TestDatabaseId) => {
    let service: MetricsService;
    // Roll-ups of 2 or more members through the roll-up caches.
    let scopedService: MetricsService;

    beforeAll(async () => {
      const knex: Knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      const deploymentStore = await DatabaseDeploymentStore.create({
        database,
      });
      const store = await DatabaseMetricsStore.create({ database });
      service = new MetricsService({ store });
      scopedService = new MetricsService({
        store: await DatabaseMetricsStore.create({
          database,
          scopeMinMembers: 2,
        }),
      });
      await clearHistory(knex);
      await storeHistory(knex, deploymentStore, history);
    });

    it('payments, 20 days: exactly 1 deploy/day and change failure rate exactly 0.05', async () => {
      const result = await service.compute({
        entityRefs: [payments],
        environment: 'production',
        windowDays: 20,
        end: END,
      });
      expect(result.window).toEqual({
        start: '2026-11-06T12:00:00.000Z',
        end: '2026-11-26T12:00:00.000Z',
        days: 20,
      });
      expect(result.metrics).toEqual({
        // 20 succeeded / 20 days
        deploymentFrequency: { count: 20, perDay: 1, tier: 'elite' },
        // f1, f2 failed; c1 cancelled and p1 unfinished are excluded
        deploymentSuccessRate: { value: 20 / 22, succeeded: 20, failed: 2 },
        // leads 3600, 7200 (d1), 1800 (d2), 86400 (d3): median (3600+7200)/2
        leadTimeForChanges: { medianSeconds: 5400, count: 4, tier: 'elite' },
        // I1, I2, I3 all point at d10: counted once; 1/20
        changeFailureRate: {
          value: 0.05,
          failedDeployments: 1,
          deployments: 20,
          tier: 'elite',
        },
        // recoveries 3600, 1200, 1800, 108000 (I4 resolved in W)
        meanTimeToRecovery: {
          meanSeconds: 114600 / 4,
          medianSeconds: (1800 + 3600) / 2,
          count: 4,
          tier: 'elite',
        },
        // I2 ∪ I3 = 13:00–13:40 = 2400 s
        uptime: { value: 1 - 2400 / (20 * DAY), downtimeSeconds: 2400 },
        // 600 ×11, 1200 ×9, 1800 (f1), 3600 (f2): median of 11th/12th,
        // p95 rank ⌈0.95 × 22⌉ = 21
        deploymentDuration: {
          medianSeconds: (600 + 1200) / 2,
          p95Seconds: 1800,
          count: 22,
        },
        rollbackFrequency: { count: 0, perWeek: 0, perDeploy: 0 },
        // 10 + 5 (same day, two sources) + 25; the 1000 of 2026-11-26 is out
        infrastructureCost: {
          total: 40,
          currency: 'USD',
          perDay: 2,
          perDeployment: 2,
          changeRatio: (40 - 30) / 30,
        },
        // d1 started 2026-11-06T12:50 while I4 (major, until 11-06T18:00)
        // was open; d10 started 12:50, before I2 (13:00): 1/20
        deploymentReworkRate: { value: 0.05, rework: 1, deployments: 20 },
      });
      expect(result.previous).toEqual({
        ...emptyMetrics,
        infrastructureCost: {
          total: 30,
          currency: 'USD',
          perDay: 1.5,
          perDeployment: null,
          changeRatio: null,
        },
      });
    });

    it('payments with the 2021 bands: lead time 1.5 h is high', async () => {
      const result = await service.compute({
        entityRefs: [payments],
        environment: 'production',
        windowDays: 20,
        end: END,
        reportYear: 2021,
      });
      expect(result.metrics.leadTimeForChanges.tier).toBe('high');
      expect(result.metrics.changeFailureRate.tier).toBe('elite');
      expect(result.metrics.deploymentFrequency.tier).toBe('elite');
    });

    it('ledger, 30 days: rollbacks with and without rollbackOf, open and early incidents, two currencies', async () => {
      const result = await service.compute({
        entityRefs: [ledger],
        environment: 'production',
        windowDays: 30,
        end: END,
      });
      expect(result.metrics).toEqual({
        // dA..dE; staging-1 is another environment
        deploymentFrequency: { count: 5, perDay: 5 / 30, tier: 'high' },
        deploymentSuccessRate: { value: 1, succeeded: 5, failed: 0 },
        leadTimeForChanges: { medianSeconds: null, count: 0, tier: null },
        // dA (rollbackOf), dB (r1 at its finish), dC (r4 by finishedAt),
        // dD (open incident); not dE (r3 failed)
        changeFailureRate: {
          value: 0.8,
          failedDeployments: 4,
          deployments: 5,
          tier: 'low',
        },
        // L-across 43200 s and L-early 3600 s resolved in W
        meanTimeToRecovery: {
          meanSeconds: 23400,
          medianSeconds: 23400,
          count: 2,
          tier: 'high',
        },
        // 6 h of L-across + 1 h of L-early + 6 h of L-open until end
        uptime: {
          value: 1 - 46800 / (30 * DAY),
          downtimeSeconds: 46800,
        },
        // dA 300, dB 600, dD 1800, dE 600 (dC has no start)
        deploymentDuration: { medianSeconds: 600, p95Seconds: 1800, count: 4 },
        // r1, r2, r4
        rollbackFrequency: { count: 3, perWeek: (3 * 7) / 30, perDeploy: 0.6 },
        infrastructureCost: {
          total: null,
          currency: null,
          perDay: null,
          perDeployment: null,
          changeRatio: null,
          byCurrency: [
            { currency: 'EUR', total: 90 },
            { currency: 'USD', total: 100 },
          ],
        },
        // D = dA..dE and r1, r2, r4 (r3 failed): 8. Rework: the 3
        // rollbacks and dE (started 06:50 while L-open, no environment =
        // production, was open): 4/8
        deploymentReworkRate: { value: 0.5, rework: 4, deployments: 8 },
      });
      expect(result.previous).toEqual({
        ...emptyMetrics,
        uptime: {
          value: 1 - 21600 / (30 * DAY),
          downtimeSeconds: 21600,
        },
      });
    });

    it('ledger in staging ignores incidents without environment', async () => {
      const result = await service.compute({
        entityRefs: [ledger],
        environment: 'staging',
        windowDays: 30,
        end: END,
      });
      expect(result.metrics.deploymentFrequency.count).toBe(1);
      expect(result.metrics.uptime).toEqual({
        value: 1 - DAY / (30 * DAY),
        downtimeSeconds: DAY,
      });
      expect(result.metrics.changeFailureRate.value).toBe(0);
      // staging-1 started during L-staging; L-open (no environment) is
      // production's only
      expect(result.metrics.deploymentReworkRate).toEqual({
        value: 1,
        rework: 1,
        deployments: 1,
      });
    });

    it('deployment rework rate: rollbacks and deploys started during a critical or major incident', async () => {
      const result = await service.compute({
        entityRefs: [rework],
        environment: 'production',
        windowDays: 10,
        end: END,
      });
      // D: w-rollback, w-at-start, w-at-resolved, w-overlap, w-minor,
      // w-other-environment, w-no-env, w-before, w-no-start, w-open,
      // w-open-late = 11 (w-failed, w-failed-rollback, w-after-end out).
      // Rework: w-rollback, w-at-start, w-overlap (once), w-no-env,
      // w-no-start, w-open, w-open-late = 7.
      expect(result.metrics.deploymentReworkRate).toEqual({
        value: 7 / 11,
        rework: 7,
        deployments: 11,
      });
      // Nothing in the previous window: null, not 0.
      expect(result.previous.deploymentReworkRate).toEqual({
        value: null,
        rework: 0,
        deployments: 0,
      });
      // Another environment: nothing of production's counts.
      const staging = await service.compute({
        entityRefs: [rework],
        environment: 'staging',
        windowDays: 10,
        end: END,
      });
      expect(staging.metrics.deploymentReworkRate).toEqual({
        value: null,
        rework: 0,
        deployments: 0,
      });
    });

    it.each([
      ['from the members', false],
      ['through the roll-up caches', true],
    ])(
      "deployment rework rate of a roll-up, %s: over the union of the members' deployments",
      async (_name, scoped) => {
        const result = await (scoped ? scopedService : service).compute({
          entityRefs: [rework, ledger, quiet],
          environment: 'production',
          windowDays: 10,
          end: END,
        });
        // rework 7 of 11; ledger in [11-16T12:00, 11-26T12:00): dD, and dE
        // (rework: L-open): 1 of 2. (7 + 1) / (11 + 2)
        expect(result.metrics.deploymentReworkRate).toEqual({
          value: 8 / 13,
          rework: 8,
          deployments: 13,
        });
        // The previous window [11-06T12:00, 11-16T12:00): ledger's dC and
        // r4 (rework): 1 of 2.
        expect(result.previous.deploymentReworkRate).toEqual({
          value: 0.5,
          rework: 1,
          deployments: 2,
        });
      },
    );

    it('deployment rework rate per member of a roll-up', async () => {
      const breakdown = await service.breakdown({
        entityRefs: [rework, ledger, quiet],
        environment: 'production',
        windowDays: 10,
        end: END,
      });
      expect(
        breakdown.items.map(item => item.metrics.deploymentReworkRate.value),
      ).toEqual([7 / 11, 0.5, null]);
    });

    it('series: deployment rework rate per day', async () => {
      const result = await service.series({
        entityRefs: [rework],
        environment: 'production',
        windowDays: 10,
        end: END,
        metric: 'deploymentReworkRate',
        bucket: 'day',
      });
      const byDay = Object.fromEntries(
        result.points.map(p => [p.start.slice(0, 10), p.values]),
      );
      // w-at-start (rework), w-at-resolved (not)
      expect(byDay['2026-11-18']).toEqual({
        value: 0.5,
        rework: 1,
        deployments: 2,
      });
      // w-before (not), w-no-start (rework)
      expect(byDay['2026-11-23']).toEqual({
        value: 0.5,
        rework: 1,
        deployments: 2,
      });
      // w-open-late (rework); w-after-end is after the window
      expect(byDay['2026-11-26']).toEqual({
        value: 1,
        rework: 1,
        deployments: 1,
      });
      expect(byDay['2026-11-16']).toEqual({
        value: null,
        rework: 0,
        deployments: 0,
      });
    });

    it('a rollback without rollbackOf names the deploy finished before its startedAt, even in the previous window', async () => {
      const result = await service.compute({
        entityRefs: [orders],
        environment: 'production',
        windowDays: 30,
        end: END,
      });
      expect(result.metrics.changeFailureRate).toEqual({
        value: 0,
        failedDeployments: 0,
        deployments: 1,
        tier: 'elite',
      });
      expect(result.metrics.rollbackFrequency).toEqual({
        count: 1,
        perWeek: 7 / 30,
        perDeploy: 1,
      });
      expect(result.previous.changeFailureRate).toEqual({
        value: 1,
        failedDeployments: 1,
        deployments: 1,
        tier: 'low',
      });
    });

    it('an entity without history: nulls, never zeros for what cannot be computed', async () => {
      const result = await service.compute({
        entityRefs: [quiet],
        environment: 'production',
        windowDays: 7,
        end: END,
      });
      expect(result.metrics).toEqual(emptyMetrics);
      expect(result.previous).toEqual(emptyMetrics);
    });

    it('window edges: finishedAt = start is in, finishedAt = end is out', async () => {
      const result = await service.compute({
        entityRefs: [edges],
        environment: 'production',
        windowDays: 1,
        end: END,
      });
      expect(result.metrics.deploymentFrequency).toEqual({
        count: 1,
        perDay: 1,
        tier: 'elite',
      });
      expect(result.previous.deploymentFrequency).toEqual({
        count: 1,
        perDay: 1,
        tier: 'elite',
      });
    });

    it('rolls up: sums deployments, averages uptime over members', async () => {
      const result = await service.compute({
        entityRefs: [ledger, quiet],
        environment: 'production',
        windowDays: 30,
        end: END,
      });
      expect(result.metrics.deploymentFrequency.count).toBe(5);
      expect(result.metrics.changeFailureRate.value).toBe(0.8);
      // mean of ledger's (1 − 46800/(30 d)) and quiet's 1
      expect(result.metrics.uptime.value).toBeCloseTo(
        (1 - 46800 / (30 * DAY) + 1) / 2,
        12,
      );
      expect(result.metrics.uptime.downtimeSeconds).toBe(23400);
    });

    it('a roll-up without members: no uptime to average', async () => {
      const result = await service.compute({
        entityRefs: [],
        environment: 'production',
        windowDays: 30,
        end: END,
      });
      expect(result.metrics).toEqual({
        ...emptyMetrics,
        uptime: { value: null, downtimeSeconds: 0 },
      });
    });

    it('breaks a roll-up down per member entity', async () => {
      const result = await service.breakdown({
        entityRefs: [payments, quiet],
        environment: 'production',
        windowDays: 20,
        end: END,
      });
      expect(result.items.map(i => i.entityRef)).toEqual([payments, quiet]);
      expect(result.items[0].metrics.changeFailureRate.value).toBe(0.05);
      expect(result.items[0].metrics.infrastructureCost.total).toBe(40);
      expect(result.items[1].metrics).toEqual(emptyMetrics);
    });

    it('series: deployments per day by status, rollbacks per day', async () => {
      const result = await service.series({
        entityRefs: [ledger],
        environment: 'production',
        windowDays: 30,
        end: END,
        metric: 'deploymentFrequency',
        bucket: 'day',
      });
      // 2026-10-27 (from 12:00) .. 2026-11-26 (until 12:00): 31 UTC days
      expect(result.points).toHaveLength(31);
      expect(result.points[0].start).toBe('2026-10-27T00:00:00.000Z');
      const byDay = Object.fromEntries(
        result.points.map(p => [p.start.slice(0, 10), p.values]),
      );
      expect(byDay['2026-11-05']).toEqual({
        succeeded: 1,
        failed: 0,
        rollbacks: 1,
      });
      expect(byDay['2026-11-12']).toEqual({
        succeeded: 0,
        failed: 0,
        rollbacks: 1,
      });
      expect(byDay['2026-11-26']).toEqual({
        succeeded: 1,
        failed: 0,
        rollbacks: 0,
      });
      const total = result.points.reduce(
        (sum, p) => sum + (p.values.succeeded ?? 0),
        0,
      );
      expect(total).toBe(5);
    });

    it('series: downtime per ISO week, clipped to the window', async () => {
      const result = await service.series({
        entityRefs: [ledger],
        environment: 'production',
        windowDays: 30,
        end: END,
        metric: 'uptime',
        bucket: 'week',
      });
      // Weeks from Monday 2026-10-26 to Monday 2026-11-23.
      expect(result.points.map(p => p.start)).toEqual([
        '2026-10-26T00:00:00.000Z',
        '2026-11-02T00:00:00.000Z',
        '2026-11-09T00:00:00.000Z',
        '2026-11-16T00:00:00.000Z',
        '2026-11-23T00:00:00.000Z',
      ]);
      // First week: 6 h of L-across (from 12:00) + 1 h of L-early.
      expect(result.points[0].values.downtimeSeconds).toBe(25200);
      // L-across started before the window: not counted as started in it.
      expect(result.points[0].values.incidents).toBe(1);
      expect(result.points[4].values.downtimeSeconds).toBe(21600);
      expect(result.points[1].values).toEqual({
        value: 1,
        downtimeSeconds: 0,
        incidents: 0,
      });
    });
  },
);

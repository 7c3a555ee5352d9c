import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { DeliveryMetrics } from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { clearHistory, History, storeHistory } from './__testUtils__/history';
import { DatabaseMetricsStore } from './DatabaseMetricsStore';
import { MetricsService } from './MetricsService';

jest.setTimeout(60_000);

/*
 * Golden tables: every expected number below was computed by hand from
 * METRICS.md (the arithmetic is left visible), not by running the code.
 */

const databases = createTestDatabases();

const payments = 'component:default/payments';
const ledger = 'component:default/ledger';
const quiet = 'component:default/quiet';
const edges = 'component:default/edges';
const orders = 'component:default/orders';
const rework = 'component:default/rework';

const END = new Date('2026-11-26T12:00:00.000Z');
const DAY = 86400;

/** ISO time `days` days and `hours` hours after `base`. */
function at(base: string, days: number, hours = 0, seconds = 0): string {
  return new Date(
    Date.parse(base) + ((days * 24 + hours) * 3600 + seconds) * 1000,
  ).toISOString();
}

/** Commits of payments' deploy d{k}: lead times 3600, 7200, 1800, 86400 s. */
function paymentsCommits(k: number, finishedAt: string): string[] {
  switch (k) {
    case 1:
      return [at(finishedAt, 0, 0, -3600), at(finishedAt, 0, 0, -7200)];
    case 2:
      // lead −60 s and 0 s are dropped; 1800 s is kept
      return [
        at(finishedAt, 0, 0, 60),
        finishedAt,
        at(finishedAt, 0, 0, -1800),
      ];
    case 3:
      return [at(finishedAt, -1)];
    default:
      return [];
  }
}

// payments, window of 20 days: [2026-11-06T12:00, 2026-11-26T12:00).
// d1..d20 finish at 13:00 on each day from 2026-11-06: exactly 1 per day.
const paymentsDeploys = Array.from({ length: 20 }, (_, i) => {
  const k = i + 1;
  const finishedAt = at('2026-11-06T13:00:00.000Z', i);
  const durationSeconds = k <= 11 ? 600 : 1200;
  return {
    entityRef: payments,
    externalId: `d${k}`,
    startedAt: at(finishedAt, 0, 0, -durationSeconds),
    finishedAt,
    commitTimes: paymentsCommits(k, finishedAt),
  };
});

const history: History = {
  deployments: [
    ...paymentsDeploys,
    {
      entityRef: payments,
      externalId: 'f1',
      status: 'failed',
      startedAt: '2026-11-10T14:00:00.000Z',
      finishedAt: '2026-11-10T14:30:00.000Z',
    },
    {
      entityRef: payments,
      externalId: 'f2',
      status: 'failed',
      startedAt: '2026-11-12T13:00:00.000Z',
      finishedAt: '2026-11-12T14:00:00.000Z',
    },
    {
      entityRef: payments,
      externalId: 'c1',
      status: 'cancelled',
      startedAt: '2026-11-13T09:00:00.000Z',
      finishedAt: '2026-11-13T10:00:00.000Z',
    },
    {
      entityRef: payments,
      externalId: 'p1',
      status: 'in_progress',
      startedAt: '2026-11-25T20:00:00.000Z',
    },

    // ledger, window of 30 days: [2026-10-27T12:00, 2026-11-26T12:00).
    {
      entityRef: ledger,
      externalId: 'dA',
      startedAt: '2026-10-30T09:55:00.000Z',
      finishedAt: '2026-10-30T10:00:00.000Z',
    },
    {
      entityRef: ledger,
      externalId: 'r2',
      kind: 'rollback',
      rollbackOf: 'dA',
      startedAt: '2026-10-31T23:55:00.000Z',
      finishedAt: '2026-11-01T00:00:00.000Z',
    },
    {
      entityRef: ledger,
      externalId: 'dB',
      startedAt: '2026-11-05T09:50:00.000Z',
      finishedAt: '2026-11-05T10:00:00.000Z',
    },
    {
      // No rollbackOf; started exactly when dB finished: names dB.
      entityRef: ledger,
      externalId: 'r1',
      kind: 'rollback',
      startedAt: '2026-11-05T10:00:00.000Z',
      finishedAt: '2026-11-05T10:10:00.000Z',
    },
    {
      entityRef: ledger,
      externalId: 'dC',
      finishedAt: '2026-11-10T10:00:00.000Z',
    },
    {
      // No rollbackOf and no startedAt: its finishedAt names dC.
      entityRef: ledger,
      externalId: 'r4',
      kind: 'rollback',
      finishedAt: '2026-11-12T00:00:00.000Z',
    },
    {
      entityRef: ledger,
      externalId: 'dD',
      startedAt: '2026-11-20T09:30:00.000Z',
      finishedAt: '2026-11-20T10:00:00.000Z',
    },
    {
      entityRef: ledger,
      externalId: 'dE',
      startedAt: '2026-11-26T06:50:00.000Z',
      finishedAt: '2026-11-26T07:00:00.000Z',
    },
    {
      // A failed rollback names nothing (it would name dE).
      entityRef: ledger,
      externalId: 'r3',
      kind: 'rollback',
      status: 'failed',
      startedAt: '2026-11-26T08:00:00.000Z',
      finishedAt: '2026-11-26T08:10:00.000Z',
    },
    {
      entityRef: ledger,
      externalId: 'staging-1',
      environment: 'staging',
      startedAt: '2026-11-15T09:00:00.000Z',
      finishedAt: '2026-11-15T09:10:00.000Z',
    },

    // orders: a rollback without rollbackOf that started before the deploy
    // in W finished names the deploy of the previous window.
    {
      entityRef: orders,
      externalId: 'o-previous',
      finishedAt: '2026-10-27T11:00:00.000Z',
    },
    {
      entityRef: orders,
      externalId: 'o-current',
      finishedAt: '2026-10-27T13:00:00.000Z',
    },
    {
      entityRef: orders,
      externalId: 'o-rollback',
      kind: 'rollback',
      startedAt: '2026-10-27T12:00:00.000Z',
      finishedAt: '2026-10-27T14:00:00.000Z',
    },

    // edges, window of 1 day: [2026-11-25T12:00, 2026-11-26T12:00).
    {
      entityRef: edges,
      externalId: 'at-start',
      finishedAt: '2026-11-25T12:00:00.000Z',
    },
    {
      entityRef: edges,
      externalId: 'at-end',
      finishedAt: '2026-11-26T12:00:00.000Z',
    },
    {
      entityRef: edges,
      externalId: 'before-start',
      finishedAt: '2026-11-25T11:59:59.999Z',
    },

    // rework, window of 10 days: [2026-11-16T12:00, 2026-11-26T12:00).
    // Deployment rework rate (METRICS.md 10); each is named for its case.
    {
      entityRef: rework,
      externalId: 'w-rollback',
      kind: 'rollback',
      startedAt: '2026-11-17T09:50:00.000Z',
      finishedAt: '2026-11-17T10:00:00.000Z',
    },
    {
      // Starts exactly when W-a starts: rework.
      entityRef: rework,
      externalId: 'w-at-start',
      startedAt: '2026-11-18T10:00:00.000Z',
      finishedAt: '2026-11-18T10:30:00.000Z',
    },
    {
      // Starts exactly when W-a is resolved: not rework.
      entityRef: rework,
      externalId: 'w-at-resolved',
      startedAt: '2026-11-18T11:00:00.000Z',
      finishedAt: '2026-11-18T11:10:00.000Z',
    },
    {
      // W-b and W-c are both open: counted once.
      entityRef: rework,
      externalId: 'w-overlap',
      startedAt: '2026-11-19T10:30:00.000Z',
      finishedAt: '2026-11-19T10:40:00.000Z',
    },
    {
      // Only the minor W-minor is open: not rework.
      entityRef: rework,
      externalId: 'w-minor',
      startedAt: '2026-11-20T10:30:00.000Z',
      finishedAt: '2026-11-20T10:40:00.000Z',
    },
    {
      // Only W-staging (another environment) is open: not rework.
      entityRef: rework,
      externalId: 'w-other-environment',
      startedAt: '2026-11-21T10:30:00.000Z',
      finishedAt: '2026-11-21T10:40:00.000Z',
    },
    {
      // W-no-env has no environment, so it counts for production: rework.
      entityRef: rework,
      externalId: 'w-no-env',
      startedAt: '2026-11-22T10:30:00.000Z',
      finishedAt: '2026-11-22T10:40:00.000Z',
    },
    {
      // Failed: not in D at all, though W-no-env is open.
      entityRef: rework,
      externalId: 'w-failed',
      status: 'failed',
      startedAt: '2026-11-22T10:35:00.000Z',
      finishedAt: '2026-11-22T10:45:00.000Z',
    },
    {
      // A failed rollback is not in D either.
      entityRef: rework,
      externalId: 'w-failed-rollback',
      kind: 'rollback',
      status: 'failed',
      startedAt: '2026-11-22T10:50:00.000Z',
      finishedAt: '2026-11-22T10:55:00.000Z',
    },
    {
      // Started before W-d, finished during it: its startedAt counts.
      entityRef: rework,
      externalId: 'w-before',
      startedAt: '2026-11-23T09:50:00.000Z',
      finishedAt: '2026-11-23T10:20:00.000Z',
    },
    {
      // No startedAt: its finishedAt (during W-d) counts: rework.
      entityRef: rework,
      externalId: 'w-no-start',
      finishedAt: '2026-11-23T10:30:00.000Z',
    },
    {
      // W-open is still open: rework (a whole day of the rollup).
      entityRef: rework,
      externalId: 'w-open',
      startedAt: '2026-11-24T10:00:00.000Z',
      finishedAt: '2026-11-24T10:10:00.000Z',
    },
    {
      // W-open still open, on the partial last day of the window: rework.
      entityRef: rework,
      externalId: 'w-open-late',
      startedAt: '2026-11-26T08:00:00.000Z',
      finishedAt: '2026-11-26T08:10:00.000Z',
    },
    {
      // After the window's end: not in D.
      entityRef: rework,
      externalId: 'w-after-end',
      startedAt: '2026-11-26T12:00:00.000Z',
      finishedAt: '2026-11-26T12:10:00.000Z',
    },
  ],
  incidents: [
    // payments: I1, I2, I3 all point at d10 (finished 2026-11-15T13:00).
    {
      entityRef: payments,
      externalId: 'I1',
      severity: 'major',
      environment: 'production',
      startedAt: '2026-11-15T13:30:00.000Z',
      resolvedAt: '2026-11-15T14:30:00.000Z',
    },
    {
      // Started exactly when d10 finished.
      entityRef: payments,
      externalId: 'I2',
      severity: 'critical',
      environment: 'production',
      startedAt: '2026-11-15T13:00:00.000Z',
      resolvedAt: '2026-11-15T13:20:00.000Z',
    },
    {
      // Overlaps I2: the union is 13:00–13:40.
      entityRef: payments,
      externalId: 'I3',
      severity: 'critical',
      environment: 'production',
      startedAt: '2026-11-15T13:10:00.000Z',
      resolvedAt: '2026-11-15T13:40:00.000Z',
    },
    {
      // Before any deployment, resolved in the window.
      entityRef: payments,
      externalId: 'I4',
      severity: 'major',
      environment: 'production',
      startedAt: '2026-11-05T12:00:00.000Z',
      resolvedAt: '2026-11-06T18:00:00.000Z',
    },
    {
      entityRef: payments,
      externalId: 'I5',
      severity: 'minor',
      environment: 'production',
      startedAt: '2026-11-10T14:00:00.000Z',
      resolvedAt: '2026-11-10T15:00:00.000Z',
    },
    {
      entityRef: payments,
      externalId: 'I6',
      severity: 'critical',
      environment: 'staging',
      startedAt: '2026-11-20T14:00:00.000Z',
      resolvedAt: '2026-11-20T15:00:00.000Z',
    },

    // ledger
    {
      // Still open, no environment (= production): points at dD.
      entityRef: ledger,
      externalId: 'L-open',
      severity: 'critical',
      startedAt: '2026-11-26T06:00:00.000Z',
    },
    {
      // Before any deployment of ledger.
      entityRef: ledger,
      externalId: 'L-early',
      severity: 'critical',
      environment: 'production',
      startedAt: '2026-10-28T00:00:00.000Z',
      resolvedAt: '2026-10-28T01:00:00.000Z',
    },
    {
      // Across the window start: 6 h in the previous window, 6 h in W.
      entityRef: ledger,
      externalId: 'L-across',
      severity: 'critical',
      environment: 'production',
      startedAt: '2026-10-27T06:00:00.000Z',
      resolvedAt: '2026-10-27T18:00:00.000Z',
    },
    {
      entityRef: ledger,
      externalId: 'L-staging',
      severity: 'critical',
      environment: 'staging',
      startedAt: '2026-11-15T00:00:00.000Z',
      resolvedAt: '2026-11-16T00:00:00.000Z',
    },

    // rework
    {
      entityRef: rework,
      externalId: 'W-a',
      severity: 'major',
      environment: 'production',
      startedAt: '2026-11-18T10:00:00.000Z',
      resolvedAt: '2026-11-18T11:00:00.000Z',
    },
    {
      entityRef: rework,
      externalId: 'W-b',
      severity: 'critical',
      environment: 'production',
      startedAt: '2026-11-19T10:00:00.000Z',
      resolvedAt: '2026-11-19T11:00:00.000Z',
    },
    {
      entityRef: rework,
      externalId: 'W-c',
      severity: 'major',
      environment: 'production',
      startedAt: '2026-11-19T10:15:00.000Z',
      resolvedAt: '2026-11-19T12:00:00.000Z',
    },
    {
      entityRef: rework,
      externalId: 'W-minor',
      severity: 'minor',
      environment: 'production',
      startedAt: '2026-11-20T10:00:00.000Z',
      resolvedAt: '2026-11-20T11:00:00.000Z',
    },
    {
      entityRef: rework,
      externalId: 'W-staging',
      severity: 'critical',
      environment: 'staging',
      startedAt: '2026-11-21T10:00:00.000Z',
      resolvedAt: '2026-11-21T11:00:00.000Z',
    },
    {
      entityRef: rework,
      externalId: 'W-no-env',
      severity: 'major',
      startedAt: '2026-11-22T10:00:00.000Z',
      resolvedAt: '2026-11-22T11:00:00.000Z',
    },
    {
      entityRef: rework,
      externalId: 'W-d',
      severity: 'critical',
      environment: 'production',
      startedAt: '2026-11-23T10:00:00.000Z',
      resolvedAt: '2026-11-23T11:00:00.000Z',
    },
    {
      entityRef: rework,
      externalId: 'W-open',
      severity: 'critical',
      environment: 'production',
      startedAt: '2026-11-24T09:00:00.000Z',
    },
  ],
  costs: [
    // payments: days [2026-11-06, 2026-11-26) and before them [2026-10-17, 2026-11-06).
    {
      entityRef: payments,
      date: '2026-11-10',
      source: 'aws',
      amount: 10,
      currency: 'USD',
    },
    {
      entityRef: payments,
      date: '2026-11-10',
      source: 'gcp',
      amount: 5,
      currency: 'USD',
    },
    {
      entityRef: payments,
      date: '2026-11-25',
      source: 'aws',
      amount: 25,
      currency: 'USD',
    },
    {
      // The day of `end` is not a whole day before it.
      entityRef: payments,
      date: '2026-11-26',
      source: 'aws',
      amount: 1000,
      currency: 'USD',
    },
    {
      entityRef: payments,
      date: '2026-11-05',
      source: 'aws',
      amount: 30,
      currency: 'USD',
    },
    // ledger: two currencies.
    {
      entityRef: ledger,
      date: '2026-11-01',
      source: 'aws',
      amount: 100,
      currency: 'USD',
    },
    {
      entityRef: ledger,
      date: '2026-11-02',
      source: 'azure',
      amount: 90,
      currency: 'EUR',
    },
  ],
};

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

import { History } from './history';

/*
 * The golden history of the MetricsService tests: every expected number of
 * those tests was computed by hand from docs/metrics.md. The drill-down
 * tests recount the same history (src/metrics/evidence).
 */

export const payments = 'component:default/payments';
export const ledger = 'component:default/ledger';
export const quiet = 'component:default/quiet';
export const edges = 'component:default/edges';
export const orders = 'component:default/orders';
export const rework = 'component:default/rework';

export const END = new Date('2026-11-26T12:00:00.000Z');

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

export const goldenHistory: History = {
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

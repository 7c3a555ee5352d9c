import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { InfrastructureCostMetric } from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { clearHistory, History, storeHistory } from './__testUtils__/history';
import { DatabaseMetricsStore } from './DatabaseMetricsStore';
import { MetricsService } from './MetricsService';

jest.setTimeout(60_000);

/*
 * Golden tables of infrastructureCost (METRICS.md 9): every expected number
 * was computed by hand from the definition (the arithmetic is left
 * visible), on SQLite and PostgreSQL. End 2026-11-26T12:00Z, N = 7:
 *   cost days      [2026-11-19, 2026-11-26)  (the day of end is not whole)
 *   previous days  [2026-11-12, 2026-11-19)
 *   earlier days   [2026-11-05, 2026-11-12)  (the previous window's previous)
 */

const databases = createTestDatabases();

const alpha = 'component:default/alpha';
const beta = 'component:default/beta';
const gamma = 'component:default/gamma';
const delta = 'component:default/delta';
const epsilon = 'component:default/epsilon';

const END = new Date('2026-11-26T12:00:00.000Z');

function cost(
  entityRef: string,
  date: string,
  source: string,
  amount: number,
  currency = 'USD',
) {
  return { entityRef, date, source, amount, currency };
}

const history: History = {
  deployments: [
    // alpha: |S| = 3 (succeeded production deploys finished in W); the
    // failed one and the staging one are not in S.
    ...[
      '2026-11-20T10:00:00.000Z',
      '2026-11-22T10:00:00.000Z',
      '2026-11-24T10:00:00.000Z',
    ].map((finishedAt, i) => ({
      entityRef: alpha,
      externalId: `a${i + 1}`,
      startedAt: finishedAt.replace('T10', 'T09'),
      finishedAt,
    })),
    {
      entityRef: alpha,
      externalId: 'a-failed',
      status: 'failed',
      startedAt: '2026-11-23T09:00:00.000Z',
      finishedAt: '2026-11-23T10:00:00.000Z',
    },
    {
      entityRef: alpha,
      externalId: 'a-staging',
      environment: 'staging',
      startedAt: '2026-11-23T09:00:00.000Z',
      finishedAt: '2026-11-23T10:00:00.000Z',
    },
    {
      entityRef: beta,
      externalId: 'b1',
      startedAt: '2026-11-21T09:00:00.000Z',
      finishedAt: '2026-11-21T10:00:00.000Z',
    },
  ],
  costs: [
    // alpha, USD. Several sources on one day add up; four days of W have
    // no record at all (missing days), which perDay still divides by N.
    cost(alpha, '2026-11-19', 'aws', 10), // first day of W: in
    cost(alpha, '2026-11-19', 'opencost', 2.5),
    cost(alpha, '2026-11-19', 'demo-storage', 0.5),
    cost(alpha, '2026-11-22', 'aws', 7),
    cost(alpha, '2026-11-25', 'opencost', 4), // last whole day: in
    cost(alpha, '2026-11-26', 'aws', 1000), // day of end: out
    cost(alpha, '2026-11-18', 'aws', 16), // last previous day
    cost(alpha, '2026-11-12', 'opencost', 4), // first previous day
    cost(alpha, '2026-11-11', 'aws', 50), // earlier window only
    // beta: two currencies, two sources on 2026-11-20.
    cost(beta, '2026-11-20', 'aws', 30, 'USD'),
    cost(beta, '2026-11-20', 'azure', 12.5, 'EUR'),
    cost(beta, '2026-11-24', 'azure', 7.5, 'EUR'),
    cost(beta, '2026-11-13', 'aws', 40, 'USD'),
    // gamma: EUR now, USD before: not comparable.
    cost(gamma, '2026-11-21', 'opencost', 14, 'EUR'),
    cost(gamma, '2026-11-15', 'aws', 50, 'USD'),
    // delta: cost in the previous window only.
    cost(delta, '2026-11-14', 'aws', 30),
    // epsilon: a previous total of exactly 0.
    cost(epsilon, '2026-11-20', 'aws', 5),
    cost(epsilon, '2026-11-16', 'aws', 0),
  ],
};

const none: InfrastructureCostMetric = {
  total: null,
  currency: null,
  perDay: null,
  perDeployment: null,
  changeRatio: null,
};

describe.each(databases.eachSupportedId())(
  'MetricsService infrastructureCost golden tables (%s)',
  (databaseId: TestDatabaseId) => {
    let service: MetricsService;

    beforeAll(async () => {
      const knex: Knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      const deploymentStore = await DatabaseDeploymentStore.create({
        database,
      });
      service = new MetricsService({
        store: await DatabaseMetricsStore.create({ database }),
      });
      await clearHistory(knex);
      await storeHistory(knex, deploymentStore, history);
    });

    async function costOf(entityRefs: string[]) {
      const result = await service.compute({
        entityRefs,
        environment: 'production',
        windowDays: 7,
        end: END,
      });
      return {
        current: result.metrics.infrastructureCost,
        previous: result.previous.infrastructureCost,
      };
    }

    it('several sources on one day, missing days, window boundaries', async () => {
      expect(await costOf([alpha])).toEqual({
        // (10 + 2.5 + 0.5) + 7 + 4; the 1000 of the day of end is out
        current: {
          total: 24,
          currency: 'USD',
          perDay: 24 / 7,
          perDeployment: 24 / 3,
          changeRatio: (24 - 20) / 20,
        },
        // 16 + 4; no deploys in the previous window; 50 the window before
        previous: {
          total: 20,
          currency: 'USD',
          perDay: 20 / 7,
          perDeployment: null,
          changeRatio: (20 - 50) / 50,
        },
      });
    });

    it('several currencies: total null, one entry per currency, nothing added across', async () => {
      expect(await costOf([beta])).toEqual({
        current: {
          ...none,
          byCurrency: [
            { currency: 'EUR', total: 12.5 + 7.5 },
            { currency: 'USD', total: 30 },
          ],
        },
        previous: {
          total: 40,
          currency: 'USD',
          perDay: 40 / 7,
          perDeployment: null,
          changeRatio: null,
        },
      });
    });

    it('no change ratio between different currencies, nor from a total of 0', async () => {
      expect((await costOf([gamma])).current).toEqual({
        total: 14,
        currency: 'EUR',
        perDay: 2,
        // no deploys: empty denominator
        perDeployment: null,
        changeRatio: null,
      });
      expect((await costOf([epsilon])).current).toEqual({
        total: 5,
        currency: 'USD',
        perDay: 5 / 7,
        perDeployment: null,
        changeRatio: null,
      });
    });

    it('a window without records is null, never 0, even when the previous one had cost', async () => {
      expect(await costOf([delta])).toEqual({
        current: none,
        previous: {
          total: 30,
          currency: 'USD',
          perDay: 30 / 7,
          perDeployment: null,
          changeRatio: null,
        },
      });
    });

    it('rolls up: members add up per currency, and several currencies give byCurrency', async () => {
      // alpha 24 + delta nothing; previous alpha 20 + delta 30
      expect((await costOf([alpha, delta])).current).toEqual({
        total: 24,
        currency: 'USD',
        perDay: 24 / 7,
        perDeployment: 24 / 3,
        changeRatio: (24 - 50) / 50,
      });
      // alpha USD 24 + beta USD 30 / EUR 20 + gamma EUR 14
      expect((await costOf([alpha, beta, gamma])).current).toEqual({
        ...none,
        byCurrency: [
          { currency: 'EUR', total: 20 + 14 },
          { currency: 'USD', total: 24 + 30 },
        ],
      });
    });

    it('breaks a roll-up down per member with each member’s currency', async () => {
      const result = await service.breakdown({
        entityRefs: [alpha, beta, gamma, delta],
        environment: 'production',
        windowDays: 7,
        end: END,
      });
      expect(
        result.items.map(item => [
          item.entityRef,
          item.metrics.infrastructureCost.total,
          item.metrics.infrastructureCost.currency,
          item.metrics.infrastructureCost.byCurrency,
        ]),
      ).toEqual([
        [alpha, 24, 'USD', undefined],
        [
          beta,
          null,
          null,
          [
            { currency: 'EUR', total: 20 },
            { currency: 'USD', total: 30 },
          ],
        ],
        [gamma, 14, 'EUR', undefined],
        [delta, null, null, undefined],
      ]);
    });
  },
);

import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { clearHistory, storeHistory } from './__testUtils__/history';
import { DatabaseMetricsStore } from './DatabaseMetricsStore';
import { DeploymentSlot } from './MetricsStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** Slots in time order with their samples as sorted arrays. */
function summarize(slots: DeploymentSlot[]) {
  return [...slots]
    .sort((a, b) => a.start - b.start || (a.entityRef < b.entityRef ? -1 : 1))
    .map(slot => ({
      ...slot,
      leadTimes: [...slot.leadTimes].sort((x, y) => x - y),
      durations: [...slot.durations].sort((x, y) => x - y),
    }));
}

const payments = 'component:default/payments';
const ledger = 'component:default/ledger';
const other = 'component:default/other';

const from = new Date('2026-11-01T00:00:00.000Z');
const to = new Date('2026-11-11T00:00:00.000Z');

describe.each(databases.eachSupportedId())(
  'DatabaseMetricsStore (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseMetricsStore;
    let ids: Map<string, string>;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      const deploymentStore = await DatabaseDeploymentStore.create({
        database,
      });
      store = await DatabaseMetricsStore.create({ database });
      await clearHistory(knex);
      ids = await storeHistory(knex, deploymentStore, {
        deployments: [
          {
            entityRef: payments,
            externalId: 'in-range',
            startedAt: '2026-11-01T23:50:00.000Z',
            finishedAt: '2026-11-02T00:00:00.000Z',
            commitTimes: ['2026-11-01T20:00:00.000Z'],
          },
          {
            entityRef: payments,
            externalId: 'at-from',
            status: 'failed',
            finishedAt: '2026-11-01T00:00:00.000Z',
            commitTimes: ['2026-10-31T20:00:00.000Z'],
          },
          {
            entityRef: payments,
            externalId: 'rollback',
            kind: 'rollback',
            rollbackOf: 'in-range',
            finishedAt: '2026-11-03T00:00:00.000Z',
          },
          // Not read: before, at `to`, other environment, other entity,
          // cancelled, failed rollback, unfinished.
          {
            entityRef: payments,
            externalId: 'before',
            finishedAt: '2026-10-31T23:59:59.999Z',
          },
          {
            entityRef: payments,
            externalId: 'at-to',
            finishedAt: '2026-11-11T00:00:00.000Z',
          },
          {
            entityRef: payments,
            externalId: 'staging',
            environment: 'staging',
            finishedAt: '2026-11-05T00:00:00.000Z',
          },
          {
            entityRef: other,
            externalId: 'other',
            finishedAt: '2026-11-05T00:00:00.000Z',
          },
          {
            entityRef: payments,
            externalId: 'cancelled',
            status: 'cancelled',
            finishedAt: '2026-11-05T00:00:00.000Z',
          },
          {
            entityRef: payments,
            externalId: 'failed-rollback',
            kind: 'rollback',
            status: 'failed',
            finishedAt: '2026-11-05T00:00:00.000Z',
          },
          {
            entityRef: payments,
            externalId: 'running',
            status: 'in_progress',
            startedAt: '2026-11-05T00:00:00.000Z',
          },
          {
            entityRef: ledger,
            externalId: 'ledger-1',
            finishedAt: '2026-11-06T00:00:00.000Z',
          },
        ],
        incidents: [
          {
            entityRef: payments,
            externalId: 'open-since-october',
            severity: 'critical',
            startedAt: '2026-10-01T00:00:00.000Z',
          },
          {
            entityRef: payments,
            externalId: 'resolved-at-from',
            severity: 'major',
            environment: 'production',
            startedAt: '2026-10-31T00:00:00.000Z',
            resolvedAt: '2026-11-01T00:00:00.000Z',
          },
          // Not read: resolved before `from`, started at `to`, minor,
          // other environment, other entity.
          {
            entityRef: payments,
            externalId: 'resolved-before',
            severity: 'critical',
            startedAt: '2026-10-31T00:00:00.000Z',
            resolvedAt: '2026-10-31T23:59:59.999Z',
          },
          {
            entityRef: payments,
            externalId: 'started-at-to',
            severity: 'critical',
            startedAt: '2026-11-11T00:00:00.000Z',
          },
          {
            entityRef: payments,
            externalId: 'minor',
            severity: 'minor',
            startedAt: '2026-11-05T00:00:00.000Z',
          },
          {
            entityRef: payments,
            externalId: 'staging-incident',
            severity: 'critical',
            environment: 'staging',
            startedAt: '2026-11-05T00:00:00.000Z',
          },
          {
            entityRef: other,
            externalId: 'other-incident',
            severity: 'critical',
            startedAt: '2026-11-05T00:00:00.000Z',
          },
        ],
        costs: [
          {
            entityRef: payments,
            date: '2026-11-01',
            source: 'aws',
            amount: 1.25,
            currency: 'USD',
          },
          {
            entityRef: payments,
            date: '2026-11-10',
            source: 'gcp',
            amount: 2,
            currency: 'USD',
          },
          {
            entityRef: payments,
            date: '2026-10-31',
            source: 'aws',
            amount: 100,
            currency: 'USD',
          },
          {
            entityRef: payments,
            date: '2026-11-11',
            source: 'aws',
            amount: 100,
            currency: 'USD',
          },
          {
            entityRef: other,
            date: '2026-11-05',
            source: 'aws',
            amount: 100,
            currency: 'USD',
          },
        ],
      });
    });

    it('reads only the window, the entities and the environment asked for', async () => {
      const data = await store.readWindow({
        entityRefs: [payments, ledger],
        environment: 'production',
        from,
        to,
        cuts: [],
        costFrom: '2026-11-01',
        costTo: '2026-11-11',
        costPerEntity: true,
      });
      const day = (iso: string) => {
        const start = Date.parse(`${iso}T00:00:00.000Z`);
        return { start, end: start + 86_400_000 };
      };
      expect(summarize(data.slots)).toEqual([
        {
          // at-from (failed; no startedAt, so no duration)
          entityRef: payments,
          ...day('2026-11-01'),
          succeeded: 0,
          failed: 1,
          failedInProduction: 0,
          rollbacks: 0,
          reworkDeploys: 0,
          leadTimes: [],
          durations: [],
        },
        {
          // in-range, rolled back by `rollback`; rework: it started while
          // open-since-october was open
          entityRef: payments,
          ...day('2026-11-02'),
          succeeded: 1,
          failed: 0,
          failedInProduction: 1,
          rollbacks: 0,
          reworkDeploys: 1,
          leadTimes: [4 * 3600],
          durations: [600],
        },
        {
          entityRef: payments,
          ...day('2026-11-03'),
          succeeded: 0,
          failed: 0,
          failedInProduction: 0,
          rollbacks: 1,
          reworkDeploys: 0,
          leadTimes: [],
          durations: [],
        },
        {
          entityRef: ledger,
          ...day('2026-11-06'),
          succeeded: 1,
          failed: 0,
          failedInProduction: 0,
          rollbacks: 0,
          reworkDeploys: 0,
          leadTimes: [],
          durations: [],
        },
      ]);
      expect(ids.get('in-range')).toBeDefined();
      expect(
        data.incidents
          .map(i => [i.entityRef, i.severity, i.startedAt, i.resolvedAt])
          .sort(),
      ).toEqual(
        [
          [payments, 'critical', Date.parse('2026-10-01T00:00:00.000Z'), null],
          [
            payments,
            'major',
            Date.parse('2026-10-31T00:00:00.000Z'),
            Date.parse('2026-11-01T00:00:00.000Z'),
          ],
        ].sort(),
      );
      expect(data.costs.sort((a, b) => (a.date < b.date ? -1 : 1))).toEqual([
        {
          entityRef: payments,
          date: '2026-11-01',
          source: 'aws',
          amount: 1.25,
          currency: 'USD',
        },
        {
          entityRef: payments,
          date: '2026-11-10',
          source: 'gcp',
          amount: 2,
          currency: 'USD',
        },
      ]);
    });

    it('counts incidents without environment only for production', async () => {
      const data = await store.readWindow({
        entityRefs: [payments],
        environment: 'staging',
        from,
        to,
        cuts: [],
        costFrom: '2026-11-01',
        costTo: '2026-11-11',
        costPerEntity: true,
      });
      expect(data.incidents.map(i => i.startedAt)).toEqual([
        Date.parse('2026-11-05T00:00:00.000Z'),
      ]);
      expect(summarize(data.slots)).toEqual([
        expect.objectContaining({ entityRef: payments, succeeded: 1 }),
      ]);
    });

    it('reads the commit times of a deployment as its deployment_commits rows, whatever the order of reports', async () => {
      const entityRef = 'component:default/commit-times';
      const deploymentStore = await DatabaseDeploymentStore.create({
        database: mockServices.database({ knex, migrations: { skip: true } }),
      });
      const report = (
        externalId: string,
        commits: Array<[string, string]>,
      ) => ({
        entityRef,
        environment: 'production',
        source: 'commit-times',
        externalId,
        version: '1.0.0',
        kind: 'deploy' as const,
        status: 'succeeded' as const,
        finishedAt: '2026-11-04T00:00:00.000Z',
        commits: commits.map(([sha, committedAt]) => ({ sha, committedAt })),
      });
      // Reported twice in one batch: the second report adds c2 and its c1
      // is the one stored (the last of the batch).
      await deploymentStore.upsertDeployments([
        report('a', [['c1', '2026-11-01T01:00:00.000Z']]),
        report('a', [
          ['c1', '2026-11-01T01:30:00.000Z'],
          ['c2', '2026-11-01T02:00:00.000Z'],
        ]),
        // One sha twice in a report: the last one is stored.
        report('b', [
          ['c4', '2026-11-01T04:00:00.000Z'],
          ['c4', '2026-11-01T05:00:00.000Z'],
        ]),
        report('c', []),
      ]);
      // Later: a known commit keeps its first time, a new one is added.
      await deploymentStore.upsertDeployments([
        report('a', [
          ['c1', '2026-11-01T09:00:00.000Z'],
          ['c3', '2026-11-01T03:00:00.000Z'],
        ]),
      ]);

      const data = await store.readWindow({
        entityRefs: [entityRef],
        environment: 'production',
        from,
        to,
        cuts: [],
        costFrom: '2026-11-01',
        costTo: '2026-11-11',
        costPerEntity: true,
      });
      const stored: Array<{ external_id: string; committed_at: unknown }> =
        await knex('deployment_commits as c')
          .join('deployments as d', 'd.id', 'c.deployment_id')
          .where('d.entity_ref', entityRef)
          .select('d.external_id', 'c.committed_at');
      const finished = Date.parse('2026-11-04T00:00:00.000Z');
      const expected = stored
        .filter(row => row.external_id === 'a' || row.external_id === 'b')
        .map(
          row =>
            (finished -
              (row.committed_at instanceof Date
                ? row.committed_at.getTime()
                : Date.parse(String(row.committed_at)))) /
            1000,
        )
        .sort((x, y) => x - y);
      const [slot] = summarize(data.slots);
      expect(slot.succeeded).toBe(3);
      expect(slot.leadTimes).toEqual(expected);
      // a: c1 as first stored in its batch (01:30), c2, c3; b: c4 at 05:00.
      expect(slot.leadTimes).toEqual(
        [
          '2026-11-01T01:30:00.000Z',
          '2026-11-01T02:00:00.000Z',
          '2026-11-01T03:00:00.000Z',
          '2026-11-01T05:00:00.000Z',
        ]
          .map(iso => (finished - Date.parse(iso)) / 1000)
          .sort((x, y) => x - y),
      );
    });

    it('reads nothing for no entities', async () => {
      expect(
        await store.readWindow({
          entityRefs: [],
          environment: 'production',
          from,
          to,
          cuts: [],
          costFrom: '2026-11-01',
          costTo: '2026-11-11',
          costPerEntity: false,
        }),
      ).toEqual({ slots: [], incidents: [], costs: [] });
    });
  },
);

import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { clearHistory, storeHistory } from './__testUtils__/history';
import { DatabaseMetricsStore } from './DatabaseMetricsStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

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
        costFrom: '2026-11-01',
        costTo: '2026-11-11',
      });
      const byId = new Map(
        [...ids].map(([externalId, id]) => [id, externalId]),
      );
      expect(
        data.deployments
          .map(d => ({ ...d, id: byId.get(d.id) }))
          .sort((a, b) => a.finishedAt - b.finishedAt),
      ).toEqual([
        {
          id: 'at-from',
          entityRef: payments,
          kind: 'deploy',
          status: 'failed',
          startedAt: null,
          finishedAt: Date.parse('2026-11-01T00:00:00.000Z'),
          rollbackOf: null,
          // Commits are read for succeeded deploys only.
          commitTimes: [],
        },
        {
          id: 'in-range',
          entityRef: payments,
          kind: 'deploy',
          status: 'succeeded',
          startedAt: Date.parse('2026-11-01T23:50:00.000Z'),
          finishedAt: Date.parse('2026-11-02T00:00:00.000Z'),
          rollbackOf: null,
          commitTimes: [Date.parse('2026-11-01T20:00:00.000Z')],
        },
        {
          id: 'rollback',
          entityRef: payments,
          kind: 'rollback',
          status: 'succeeded',
          startedAt: null,
          finishedAt: Date.parse('2026-11-03T00:00:00.000Z'),
          rollbackOf: ids.get('in-range'),
          commitTimes: [],
        },
        {
          id: 'ledger-1',
          entityRef: ledger,
          kind: 'deploy',
          status: 'succeeded',
          startedAt: null,
          finishedAt: Date.parse('2026-11-06T00:00:00.000Z'),
          rollbackOf: null,
          commitTimes: [],
        },
      ]);
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
        costFrom: '2026-11-01',
        costTo: '2026-11-11',
      });
      expect(data.incidents.map(i => i.startedAt)).toEqual([
        Date.parse('2026-11-05T00:00:00.000Z'),
      ]);
      expect(data.deployments).toHaveLength(1);
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
        costFrom: '2026-11-01',
        costTo: '2026-11-11',
      });
      const stored: Array<{ external_id: string; committed_at: unknown }> =
        await knex('deployment_commits as c')
          .join('deployments as d', 'd.id', 'c.deployment_id')
          .where('d.entity_ref', entityRef)
          .select('d.external_id', 'c.committed_at');
      const idOf = new Map(
        (
          await knex('deployments')
            .where({ entity_ref: entityRef })
            .select('id', 'external_id')
        ).map(row => [row.id, row.external_id]),
      );
      const read = Object.fromEntries(
        data.deployments.map(d => [
          idOf.get(d.id),
          [...d.commitTimes].sort((x, y) => x - y),
        ]),
      );
      const expected = (externalId: string) =>
        stored
          .filter(row => row.external_id === externalId)
          .map(row =>
            row.committed_at instanceof Date
              ? row.committed_at.getTime()
              : Date.parse(String(row.committed_at)),
          )
          .sort((x, y) => x - y);
      expect(read).toEqual({
        a: expected('a'),
        b: expected('b'),
        c: [],
      });
      expect(read.a).toEqual(
        [
          '2026-11-01T01:30:00.000Z',
          '2026-11-01T02:00:00.000Z',
          '2026-11-01T03:00:00.000Z',
        ].map(Date.parse),
      );
      expect(read.b).toEqual([Date.parse('2026-11-01T05:00:00.000Z')]);
    });

    it('reads nothing for no entities', async () => {
      expect(
        await store.readWindow({
          entityRefs: [],
          environment: 'production',
          from,
          to,
          costFrom: '2026-11-01',
          costTo: '2026-11-11',
        }),
      ).toEqual({ deployments: [], incidents: [], costs: [] });
    });
  },
);

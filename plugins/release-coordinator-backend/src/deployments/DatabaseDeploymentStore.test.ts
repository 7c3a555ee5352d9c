import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from './DatabaseDeploymentStore';
import { DeploymentUpsert, IncidentUpsert } from './DeploymentStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const payments = 'component:default/payments';
const ledger = 'component:default/ledger';

function deployment(overrides: Partial<DeploymentUpsert>): DeploymentUpsert {
  return {
    entityRef: payments,
    environment: 'production',
    source: 'github',
    externalId: 'run-1',
    version: '1.0.0',
    kind: 'deploy',
    status: 'succeeded',
    startedAt: '2026-11-20T10:00:00.000Z',
    finishedAt: '2026-11-20T10:05:00.000Z',
    commits: [],
    ...overrides,
  };
}

function incident(overrides: Partial<IncidentUpsert>): IncidentUpsert {
  return {
    entityRef: payments,
    source: 'pagerduty',
    externalId: 'P1',
    severity: 'critical',
    title: 'Checkout errors',
    environment: 'production',
    startedAt: '2026-11-20T11:00:00.000Z',
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseDeploymentStore (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseDeploymentStore;
    let clock: Date;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseDeploymentStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
        now: () => clock,
      });
    });

    beforeEach(async () => {
      clock = new Date('2026-11-26T09:00:00.000Z');
      await knex('deployment_commits').del();
      await knex('deployments').del();
      await knex('incidents').del();
      await knex('provider_sync_state').del();
    });

    describe('upsertDeployments', () => {
      it('reports created, then unchanged, then updated, keeping one row and its id', async () => {
        const report = deployment({
          status: 'in_progress',
          finishedAt: undefined,
          commitSha: 'abc123',
          initiator: 'alice',
          url: 'https://ci.example.com/runs/1',
          commits: [{ sha: 'abc123', committedAt: '2026-11-20T08:00:00.000Z' }],
        });
        const [created] = await store.upsertDeployments([report]);
        expect(created).toEqual({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          status: 'created',
        });

        await expect(store.upsertDeployments([report])).resolves.toEqual([
          { id: created.id, status: 'unchanged' },
        ]);

        clock = new Date('2026-11-26T09:10:00.000Z');
        await expect(
          store.upsertDeployments([
            {
              ...report,
              status: 'succeeded',
              finishedAt: '2026-11-20T10:05:00.000Z',
              // Fields a later report leaves out keep their stored values.
              initiator: undefined,
              commits: [],
            },
          ]),
        ).resolves.toEqual([{ id: created.id, status: 'updated' }]);

        const page = await store.listDeployments({
          entityRef: payments,
          limit: 10,
        });
        expect(page).toEqual({
          items: [
            {
              id: created.id,
              entityRef: payments,
              environment: 'production',
              source: 'github',
              externalId: 'run-1',
              version: '1.0.0',
              commitSha: 'abc123',
              kind: 'deploy',
              status: 'succeeded',
              startedAt: '2026-11-20T10:00:00.000Z',
              finishedAt: '2026-11-20T10:05:00.000Z',
              initiator: 'alice',
              url: 'https://ci.example.com/runs/1',
              commits: [
                { sha: 'abc123', committedAt: '2026-11-20T08:00:00.000Z' },
              ],
            },
          ],
        });
        const rows = await knex('deployments');
        expect(rows).toHaveLength(1);
        expect(rows[0].revision).toBe(2);
      });

      it('never lets a late queued or in_progress report overwrite a terminal status', async () => {
        const [stored] = await store.upsertDeployments([deployment({})]);
        const outcomes = await store.upsertDeployments([
          deployment({
            status: 'queued',
            startedAt: undefined,
            finishedAt: undefined,
          }),
          deployment({ status: 'in_progress', finishedAt: undefined }),
        ]);
        expect(outcomes).toEqual([
          { id: stored.id, status: 'unchanged' },
          { id: stored.id, status: 'unchanged' },
        ]);
        const [row] = await knex('deployments');
        expect(row.status).toBe('succeeded');
        expect(row.revision).toBe(1);
      });

      it('applies a batch that carries the same deployment twice in order', async () => {
        const outcomes = await store.upsertDeployments([
          deployment({ status: 'in_progress', finishedAt: undefined }),
          deployment({ status: 'succeeded' }),
          deployment({ status: 'queued', finishedAt: undefined }),
        ]);
        expect(outcomes.map(o => o.status)).toEqual([
          'created',
          'updated',
          'unchanged',
        ]);
        expect(new Set(outcomes.map(o => o.id)).size).toBe(1);
        const [row] = await knex('deployments');
        expect(row.status).toBe('succeeded');
      });

      it('lets a terminal status replace another only with a later finishedAt', async () => {
        await store.upsertDeployments([deployment({ status: 'failed' })]);

        // Same finishedAt, different verdict: the first report stands.
        await expect(
          store.upsertDeployments([deployment({ status: 'succeeded' })]),
        ).resolves.toMatchObject([{ status: 'unchanged' }]);
        expect((await knex('deployments'))[0].status).toBe('failed');

        // A re-run that finished later replaces it.
        await expect(
          store.upsertDeployments([
            deployment({
              status: 'succeeded',
              finishedAt: '2026-11-20T10:30:00.000Z',
            }),
          ]),
        ).resolves.toMatchObject([{ status: 'updated' }]);
        // An older terminal report does not come back.
        await expect(
          store.upsertDeployments([
            deployment({
              status: 'cancelled',
              finishedAt: '2026-11-20T10:20:00.000Z',
            }),
          ]),
        ).resolves.toMatchObject([{ status: 'unchanged' }]);
        // The same terminal report may fill in a missing field.
        await expect(
          store.upsertDeployments([
            deployment({
              status: 'succeeded',
              finishedAt: '2026-11-20T10:30:00.000Z',
              url: 'https://ci.example.com/runs/1',
            }),
          ]),
        ).resolves.toMatchObject([{ status: 'updated' }]);

        const [row] = await store
          .listDeployments({ entityRef: payments, limit: 1 })
          .then(page => page.items);
        expect(row).toMatchObject({
          status: 'succeeded',
          finishedAt: '2026-11-20T10:30:00.000Z',
          url: 'https://ci.example.com/runs/1',
        });
      });

      it('resolves rollbackOf to the stored id, also within one batch, and reports new commits as an update', async () => {
        const outcomes = await store.upsertDeployments([
          deployment({ externalId: 'run-2', version: '1.1.0' }),
          deployment({
            externalId: 'run-3',
            kind: 'rollback',
            version: '1.0.0',
            rollbackOfExternalId: 'run-2',
          }),
        ]);
        expect(outcomes.map(o => o.status)).toEqual(['created', 'created']);
        const rollback = await knex('deployments')
          .where({ external_id: 'run-3' })
          .first();
        expect(rollback.rollback_of).toBe(outcomes[0].id);

        await expect(
          store.upsertDeployments([
            deployment({
              externalId: 'run-2',
              version: '1.1.0',
              commits: [{ sha: 'c1', committedAt: '2026-11-19T10:00:00.000Z' }],
            }),
          ]),
        ).resolves.toEqual([{ id: outcomes[0].id, status: 'updated' }]);
      });

      it('keeps commit_times equal to the times of the stored commits', async () => {
        const at = (hour: number) =>
          `2026-11-19T${String(hour).padStart(2, '0')}:00:00.000Z`;
        const commit = (hour: number) => ({
          sha: `c${hour}`,
          committedAt: at(hour),
        });
        const commitTimes = async () =>
          Object.fromEntries(
            (
              await knex('deployments').select('external_id', 'commit_times')
            ).map(row => [
              row.external_id,
              row.commit_times === null
                ? null
                : row.commit_times.split(',').map(Number).sort(),
            ]),
          );
        const times = (...hours: number[]) =>
          hours.map(hour => Date.parse(at(hour))).sort();

        await store.upsertDeployments([
          deployment({ externalId: 'a', commits: [commit(1), commit(2)] }),
          deployment({ externalId: 'b' }),
        ]);
        await expect(commitTimes()).resolves.toEqual({
          a: times(1, 2),
          b: null,
        });

        // Known commits are kept, new ones added; a deployment reported
        // twice in one batch, stored or new, gets the commits of both.
        await store.upsertDeployments([
          deployment({ externalId: 'a', commits: [commit(2), commit(3)] }),
          deployment({ externalId: 'a', commits: [commit(4)] }),
          deployment({ externalId: 'b', commits: [commit(5)] }),
          deployment({ externalId: 'c', commits: [commit(6)] }),
          deployment({ externalId: 'c', commits: [commit(7)] }),
        ]);
        await expect(commitTimes()).resolves.toEqual({
          a: times(1, 2, 3, 4),
          b: times(5),
          c: times(6, 7),
        });
      });

      it('stores a batch larger than one statement, commits included', async () => {
        const committedAt = (k: number) =>
          new Date(Date.UTC(2026, 10, 19) + k * 1000).toISOString();
        const batch = Array.from({ length: 1000 }, (_, i) =>
          deployment({
            externalId: `run-${i}`,
            commits: Array.from({ length: 6 }, (__, k) => ({
              sha: `sha-${i}-${k}`,
              committedAt: committedAt(k),
            })),
          }),
        );
        const outcomes = await store.upsertDeployments(batch);
        expect(outcomes.filter(o => o.status === 'created')).toHaveLength(1000);
        const [{ n }] = await knex('deployment_commits').count({ n: '*' });
        expect(Number(n)).toBe(6000);
        const times = await knex('deployments').pluck('commit_times');
        expect(new Set(times)).toEqual(
          new Set([
            Array.from({ length: 6 }, (_, k) =>
              Date.parse(committedAt(k)),
            ).join(','),
          ]),
        );
        // The same batch again: every item unchanged, ids as before.
        await expect(store.upsertDeployments(batch)).resolves.toEqual(
          outcomes.map(o => ({ id: o.id, status: 'unchanged' })),
        );
      });

      it('refuses a rollbackOf that names no stored deployment, storing nothing', async () => {
        await expect(
          store.upsertDeployments([
            deployment({ externalId: 'run-9' }),
            deployment({
              externalId: 'run-10',
              kind: 'rollback',
              rollbackOfExternalId: 'missing',
            }),
          ]),
        ).rejects.toThrow(
          '[1] rollbackOf: no deployment missing from source github',
        );
        await expect(knex('deployments')).resolves.toEqual([]);
      });

      it('finds stored deployments by source and external id', async () => {
        const [a] = await store.upsertDeployments([deployment({})]);
        await expect(
          store.findDeployments('github', ['run-1', 'run-404']),
        ).resolves.toEqual([
          {
            id: a.id,
            entityRef: payments,
            environment: 'production',
            externalId: 'run-1',
          },
        ]);
        await expect(
          store.findDeployments('gitlab', ['run-1']),
        ).resolves.toEqual([]);
      });
    });

    describe('listDeployments', () => {
      it('pages newest first with a keyset cursor, across ties in the sort time', async () => {
        const reports: DeploymentUpsert[] = [];
        for (let i = 0; i < 7; i++) {
          reports.push(
            deployment({
              externalId: `run-${i}`,
              version: `1.0.${i}`,
              // Pairs of deployments start at the same second.
              startedAt: new Date(
                Date.UTC(2026, 10, 20, 10, Math.floor(i / 2)),
              ).toISOString(),
              finishedAt: undefined,
              status: 'in_progress',
            }),
          );
        }
        reports.push(
          deployment({
            externalId: 'other-env',
            environment: 'staging',
            startedAt: '2026-11-21T00:00:00.000Z',
          }),
          deployment({
            externalId: 'other-entity',
            entityRef: ledger,
            startedAt: '2026-11-21T00:00:00.000Z',
          }),
        );
        await store.upsertDeployments(reports);

        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listDeployments({
            entityRef: payments,
            environment: 'production',
            limit: 3,
            cursor,
          });
          pages++;
          seen.push(...page.items.map(d => d.version));
          cursor = page.nextCursor;
        } while (cursor);

        expect(pages).toBe(3);
        expect(seen).toHaveLength(7);
        expect(new Set(seen).size).toBe(7);
        const startTimes = (await knex('deployments')
          .where({ environment: 'production', entity_ref: payments })
          .select('version', 'sort_at')) as Array<{
          version: string;
          sort_at: string | Date;
        }>;
        const time = (v: string) =>
          new Date(startTimes.find(r => r.version === v)!.sort_at).getTime();
        for (let i = 1; i < seen.length; i++) {
          expect(time(seen[i - 1])).toBeGreaterThanOrEqual(time(seen[i]));
        }
        expect(seen.slice(0, 1)).toEqual(['1.0.6']);
      });

      it('sorts by finishedAt, then the receive time, when a deployment has no startedAt', async () => {
        await store.upsertDeployments([
          deployment({ externalId: 'a', version: 'a', startedAt: undefined }),
          deployment({
            externalId: 'b',
            version: 'b',
            startedAt: undefined,
            finishedAt: undefined,
            status: 'queued',
          }),
          deployment({
            externalId: 'c',
            version: 'c',
            startedAt: '2026-11-25T00:00:00.000Z',
          }),
        ]);
        const page = await store.listDeployments({
          entityRef: payments,
          limit: 10,
        });
        // b was received at 2026-11-26T09:00, c started on the 25th, a finished on the 20th.
        expect(page.items.map(d => d.version)).toEqual(['b', 'c', 'a']);
        expect(page).not.toHaveProperty('nextCursor');
      });

      it('filters by status and rejects a foreign cursor', async () => {
        await store.upsertDeployments([
          deployment({ externalId: 'ok' }),
          deployment({ externalId: 'bad', status: 'failed' }),
        ]);
        const failed = await store.listDeployments({
          entityRef: payments,
          status: 'failed',
          limit: 10,
        });
        expect(failed.items.map(d => d.externalId)).toEqual(['bad']);
        await expect(
          store.listDeployments({
            entityRef: payments,
            limit: 10,
            cursor: 'nope',
          }),
        ).rejects.toThrow('cursor');
      });
    });

    describe('getEnvironmentSummaries', () => {
      it('shows what runs now (latest succeeded by finishedAt) and the latest attempt per environment', async () => {
        await store.upsertDeployments([
          deployment({
            externalId: 'p1',
            version: '1.0.0',
            startedAt: '2026-11-20T10:00:00.000Z',
            finishedAt: '2026-11-20T10:05:00.000Z',
          }),
          // Started earlier but finished later: this one runs now.
          deployment({
            externalId: 'p2',
            version: '1.1.0',
            startedAt: '2026-11-20T09:00:00.000Z',
            finishedAt: '2026-11-20T11:00:00.000Z',
            commits: [{ sha: 'feed', committedAt: '2026-11-19T00:00:00.000Z' }],
          }),
          deployment({
            externalId: 'p3',
            version: '1.2.0',
            status: 'failed',
            startedAt: '2026-11-21T10:00:00.000Z',
            finishedAt: '2026-11-21T10:01:00.000Z',
          }),
          deployment({
            externalId: 's1',
            environment: 'staging',
            version: '1.3.0',
            status: 'in_progress',
            startedAt: '2026-11-22T10:00:00.000Z',
            finishedAt: undefined,
          }),
          deployment({
            externalId: 'l1',
            entityRef: ledger,
            environment: 'qa',
          }),
        ]);

        const summaries = await store.getEnvironmentSummaries(payments);
        expect(summaries.map(s => s.environment)).toEqual([
          'production',
          'staging',
        ]);
        expect(summaries[0].current).toMatchObject({
          version: '1.1.0',
          commits: [{ sha: 'feed', committedAt: '2026-11-19T00:00:00.000Z' }],
        });
        expect(summaries[0].latest).toMatchObject({
          version: '1.2.0',
          status: 'failed',
        });
        expect(summaries[1]).not.toHaveProperty('current');
        expect(summaries[1].latest).toMatchObject({ version: '1.3.0' });
        await expect(
          store.getEnvironmentSummaries('component:default/none'),
        ).resolves.toEqual([]);
      });
    });

    describe('incidents', () => {
      it('upserts by (source, externalId) and keeps a resolved incident resolved', async () => {
        const [created] = await store.upsertIncidents([incident({})]);
        expect(created.status).toBe('created');
        await expect(
          store.upsertIncidents([
            incident({ resolvedAt: '2026-11-20T11:30:00.000Z' }),
          ]),
        ).resolves.toEqual([{ id: created.id, status: 'updated' }]);
        // A late "firing" report without resolvedAt.
        await expect(store.upsertIncidents([incident({})])).resolves.toEqual([
          { id: created.id, status: 'unchanged' },
        ]);
        const { items } = await store.listIncidents({
          entityRef: payments,
          limit: 10,
        });
        expect(items).toEqual([
          {
            id: created.id,
            entityRef: payments,
            source: 'pagerduty',
            externalId: 'P1',
            severity: 'critical',
            title: 'Checkout errors',
            environment: 'production',
            startedAt: '2026-11-20T11:00:00.000Z',
            resolvedAt: '2026-11-20T11:30:00.000Z',
          },
        ]);
      });

      it('reopens a resolved incident on a newer open report, never on an older one', async () => {
        const resolvedAt = (externalId = 'P1') =>
          store
            .listIncidents({ entityRef: payments, limit: 10 })
            .then(
              page =>
                page.items.find(i => i.externalId === externalId)?.resolvedAt,
            );
        const triggered = incident({ reportedAt: '2026-11-20T11:00:00.000Z' });
        const [created] = await store.upsertIncidents([triggered]);
        const resolved = incident({
          resolvedAt: '2026-11-20T11:30:00.000Z',
          reportedAt: '2026-11-20T11:30:00.000Z',
        });
        await expect(store.upsertIncidents([resolved])).resolves.toEqual([
          { id: created.id, status: 'updated' },
        ]);

        // A late redelivery of the older "triggered": still resolved.
        await expect(store.upsertIncidents([triggered])).resolves.toEqual([
          { id: created.id, status: 'unchanged' },
        ]);
        expect(await resolvedAt()).toBe('2026-11-20T11:30:00.000Z');

        // incident.reopened (or a new triggered) after the resolution.
        const reopened = incident({ reportedAt: '2026-11-20T11:45:00.000Z' });
        await expect(store.upsertIncidents([reopened])).resolves.toEqual([
          { id: created.id, status: 'updated' },
        ]);
        expect(await resolvedAt()).toBeUndefined();
        // Its redelivery, and the older resolution arriving late: open.
        await expect(
          store.upsertIncidents([reopened, resolved]),
        ).resolves.toEqual([
          { id: created.id, status: 'unchanged' },
          { id: created.id, status: 'unchanged' },
        ]);
        expect(await resolvedAt()).toBeUndefined();

        // Resolved again, later: the new resolution counts.
        await store.upsertIncidents([
          incident({
            resolvedAt: '2026-11-20T12:10:00.000Z',
            reportedAt: '2026-11-20T12:10:00.000Z',
          }),
        ]);
        expect(await resolvedAt()).toBe('2026-11-20T12:10:00.000Z');

        // A row stored without reportedAt counts as observed when resolved.
        await store.upsertIncidents([
          incident({
            externalId: 'P2',
            resolvedAt: '2026-11-20T11:30:00.000Z',
          }),
        ]);
        await store.upsertIncidents([
          incident({
            externalId: 'P2',
            reportedAt: '2026-11-20T11:10:00.000Z',
          }),
        ]);
        expect(await resolvedAt('P2')).toBe('2026-11-20T11:30:00.000Z');
        await store.upsertIncidents([
          incident({
            externalId: 'P2',
            reportedAt: '2026-11-20T11:31:00.000Z',
          }),
        ]);
        expect(await resolvedAt('P2')).toBeUndefined();
      });

      it('lists newest first, filtered by environment and since, with a cursor', async () => {
        await store.upsertIncidents([
          incident({ externalId: 'a', startedAt: '2026-11-01T00:00:00.000Z' }),
          incident({ externalId: 'b', startedAt: '2026-11-10T00:00:00.000Z' }),
          incident({ externalId: 'c', startedAt: '2026-11-10T00:00:00.000Z' }),
          incident({ externalId: 'd', startedAt: '2026-11-15T00:00:00.000Z' }),
          incident({
            externalId: 'e',
            environment: 'staging',
            startedAt: '2026-11-16T00:00:00.000Z',
          }),
        ]);
        const first = await store.listIncidents({
          entityRef: payments,
          environment: 'production',
          since: '2026-11-05T00:00:00.000Z',
          limit: 2,
        });
        expect(first.items.map(i => i.externalId)[0]).toBe('d');
        expect(first.nextCursor).toBeDefined();
        const second = await store.listIncidents({
          entityRef: payments,
          environment: 'production',
          since: '2026-11-05T00:00:00.000Z',
          limit: 2,
          cursor: first.nextCursor,
        });
        expect(
          [...first.items, ...second.items].map(i => i.externalId).sort(),
        ).toEqual(['b', 'c', 'd']);
        expect(second).not.toHaveProperty('nextCursor');
      });
    });

    describe('provider sync state', () => {
      it('stores cursors, successes and errors per provider and entity', async () => {
        await expect(
          store.getCursor('github', payments),
        ).resolves.toBeUndefined();

        await store.recordSyncSuccess({
          providerId: 'github',
          entityRef: 'Component:default/Payments',
          cursor: 'page-2',
        });
        clock = new Date('2026-11-26T09:10:00.000Z');
        await store.recordSyncError({
          providerId: 'github',
          entityRef: payments,
          error: 'HTTP 502 from api.github.com',
        });
        await store.recordSyncSuccess({
          providerId: 'argocd',
          entityRef: payments,
        });
        await store.setCursor('argocd', payments, 'rev-7');

        await expect(store.getCursor('github', payments)).resolves.toBe(
          'page-2',
        );
        await expect(store.getCursor('argocd', payments)).resolves.toBe(
          'rev-7',
        );
        await expect(
          store.getCursor('github', ledger),
        ).resolves.toBeUndefined();
        await expect(store.getSyncStates(payments)).resolves.toEqual([
          {
            providerId: 'argocd',
            entityRef: payments,
            lastSuccessAt: '2026-11-26T09:10:00.000Z',
          },
          {
            providerId: 'github',
            entityRef: payments,
            lastSuccessAt: '2026-11-26T09:00:00.000Z',
            lastErrorAt: '2026-11-26T09:10:00.000Z',
            lastError: 'HTTP 502 from api.github.com',
          },
        ]);
      });
    });

    if (databaseId === 'POSTGRES_15') {
      it('keeps exactly one row with a consistent status under 20 concurrent upserts of one deployment', async () => {
        const statuses = ['queued', 'in_progress', 'succeeded'] as const;
        const reports = Array.from({ length: 20 }, (_, i) =>
          deployment({
            status: statuses[i % 3],
            finishedAt:
              statuses[i % 3] === 'succeeded'
                ? '2026-11-20T10:05:00.000Z'
                : undefined,
            commits: [
              {
                sha: `c${i % 4}`,
                committedAt: `2026-11-19T0${i % 4}:00:00.000Z`,
              },
            ],
          }),
        );
        const outcomes = await Promise.all(
          reports.map(report => store.upsertDeployments([report])),
        );
        const flat = outcomes.flat();
        expect(flat.filter(o => o.status === 'created')).toHaveLength(1);
        expect(new Set(flat.map(o => o.id)).size).toBe(1);
        const rows = await knex('deployments');
        expect(rows).toHaveLength(1);
        expect(rows[0].status).toBe('succeeded');
        expect(rows[0].id).toBe(flat[0].id);
        const commits = await knex('deployment_commits');
        expect(commits.map(c => c.sha).sort()).toEqual([
          'c0',
          'c1',
          'c2',
          'c3',
        ]);
        // The lead-time samples follow every commit, whichever report won.
        expect(rows[0].commit_times.split(',').map(Number).sort()).toEqual(
          [0, 1, 2, 3].map(hour =>
            Date.parse(`2026-11-19T0${hour}:00:00.000Z`),
          ),
        );
      });
    }
  },
);

import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { DeploymentUpsert } from '../deployments/DeploymentStore';
import { DatabaseRollbackStore } from './DatabaseRollbackStore';
import { NewRollback } from './RollbackStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const payments = 'component:default/payments';

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

describe.each(databases.eachSupportedId())(
  'DatabaseRollbackStore (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseRollbackStore;
    let deployments: DatabaseDeploymentStore;
    let clock: Date;
    let currentId: string;
    let targetId: string;

    function rollback(overrides: Partial<NewRollback> = {}): NewRollback {
      return {
        entityRef: payments,
        environment: 'production',
        state: 'pending',
        fromDeploymentId: currentId,
        fromVersion: '1.1.0',
        targetDeploymentId: targetId,
        targetVersion: '1.0.0',
        reason: 'errors after 1.1.0',
        initiator: 'user:default/alice',
        automated: false,
        provider: 'github',
        confirmedMigrationRollback: false,
        idempotencyKey: 'key-1',
        requestFingerprint: 'f'.repeat(64),
        ...overrides,
      };
    }

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      store = await DatabaseRollbackStore.create({
        database,
        now: () => clock,
      });
      deployments = await DatabaseDeploymentStore.create({
        database,
        now: () => clock,
      });
    });

    beforeEach(async () => {
      clock = new Date('2026-11-26T09:00:00.000Z');
      await knex('rollbacks').del();
      await knex('deployment_commits').del();
      await knex('deployments').del();
      await knex('incidents').del();
      [{ id: targetId }, { id: currentId }] =
        await deployments.upsertDeployments([
          deployment({ externalId: 'run-1', version: '1.0.0' }),
          deployment({
            externalId: 'run-2',
            version: '1.1.0',
            startedAt: '2026-11-21T10:00:00.000Z',
            finishedAt: '2026-11-21T10:05:00.000Z',
          }),
        ]);
    });

    it('stores a pending rollback that holds the lock and reads it back', async () => {
      const result = await store.insertRollback(rollback());
      expect(result.inserted).toBe(true);
      const inserted = result.inserted ? result.rollback : undefined;
      expect(inserted).toEqual(
        expect.objectContaining({
          entityRef: payments,
          state: 'pending',
          targetDeploymentId: targetId,
          automated: false,
          confirmedMigrationRollback: false,
          createdAt: '2026-11-26T09:00:00.000Z',
          idempotencyKey: 'key-1',
        }),
      );
      expect(inserted).not.toHaveProperty('finishedAt');
      expect(await store.findActive(payments, 'production')).toEqual(inserted);
      expect(await store.findActive(payments, 'staging')).toBeUndefined();
      expect(await store.findByIdempotencyKey(payments, 'key-1')).toEqual(
        inserted,
      );
    });

    it('refuses a second rollback with the same idempotency key', async () => {
      expect(
        (await store.insertRollback(rollback({ state: 'failed' }))).inserted,
      ).toBe(true);
      expect((await store.insertRollback(rollback())).inserted).toBe(false);
      expect(await knex('rollbacks')).toHaveLength(1);
      // Another entity may use the same key.
      const [ledgerCurrent] = await deployments.upsertDeployments([
        deployment({ entityRef: 'component:default/ledger' }),
      ]);
      expect(
        (
          await store.insertRollback(
            rollback({
              entityRef: 'component:default/ledger',
              fromDeploymentId: ledgerCurrent.id,
            }),
          )
        ).inserted,
      ).toBe(true);
    });

    it('allows one active rollback per entity and environment', async () => {
      expect((await store.insertRollback(rollback())).inserted).toBe(true);
      expect(
        (await store.insertRollback(rollback({ idempotencyKey: 'key-2' })))
          .inserted,
      ).toBe(false);
      // Other environments, and finished or dry-run rollbacks, are free.
      // (A deployment belongs to one environment.)
      const [stagingCurrent] = await deployments.upsertDeployments([
        deployment({ environment: 'staging', externalId: 'run-s' }),
      ]);
      expect(
        (
          await store.insertRollback(
            rollback({
              idempotencyKey: 'key-3',
              environment: 'staging',
              fromDeploymentId: stagingCurrent.id,
            }),
          )
        ).inserted,
      ).toBe(true);
      expect(
        (
          await store.insertRollback(
            rollback({ idempotencyKey: 'key-4', state: 'dry-run' }),
          )
        ).inserted,
      ).toBe(true);
    });

    it('allows one effective rollback away from a deployment; a failed one frees it', async () => {
      const first = await store.insertRollback(rollback());
      expect(first.inserted).toBe(true);
      const firstId = first.inserted ? first.rollback.id : '';
      // The first one ends: the lock is free, the deployment is not.
      await store.markFailed(firstId, 'provider refused');
      const retry = await store.insertRollback(
        rollback({ idempotencyKey: 'key-2' }),
      );
      expect(retry.inserted).toBe(true);
      const retryId = retry.inserted ? retry.rollback.id : '';
      await knex('rollbacks')
        .where({ id: retryId })
        .update({ state: 'succeeded', active_lock: null });
      // A plan computed before the retry succeeded: refused by the database.
      expect(
        (await store.insertRollback(rollback({ idempotencyKey: 'key-3' })))
          .inserted,
      ).toBe(false);
      expect((await store.findMovedFrom(currentId))?.id).toBe(retryId);
      // Recording what would be done (dry-run) is not moving away.
      expect(
        (
          await store.insertRollback(
            rollback({ idempotencyKey: 'key-4', state: 'dry-run' }),
          )
        ).inserted,
      ).toBe(true);
    });

    it('inserts a pending rollback only from the current deployment', async () => {
      // Another deploy (or a rollback's run) is current now: the plan that
      // would roll back from run-2 is stale and nothing is written.
      const [newer] = await deployments.upsertDeployments([
        deployment({
          externalId: 'run-3',
          version: '1.2.0',
          startedAt: '2026-11-22T10:00:00.000Z',
          finishedAt: '2026-11-22T10:05:00.000Z',
        }),
      ]);
      expect(await store.insertRollback(rollback())).toEqual({
        inserted: false,
        stale: { current: { id: newer.id, version: '1.2.0' } },
      });
      // A deployment still running is not current yet.
      await deployments.upsertDeployments([
        deployment({
          externalId: 'run-4',
          version: '1.3.0',
          status: 'in_progress',
          startedAt: '2026-11-23T10:00:00.000Z',
          finishedAt: undefined,
        }),
      ]);
      const fromNewer = await store.insertRollback(
        rollback({ fromDeploymentId: newer.id, fromVersion: '1.2.0' }),
      );
      expect(fromNewer.inserted).toBe(true);
      // Refusals and dry runs execute nothing: recorded whatever is current.
      expect(
        (
          await store.insertRollback(
            rollback({ idempotencyKey: 'key-2', state: 'failed' }),
          )
        ).inserted,
      ).toBe(true);
      expect(await knex('rollbacks')).toHaveLength(2);
    });

    it('keeps the first recorded answer of a rollback', async () => {
      const result = await store.insertRollback(rollback());
      if (!result.inserted) throw new Error('not inserted');
      const { id } = result.rollback;
      // Still running: no answer yet.
      expect(await store.getAnswer(id)).toBeUndefined();
      await store.recordAnswer(id, {
        error: { name: 'RollbackProviderError', message: 'CI answered 503' },
      });
      await store.recordAnswer(id, {});
      expect(await store.getAnswer(id)).toEqual({
        error: { name: 'RollbackProviderError', message: 'CI answered 503' },
      });
      // Recorded in its final state, a rollback is its own answer.
      const dryRun = await store.insertRollback(
        rollback({ idempotencyKey: 'key-2', state: 'dry-run' }),
      );
      if (!dryRun.inserted) throw new Error('not inserted');
      expect(await store.getAnswer(dryRun.rollback.id)).toEqual({});
    });

    it('allows one automated rollback per deployment', async () => {
      const automated = rollback({
        automated: true,
        initiator: 'release-coordinator:automation',
        incidentId: 'incident-1',
        automatedForDeploymentId: currentId,
        state: 'dry-run',
      });
      expect((await store.insertRollback(automated)).inserted).toBe(true);
      expect(
        (await store.insertRollback({ ...automated, idempotencyKey: 'key-2' }))
          .inserted,
      ).toBe(false);
      expect(await store.findAutomatedFor(currentId)).toEqual(
        expect.objectContaining({ automated: true, incidentId: 'incident-1' }),
      );
      // Manual rollbacks are not limited by it.
      expect(
        (await store.insertRollback(rollback({ idempotencyKey: 'key-3' })))
          .inserted,
      ).toBe(true);
    });

    it('lets exactly one of many concurrent inserts take the lock', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.insertRollback(rollback({ idempotencyKey: `key-${i % 7}` })),
        ),
      );
      expect(results.filter(r => r.inserted)).toHaveLength(1);
      expect(await knex('rollbacks')).toHaveLength(1);
    });

    it('records the provider run and the rollback state in one transaction', async () => {
      const result = await store.insertRollback(rollback());
      if (!result.inserted) throw new Error('not inserted');
      clock = new Date('2026-11-26T09:00:05.000Z');
      const running = await store.recordExecution(result.rollback.id, {
        ...deployment({
          externalId: 'rollback-run-9',
          kind: 'rollback',
          status: 'in_progress',
          startedAt: '2026-11-26T09:00:04.000Z',
          finishedAt: undefined,
          url: 'https://github.example/runs/9',
        }),
        rollbackOfExternalId: 'run-2',
      });
      expect(running).toEqual(
        expect.objectContaining({
          state: 'running',
          deploymentId: expect.any(String),
          url: 'https://github.example/runs/9',
          updatedAt: '2026-11-26T09:00:05.000Z',
        }),
      );
      const [stored] = await deployments.findDeployments('github', [
        'rollback-run-9',
      ]);
      expect(stored.id).toBe(running.deploymentId);
      const page = await deployments.listDeployments({
        entityRef: payments,
        limit: 10,
      });
      expect(page.items[0]).toEqual(
        expect.objectContaining({
          kind: 'rollback',
          rollbackOf: currentId,
          rollbackRequest: {
            id: running.id,
            reason: 'errors after 1.1.0',
            initiator: 'user:default/alice',
            automated: false,
          },
        }),
      );
      // Still holds the lock while running.
      expect((await store.findActive(payments, 'production'))?.id).toBe(
        running.id,
      );

      // The deployment finishing settles the rollback once.
      await deployments.upsertDeployments([
        deployment({
          externalId: 'rollback-run-9',
          kind: 'rollback',
          version: '1.0.0',
          status: 'succeeded',
          startedAt: '2026-11-26T09:00:04.000Z',
          finishedAt: '2026-11-26T09:03:00.000Z',
        }),
      ]);
      const settled = await store.settleFromDeployments([
        running.deploymentId!,
      ]);
      expect(settled).toEqual([
        expect.objectContaining({ id: running.id, state: 'succeeded' }),
      ]);
      expect(
        await store.settleFromDeployments([running.deploymentId!]),
      ).toEqual([]);
      expect(await store.findActive(payments, 'production')).toBeUndefined();
    });

    it('moves straight to a final state when the run already finished', async () => {
      const result = await store.insertRollback(rollback());
      if (!result.inserted) throw new Error('not inserted');
      const done = await store.recordExecution(result.rollback.id, {
        ...deployment({
          externalId: 'rollback-run-10',
          kind: 'rollback',
          status: 'failed',
          startedAt: '2026-11-26T09:00:00.000Z',
          finishedAt: '2026-11-26T09:00:00.000Z',
        }),
      });
      expect(done.state).toBe('failed');
      expect(done.finishedAt).toBe('2026-11-26T09:00:00.000Z');
      expect(await store.findActive(payments, 'production')).toBeUndefined();
    });

    it('marks a rollback failed and releases the lock', async () => {
      const result = await store.insertRollback(rollback());
      if (!result.inserted) throw new Error('not inserted');
      const failed = await store.markFailed(result.rollback.id, 'HTTP 500');
      expect(failed).toEqual(
        expect.objectContaining({ state: 'failed', error: 'HTTP 500' }),
      );
      expect(
        (await store.insertRollback(rollback({ idempotencyKey: 'key-2' })))
          .inserted,
      ).toBe(true);
    });

    it('expires only a rollback created before the cutoff', async () => {
      const result = await store.insertRollback(rollback());
      if (!result.inserted) throw new Error('not inserted');
      expect(
        await store.expireStale({
          entityRef: payments,
          environment: 'production',
          createdBefore: new Date('2026-11-26T09:00:00.000Z'),
          error: 'timed out',
        }),
      ).toBeUndefined();
      const expired = await store.expireStale({
        entityRef: payments,
        environment: 'production',
        createdBefore: new Date('2026-11-26T09:00:00.001Z'),
        error: 'timed out',
      });
      expect(expired).toEqual(
        expect.objectContaining({
          id: result.rollback.id,
          state: 'failed',
          error: 'timed out',
        }),
      );
      expect(await store.findActive(payments, 'production')).toBeUndefined();
    });

    it('lists rollbacks newest first with a keyset cursor', async () => {
      for (let i = 0; i < 5; i++) {
        clock = new Date(Date.parse('2026-11-26T09:00:00.000Z') + i * 1000);
        await store.insertRollback(
          rollback({
            idempotencyKey: `key-${i}`,
            state: 'failed',
            environment: i % 2 === 0 ? 'production' : 'staging',
          }),
        );
      }
      const first = await store.listRollbacks({
        entityRef: payments,
        limit: 2,
      });
      expect(first.items.map(r => r.createdAt)).toEqual([
        '2026-11-26T09:00:04.000Z',
        '2026-11-26T09:00:03.000Z',
      ]);
      expect(first.items[0]).not.toHaveProperty('idempotencyKey');
      const second = await store.listRollbacks({
        entityRef: payments,
        limit: 2,
        cursor: first.nextCursor,
      });
      expect(second.items.map(r => r.createdAt)).toEqual([
        '2026-11-26T09:00:02.000Z',
        '2026-11-26T09:00:01.000Z',
      ]);
      const third = await store.listRollbacks({
        entityRef: payments,
        limit: 2,
        cursor: second.nextCursor,
      });
      expect(third.items).toHaveLength(1);
      expect(third.nextCursor).toBeUndefined();
      const production = await store.listRollbacks({
        entityRef: payments,
        environment: 'production',
        limit: 10,
      });
      expect(production.items).toHaveLength(3);
    });

    it('reads succeeded deployments latest first and critical incidents of the environment', async () => {
      await deployments.upsertDeployments([
        deployment({
          externalId: 'run-3',
          version: '1.2.0',
          status: 'failed',
          startedAt: '2026-11-22T10:00:00.000Z',
          finishedAt: '2026-11-22T10:05:00.000Z',
        }),
      ]);
      await deployments.upsertIncidents([
        {
          entityRef: payments,
          source: 'pd',
          externalId: 'A',
          severity: 'critical',
          title: 'down',
          startedAt: '2026-11-21T11:00:00.000Z',
        },
        {
          entityRef: payments,
          source: 'pd',
          externalId: 'B',
          severity: 'major',
          title: 'slow',
          environment: 'production',
          startedAt: '2026-11-21T11:00:00.000Z',
        },
        {
          entityRef: payments,
          source: 'pd',
          externalId: 'C',
          severity: 'critical',
          title: 'staging down',
          environment: 'staging',
          startedAt: '2026-11-21T11:00:00.000Z',
        },
      ]);
      const succeeded = await store.listSucceededDeployments({
        entityRef: payments,
        environment: 'production',
        limit: 10,
      });
      expect(succeeded.map(d => d.version)).toEqual(['1.1.0', '1.0.0']);
      expect(
        (
          await store.listCriticalIncidents({
            entityRef: payments,
            environment: 'production',
          })
        ).map(i => i.startedAt),
      ).toEqual(['2026-11-21T11:00:00.000Z']);
      expect(
        await store.listCriticalIncidents({
          entityRef: payments,
          environment: 'staging',
        }),
      ).toHaveLength(1);
      expect((await store.getDeployment(targetId))?.version).toBe('1.0.0');
      expect(await store.getDeployment('nope')).toBeUndefined();
    });
  },
);

import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DeploymentInput,
  Rollback,
} from '@release-coordinator/backstage-plugin-common';
import knexFactory, { Knex } from 'knex';
import { DatabaseReleaseStore } from '../database/DatabaseReleaseStore';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { DeploymentService } from '../deployments/DeploymentService';
import { payments, recordingAuditor } from '../releases/__testUtils__/fixtures';
import { DatabaseRollbackStore } from './DatabaseRollbackStore';
import { RollbackEvents } from './RollbackEvents';
import { RollbackService, StartRollbackOptions } from './RollbackService';
import { RollbackStore } from './RollbackStore';
import { ScriptedRollbackProvider } from './__testUtils__/rollbackFixtures';

/*
 * Two replicas on one database (issue 15): two independent service
 * instances, each with its own knex pool, on the same PostgreSQL database,
 * and one CI system behind the provider. On SQLite both instances share
 * the one connection (SQLite serialises writers; better-sqlite3 waits for a
 * lock synchronously, so two connections in one process would block each
 * other's event loop). The
 * start of a rollback is decided in the database: only from the deployment
 * that is current when the row is inserted, and a retry with the same
 * Idempotency-Key gets the first request's answer.
 */

jest.setTimeout(120_000);

const databases = createTestDatabases();
const paymentsRef = 'component:default/payments';

function deployment(
  day: number,
  version: string,
  overrides: Partial<DeploymentInput> = {},
): DeploymentInput {
  return {
    entityRef: paymentsRef,
    environment: 'production',
    source: 'ci',
    externalId: `run-${day}`,
    version,
    kind: 'deploy',
    status: 'succeeded',
    startedAt: `2026-11-${day}T10:00:00.000Z`,
    finishedAt: `2026-11-${day}T10:05:00.000Z`,
    commits: [],
    ...overrides,
  };
}

/** What a start answered: the rollback, or the error's status and text. */
type Answer =
  | { status: 202; rollback: Rollback }
  | { status: number; name: string; message: string };

async function answerOf(started: Promise<Rollback>): Promise<Answer> {
  try {
    return { status: 202, rollback: await started };
  } catch (error) {
    const e = error as Error & { statusCode?: number };
    const status = e.name === 'ConflictError' ? 409 : e.statusCode ?? 500;
    return { status, name: e.name, message: e.message };
  }
}

describe.each(databases.eachSupportedId())(
  'rollbacks over two replicas (%s)',
  (databaseId: TestDatabaseId) => {
    let knexA: Knex;
    let knexB: Knex;
    let provider: ScriptedRollbackProvider;

    beforeEach(async () => {
      provider = new ScriptedRollbackProvider('ci');
      if (databaseId === 'POSTGRES_15') {
        knexA = await databases.init(databaseId);
        knexB = knexFactory({
          client: 'pg',
          connection: knexA.client.config.connection,
          pool: { min: 0, max: 10 },
        });
      } else {
        knexA = await databases.init(databaseId);
        knexB = knexA;
      }
    });

    afterEach(async () => {
      if (knexB !== knexA) await knexB.destroy();
    });

    /** One replica: its own pool, stores and services. */
    async function replica(
      knex: Knex,
      wrapStore: (store: RollbackStore) => RollbackStore = s => s,
    ) {
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      const releases = await DatabaseReleaseStore.create({ database });
      const catalog = catalogServiceMock({ entities: [payments] });
      const auth = mockServices.auth();
      const deployments = new DeploymentService({
        store: await DatabaseDeploymentStore.create({ database }),
        catalog,
        auth,
      });
      const rollbacks = new RollbackService({
        store: wrapStore(await DatabaseRollbackStore.create({ database })),
        releases,
        catalog,
        auth,
        deploymentProviders: [provider],
        environments: ['production'],
        settings: { staleAfter: { minutes: 30 } },
        events: new RollbackEvents({
          auditor: recordingAuditor(),
          auditTrail: releases,
        }),
      });
      deployments.addChangeListener(rollbacks.onDeploymentsChanged);
      return { deployments, rollbacks };
    }

    /** Both replicas, one after the other as they start: the first migrates. */
    async function replicas() {
      const a = await replica(knexA);
      const b = await replica(knexB);
      return [a, b];
    }

    function request(
      overrides: Partial<StartRollbackOptions> = {},
    ): StartRollbackOptions {
      return {
        entityRef: paymentsRef,
        environment: 'production',
        reason: 'checkout errors after 1.2.0',
        idempotencyKey: 'key-1',
        initiator: 'user:default/alice',
        ...overrides,
      };
    }

    async function seedThree(service: DeploymentService) {
      await service.ingestDeployments([
        deployment(20, '1.0.0'),
        deployment(21, '1.1.0'),
        deployment(22, '1.2.0'),
      ]);
      const [current] = await knexA('deployments')
        .where({ external_id: 'run-22' })
        .select('id');
      return current.id as string;
    }

    it('starts one of 50 concurrent rollbacks with distinct keys; the others 409 naming it', async () => {
      const [a, b] = await replicas();
      const current = await seedThree(a.deployments);
      provider.answer = { status: 'in_progress' };

      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          answerOf(
            [a, b][i % 2].rollbacks.start(
              request({ idempotencyKey: `distinct-${i}` }),
            ),
          ),
        ),
      );

      const rows = await knexA('rollbacks').select('id', 'from_deployment_id');
      expect(rows).toEqual([
        { id: expect.any(String), from_deployment_id: current },
      ]);
      const [winner] = rows;
      expect(provider.calls).toHaveLength(1);
      const accepted = answers.filter(x => x.status === 202);
      expect(accepted).toHaveLength(1);
      const refused = answers.filter(x => x.status !== 202);
      expect(refused).toHaveLength(49);
      for (const answer of refused) {
        expect(answer).toMatchObject({
          status: 409,
          message: expect.stringContaining(`rollback ${winner.id} by`),
        });
      }
    });

    it('never starts from a deployment that is no longer current, even when every rollback finishes at once', async () => {
      // Each run succeeds at once, so the lock is free again right away and
      // requests planned before a rollback finished insert after it.
      const [a, b] = await replicas();
      const current = await seedThree(a.deployments);
      provider.answer = { status: 'succeeded' };

      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          answerOf(
            [a, b][i % 2].rollbacks.start(
              request({ idempotencyKey: `distinct-${i}` }),
            ),
          ),
        ),
      );
      expect(answers.filter(x => x.status !== 202 && x.status !== 409)).toEqual(
        [],
      );

      const rows: Array<{
        id: string;
        state: string;
        from_deployment_id: string;
        deployment_id: string;
      }> = await knexA('rollbacks').select(
        'id',
        'state',
        'from_deployment_id',
        'deployment_id',
      );
      // One rollback per from-deployment, each from what was current when
      // it was inserted: the first from the seeded deployment, every later
      // one from the run the previous rollback recorded.
      const froms = rows.map(row => row.from_deployment_id);
      expect(new Set(froms).size).toBe(froms.length);
      const byFrom = new Map(rows.map(row => [row.from_deployment_id, row]));
      let chained = 0;
      for (
        let row = byFrom.get(current);
        row;
        row = byFrom.get(row.deployment_id)
      ) {
        chained++;
      }
      expect(rows.length).toBeGreaterThan(0);
      expect(chained).toBe(rows.length);
      expect(rows.every(row => row.state === 'succeeded')).toBe(true);
      expect(provider.calls).toHaveLength(rows.length);
      expect(answers.filter(x => x.status === 202)).toHaveLength(rows.length);
      // A refusal names the rollback that holds or moved the environment,
      // or (planned after the last one) why there is nothing to roll back to.
      const ids = new Set(rows.map(row => row.id));
      const unexplained = answers.flatMap(answer => {
        if (answer.status !== 409 || !('message' in answer)) return [];
        const named = /rollback ([0-9a-f-]{36}) by/.exec(answer.message);
        const explained = named
          ? ids.has(named[1])
          : answer.message.startsWith('Cannot roll back ');
        return explained ? [] : [answer.message];
      });
      expect(unexplained).toEqual([]);
    });

    it('answers 20 concurrent retries with one key over both replicas exactly as the first', async () => {
      const [a, b] = await replicas();
      await seedThree(a.deployments);
      provider.answer = { status: 'in_progress' };
      // A slow CI: the retries arrive while the first request still runs.
      provider.beforeAnswer = () => new Promise(r => setTimeout(r, 300));

      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          answerOf([a, b][i % 2].rollbacks.start(request())),
        ),
      );

      expect(provider.calls).toHaveLength(1);
      expect(await knexA('rollbacks')).toHaveLength(1);
      expect(answers[0]).toMatchObject({
        status: 202,
        rollback: { state: 'running' },
      });
      for (const answer of answers) {
        expect(answer).toEqual(answers[0]);
      }
      // And later, on either replica, still the same answer.
      expect(await answerOf(b.rollbacks.start(request()))).toEqual(answers[0]);
    });

    it('answers same-key retries of a rollback the provider failed with the same 502', async () => {
      const [a, b] = await replicas();
      await seedThree(a.deployments);
      provider.answer = { error: 'CI answered 503' };
      provider.beforeAnswer = () => new Promise(r => setTimeout(r, 300));

      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          answerOf([a, b][i % 2].rollbacks.start(request())),
        ),
      );

      expect(provider.calls).toHaveLength(1);
      expect(answers[0]).toEqual({
        status: 502,
        name: 'RollbackProviderError',
        message: 'ci could not start the rollback: CI answered 503',
      });
      for (const answer of answers) {
        expect(answer).toEqual(answers[0]);
      }
      // A new key is a new request: the failed rollback freed the lock.
      provider.answer = { status: 'in_progress' };
      expect(
        await answerOf(b.rollbacks.start(request({ idempotencyKey: 'key-2' }))),
      ).toMatchObject({ status: 202, rollback: { state: 'running' } });
      expect(provider.calls).toHaveLength(2);
    });

    /**
     * Replica B, whose first plan read is held until it is let go: its
     * request is planned before what the test does meanwhile.
     */
    async function heldReplica() {
      let release: () => void = () => {};
      const held = new Promise<void>(resolve => {
        release = resolve;
      });
      let planReads = 0;
      const b = await replica(knexB, store =>
        Object.assign(Object.create(store), {
          listSucceededDeployments: async (
            ...args: Parameters<RollbackStore['listSucceededDeployments']>
          ) => {
            const first = planReads++ === 0;
            const result = await store.listSucceededDeployments(...args);
            if (first) await held;
            return result;
          },
        }),
      );
      return {
        ...b,
        release,
        planned: async () => {
          while (planReads === 0) await new Promise(r => setTimeout(r, 5));
        },
      };
    }

    it('refuses a rollback planned before another one completed, naming it', async () => {
      const a = await replica(knexA);
      const b = await heldReplica();
      await seedThree(a.deployments);
      provider.answer = { status: 'in_progress' };

      const stale = answerOf(
        b.rollbacks.start(request({ idempotencyKey: 'b' })),
      );
      await b.planned();
      // Meanwhile replica A rolls back, and the run is reported finished.
      const first = await a.rollbacks.start(request({ idempotencyKey: 'a' }));
      expect(first.state).toBe('running');
      await a.deployments.ingestDeployments([
        {
          ...deployment(26, '1.1.0', { kind: 'rollback' }),
          externalId: 'rollback-a',
          startedAt: '2026-11-26T10:00:00.000Z',
          finishedAt: '2026-11-26T10:02:00.000Z',
        },
      ]);
      expect((await a.rollbacks.getRollback(first.id)).state).toBe('succeeded');
      b.release();

      expect(await stale).toEqual({
        status: 409,
        name: 'ConflictError',
        message: `${paymentsRef} in production no longer runs 1.2.0: rollback ${first.id} by user:default/alice (succeeded) already moved it to version 1.1.0; look at the environment again before rolling back`,
      });
      expect(provider.calls).toHaveLength(1);
      expect(await knexA('rollbacks')).toHaveLength(1);
    });

    it('refuses a rollback planned before a deploy moved the environment', async () => {
      const a = await replica(knexA);
      const b = await heldReplica();
      await seedThree(a.deployments);
      provider.answer = { status: 'in_progress' };

      const stale = answerOf(
        b.rollbacks.start(request({ idempotencyKey: 'b' })),
      );
      await b.planned();
      // Meanwhile a new version is deployed: rolling back "1.2.0" to 1.1.0
      // now would undo 1.3.0 instead.
      await a.deployments.ingestDeployments([deployment(23, '1.3.0')]);
      const [newer] = await knexA('deployments')
        .where({ external_id: 'run-23' })
        .select('id');
      b.release();

      expect(await stale).toEqual({
        status: 409,
        name: 'ConflictError',
        message: `${paymentsRef} in production no longer runs 1.2.0: it runs version 1.3.0 (deployment ${newer.id}) now; look at the environment again before rolling back`,
      });
      expect(provider.calls).toHaveLength(0);
      expect(await knexA('rollbacks')).toHaveLength(0);
      // Planned now, it rolls back what runs.
      const fresh = await a.rollbacks.start(request({ idempotencyKey: 'c' }));
      expect(fresh).toMatchObject({
        fromVersion: '1.3.0',
        targetVersion: '1.2.0',
      });
    });
  },
);

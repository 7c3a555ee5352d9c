import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AUTOMATION_ACTOR,
  DeploymentInput,
  ReleasePlan,
  ReleaseState,
} from '@release-coordinator/backstage-plugin-common';
import { DeploymentProvider } from '@release-coordinator/backstage-plugin-node';
import { Knex } from 'knex';
import { DatabaseReleaseStore } from '../database/DatabaseReleaseStore';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { DeploymentService } from '../deployments/DeploymentService';
import {
  migrationPlan,
  payments,
  paymentsRef,
  recordingAuditor,
  simplePlan,
} from '../releases/__testUtils__/fixtures';
import { DatabaseRollbackStore } from './DatabaseRollbackStore';
import { RollbackEvents } from './RollbackEvents';
import { RollbackService, StartRollbackOptions } from './RollbackService';
import {
  recordingNotifications,
  recordingSignals,
  ScriptedRollbackProvider,
} from './__testUtils__/rollbackFixtures';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const alice = 'user:default/alice';

function deployment(
  day: number,
  version: string,
  overrides: Partial<DeploymentInput> = {},
): DeploymentInput {
  const date = `2026-11-${String(day).padStart(2, '0')}`;
  return {
    entityRef: paymentsRef,
    environment: 'production',
    source: 'ci',
    externalId: `run-${day}`,
    version,
    kind: 'deploy',
    status: 'succeeded',
    startedAt: `${date}T10:00:00.000Z`,
    finishedAt: `${date}T10:05:00.000Z`,
    commits: [{ sha: `sha-${day}`, committedAt: `${date}T09:00:00.000Z` }],
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'RollbackService (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let clock: Date;
    let releaseStore: DatabaseReleaseStore;
    let deploymentStore: DatabaseDeploymentStore;
    let rollbackStore: DatabaseRollbackStore;
    let deployments: DeploymentService;
    let provider: ScriptedRollbackProvider;
    let auditor: ReturnType<typeof recordingAuditor>;
    let notifications: ReturnType<typeof recordingNotifications>;
    let signals: ReturnType<typeof recordingSignals>;
    let service: RollbackService;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      releaseStore = await DatabaseReleaseStore.create({
        database,
        now: () => clock,
      });
      deploymentStore = await DatabaseDeploymentStore.create({
        database,
        now: () => clock,
      });
      rollbackStore = await DatabaseRollbackStore.create({
        database,
        now: () => clock,
      });
    });

    beforeEach(async () => {
      clock = new Date('2026-11-26T10:00:00.000Z');
      for (const table of [
        'rollbacks',
        'deployment_commits',
        'deployments',
        'incidents',
        'audit_events',
        'checklist_items',
        'releases',
      ]) {
        await knex(table).del();
      }
      const catalog = catalogServiceMock({ entities: [payments] });
      const auth = mockServices.auth();
      provider = new ScriptedRollbackProvider('ci');
      const pullOnly: DeploymentProvider = {
        id: 'jenkins',
        pull: async () => ({ deployments: [] }),
      };
      auditor = recordingAuditor();
      notifications = recordingNotifications();
      signals = recordingSignals();
      deployments = new DeploymentService({
        store: deploymentStore,
        catalog,
        auth,
      });
      service = new RollbackService({
        store: rollbackStore,
        releases: releaseStore,
        catalog,
        auth,
        deploymentProviders: [provider, pullOnly],
        environments: ['staging', 'production'],
        settings: { staleAfter: { minutes: 30 } },
        events: new RollbackEvents({
          auditor,
          auditTrail: releaseStore,
          signals,
          notifications,
        }),
        now: () => clock,
      });
      deployments.addChangeListener(service.onDeploymentsChanged);
    });

    async function seed(...items: DeploymentInput[]) {
      await deployments.ingestDeployments(items);
    }

    async function idOf(externalId: string, source = 'ci'): Promise<string> {
      const [found] = await deploymentStore.findDeployments(source, [
        externalId,
      ]);
      return found.id;
    }

    async function release(
      version: string,
      state: ReleaseState,
      plan: ReleasePlan = simplePlan,
    ) {
      return releaseStore.createRelease({
        entityRef: paymentsRef,
        environment: 'production',
        version,
        plan,
        state,
        createdBy: alice,
      });
    }

    function start(overrides: Partial<StartRollbackOptions> = {}) {
      return service.start({
        entityRef: paymentsRef,
        environment: 'production',
        reason: 'checkout errors after 1.2.0',
        idempotencyKey: 'key-1',
        initiator: alice,
        ...overrides,
      });
    }

    /** Three good deploys: 1.0.0, 1.1.0, then 1.2.0 runs. */
    async function seedThree() {
      await seed(
        deployment(20, '1.0.0'),
        deployment(21, '1.1.0'),
        deployment(22, '1.2.0'),
      );
    }

    describe('target resolution', () => {
      it('defaults to the previous good deploy and lists what it undoes', async () => {
        await seedThree();
        const plan = await service.getPlan(paymentsRef, 'production');
        expect(plan.current?.version).toBe('1.2.0');
        expect(plan.target?.version).toBe('1.1.0');
        expect(plan.candidates.map(d => d.version)).toEqual(['1.1.0', '1.0.0']);
        expect(plan.commitsUndone.map(c => c.sha)).toEqual(['sha-22']);
        expect(plan.migrations).toEqual([]);
        expect(plan.provider).toBe('ci');
        expect(plan.providerCanRollback).toBe(true);
        expect(plan.active).toBeUndefined();
      });

      it('skips a deploy to which a critical incident is attributed', async () => {
        await seedThree();
        await deployments.ingestIncidents([
          {
            entityRef: paymentsRef,
            source: 'pd',
            externalId: 'P1',
            severity: 'critical',
            title: 'Checkout down',
            environment: 'production',
            startedAt: '2026-11-21T12:00:00.000Z',
          },
          // Major incidents and other environments do not count.
          {
            entityRef: paymentsRef,
            source: 'pd',
            externalId: 'P2',
            severity: 'major',
            title: 'Slow',
            environment: 'production',
            startedAt: '2026-11-20T12:00:00.000Z',
          },
        ]);
        const plan = await service.getPlan(paymentsRef, 'production');
        expect(plan.target?.version).toBe('1.0.0');
        expect(plan.commitsUndone.map(c => c.sha)).toEqual([
          'sha-22',
          'sha-21',
        ]);
      });

      it('skips a deploy that was rolled back', async () => {
        await seed(
          deployment(20, '1.0.0'),
          deployment(21, '1.1.0'),
          deployment(23, '1.0.0', {
            externalId: 'run-rb',
            kind: 'rollback',
            rollbackOf: 'run-21',
            commits: [],
            startedAt: '2026-11-21T11:00:00.000Z',
            finishedAt: '2026-11-21T11:05:00.000Z',
          }),
          deployment(22, '1.2.0'),
        );
        const plan = await service.getPlan(paymentsRef, 'production');
        expect(plan.target?.externalId).toBe('run-20');
        // The rollback deployment is still a candidate to pick.
        expect(plan.candidates.map(d => d.externalId)).toEqual([
          'run-rb',
          'run-21',
          'run-20',
        ]);
      });

      it('skips a deploy whose release did not pass its gates', async () => {
        await seedThree();
        await release('1.1.0', 'draft');
        await release('1.0.0', 'approved');
        const plan = await service.getPlan(paymentsRef, 'production');
        expect(plan.target?.version).toBe('1.0.0');
      });

      it('skips a deploy of the version that runs now', async () => {
        await seed(
          deployment(20, '1.0.0'),
          deployment(21, '1.2.0'),
          deployment(22, '1.2.0'),
        );
        const plan = await service.getPlan(paymentsRef, 'production');
        expect(plan.target?.version).toBe('1.0.0');
      });

      it('explains when there is no target and refuses to start', async () => {
        await seed(deployment(20, '1.0.0'), deployment(21, '1.1.0'));
        await release('1.0.0', 'rejected');
        const plan = await service.getPlan(paymentsRef, 'production');
        expect(plan.target).toBeUndefined();
        expect(plan.noTargetReason).toContain(
          "1.0.0's release did not pass its gates (it is rejected)",
        );
        await expect(start()).rejects.toMatchObject({
          name: 'ConflictError',
          message: expect.stringContaining(
            'Cannot roll back component:default/payments in production',
          ),
        });
        const empty = await service.getPlan(paymentsRef, 'staging');
        expect(empty.noTargetReason).toBe(
          'Nothing has been deployed successfully to staging',
        );
        expect(provider.calls).toHaveLength(0);
      });

      it('validates a target the user picked', async () => {
        await seedThree();
        await seed(
          deployment(19, '0.9.0', { status: 'failed' }),
          deployment(18, '0.8.0', { environment: 'staging' }),
        );
        await expect(
          start({ targetDeploymentId: 'no-such-id' }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: 'targetDeploymentId: no deployment no-such-id',
        });
        await expect(
          start({ targetDeploymentId: await idOf('run-18') }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringContaining('in staging, not of'),
        });
        await expect(
          start({ targetDeploymentId: await idOf('run-19') }),
        ).rejects.toMatchObject({
          name: 'ConflictError',
          message: expect.stringContaining('is failed'),
        });
        await expect(
          start({ targetDeploymentId: await idOf('run-22') }),
        ).rejects.toMatchObject({
          name: 'ConflictError',
          message: expect.stringContaining('is what runs in production now'),
        });
        expect(provider.calls).toHaveLength(0);

        const picked = await start({
          targetDeploymentId: await idOf('run-20'),
        });
        expect(picked.targetVersion).toBe('1.0.0');
        const plan = await service.getPlan(
          paymentsRef,
          'production',
          await idOf('run-20'),
        );
        expect(plan.target?.version).toBe('1.0.0');
      });

      it('refuses an environment that is not configured', async () => {
        await expect(start({ environment: 'moon' })).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringContaining(
            "'moon' is not a configured environment",
          ),
        });
      });
    });

    describe('starting', () => {
      it('calls the provider once and records a rollback deployment', async () => {
        await seedThree();
        const rollback = await start();
        expect(rollback).toEqual(
          expect.objectContaining({
            state: 'running',
            fromVersion: '1.2.0',
            targetVersion: '1.1.0',
            initiator: alice,
            automated: false,
            provider: 'ci',
            deploymentId: expect.any(String),
            url: 'https://ci.example/runs/rollback-key-1',
          }),
        );
        expect(provider.calls).toHaveLength(1);
        expect(provider.calls[0]).toEqual(
          expect.objectContaining({
            environment: 'production',
            reason: 'checkout errors after 1.2.0',
            initiator: alice,
            idempotencyKey: 'key-1',
            target: expect.objectContaining({ version: '1.1.0' }),
            current: expect.objectContaining({ version: '1.2.0' }),
            entity: payments,
          }),
        );
        const { items } = await deployments.listDeployments({
          entityRef: paymentsRef,
          limit: 1,
        });
        expect(items[0]).toEqual(
          expect.objectContaining({
            id: rollback.deploymentId,
            kind: 'rollback',
            source: 'ci',
            externalId: 'rollback-key-1',
            version: '1.1.0',
            status: 'in_progress',
            rollbackOf: await idOf('run-22'),
            rollbackRequest: {
              id: rollback.id,
              reason: 'checkout errors after 1.2.0',
              initiator: alice,
              automated: false,
            },
          }),
        );
        expect(auditor.events).toEqual([
          expect.objectContaining({
            eventId: 'rollback',
            severityLevel: 'high',
            outcome: 'success',
          }),
        ]);
        expect((await knex('audit_events')).map(e => e.action)).toEqual([
          'rollback.requested',
        ]);
        expect(notifications.sent).toEqual([
          expect.objectContaining({
            recipients: { type: 'entity', entityRef: paymentsRef },
            payload: expect.objectContaining({
              title:
                'Rollback of component:default/payments in production from 1.2.0 to 1.1.0 started',
            }),
          }),
        ]);
        expect(signals.published.map(s => s.message.state)).toEqual([
          'pending',
          'running',
        ]);
      });

      it('follows the rollback deployment to success and releases the lock', async () => {
        await seedThree();
        const rollback = await start();
        await seed(
          deployment(26, '1.1.0', {
            externalId: 'rollback-key-1',
            kind: 'rollback',
            rollbackOf: 'run-22',
            commits: [],
            startedAt: '2026-11-26T10:00:00.000Z',
            finishedAt: '2026-11-26T10:04:00.000Z',
          }),
        );
        const done = await service.getRollback(rollback.id);
        expect(done.state).toBe('succeeded');
        expect(done.finishedAt).toBe('2026-11-26T10:00:00.000Z');
        expect((await knex('audit_events')).map(e => e.action)).toEqual([
          'rollback.requested',
          'rollback.succeeded',
        ]);
        const plan = await service.getPlan(paymentsRef, 'production');
        expect(plan.current?.id).toBe(rollback.deploymentId);
        expect(plan.active).toBeUndefined();
      });

      it('answers a retry with the same key with the same rollback, never twice', async () => {
        await seedThree();
        const first = await start();
        const again = await start();
        expect(again).toEqual(first);
        expect(provider.calls).toHaveLength(1);
        await expect(start({ reason: 'something else' })).rejects.toMatchObject(
          {
            name: 'ConflictError',
            message: expect.stringContaining(
              "Idempotency-Key 'key-1' was already used for a different rollback request",
            ),
          },
        );
      });

      it('refuses a second rollback while one runs, naming it', async () => {
        await seedThree();
        const first = await start();
        await expect(start({ idempotencyKey: 'key-2' })).rejects.toMatchObject({
          name: 'ConflictError',
          message: `A rollback of component:default/payments in production is already running: rollback ${first.id} by ${alice} since 2026-11-26T10:00:00.000Z, to version 1.1.0`,
        });
        expect(provider.calls).toHaveLength(1);
        expect(
          (await service.getPlan(paymentsRef, 'production')).active?.id,
        ).toBe(first.id);
      });

      it('times out a stale rollback when the next request needs the lock', async () => {
        await seedThree();
        const first = await start();
        clock = new Date('2026-11-26T10:29:00.000Z');
        await expect(start({ idempotencyKey: 'key-2' })).rejects.toMatchObject({
          name: 'ConflictError',
        });
        clock = new Date('2026-11-26T10:31:00.000Z');
        const second = await start({ idempotencyKey: 'key-2' });
        expect(second.state).toBe('running');
        const expired = await service.getRollback(first.id);
        expect(expired.state).toBe('failed');
        expect(expired.error).toBe(
          'Timed out after 30 minutes without finishing',
        );
        expect(provider.calls).toHaveLength(2);
      });

      it('needs confirmation to cross a database migration', async () => {
        await seedThree();
        await release('1.2.0', 'deployed', {
          ...migrationPlan,
          notes: 'adds column orders.currency',
        });
        const plan = await service.getPlan(paymentsRef, 'production');
        expect(plan.migrations).toEqual([
          expect.objectContaining({
            version: '1.2.0',
            deploymentId: await idOf('run-22'),
            notes: 'adds column orders.currency',
          }),
        ]);
        await expect(start()).rejects.toMatchObject({
          name: 'ConflictError',
          message: expect.stringContaining(
            'crosses database migrations of release 1.2.0',
          ),
        });
        expect(provider.calls).toHaveLength(0);
        // The refusal is audited, though nothing was recorded.
        expect(auditor.events).toEqual([
          expect.objectContaining({
            eventId: 'rollback',
            severityLevel: 'high',
            outcome: 'fail',
          }),
        ]);
        expect(await knex('rollbacks')).toEqual([]);
        const confirmed = await start({
          idempotencyKey: 'key-2',
          confirmMigrationRollback: true,
        });
        expect(confirmed.confirmedMigrationRollback).toBe(true);
        expect(provider.calls).toHaveLength(1);
      });

      it('refuses when no provider of the source executes rollbacks', async () => {
        await seed(
          deployment(20, '1.0.0', { source: 'jenkins' }),
          deployment(21, '1.1.0', { source: 'jenkins' }),
        );
        expect(
          (await service.getPlan(paymentsRef, 'production'))
            .providerCanRollback,
        ).toBe(false);
        await expect(start()).rejects.toMatchObject({
          name: 'ConflictError',
          message:
            "Deployments from 'jenkins' cannot be rolled back from here: no provider module for it executes rollbacks",
        });
        expect(await knex('rollbacks')).toEqual([]);
      });

      it('marks the rollback failed when the provider fails, and the next request works', async () => {
        await seedThree();
        provider.answer = { error: 'HTTP 500 from the CI' };
        await expect(start()).rejects.toMatchObject({
          name: 'RollbackProviderError',
          statusCode: 502,
          message: 'ci could not start the rollback: HTTP 500 from the CI',
        });
        const [failed] = (
          await service.listRollbacks({ entityRef: paymentsRef, limit: 10 })
        ).items;
        expect(failed).toEqual(
          expect.objectContaining({
            state: 'failed',
            error: 'ci refused the rollback: HTTP 500 from the CI',
          }),
        );
        expect(failed.deploymentId).toBeUndefined();
        // Nothing half-recorded: no rollback deployment.
        expect(await knex('deployments').where({ kind: 'rollback' })).toEqual(
          [],
        );
        expect(notifications.sent.map(n => n.payload.title)).toEqual([
          expect.stringContaining('started'),
          expect.stringContaining('failed'),
        ]);
        expect(auditor.events.map(e => e.outcome)).toEqual(['success', 'fail']);

        provider.answer = { conflict: 'auto-sync is enabled for payments' };
        await expect(start({ idempotencyKey: 'key-2' })).rejects.toMatchObject({
          name: 'ConflictError',
          message: 'auto-sync is enabled for payments',
        });

        provider.answer = { status: 'queued' };
        expect((await start({ idempotencyKey: 'key-3' })).state).toBe(
          'running',
        );
      });

      it('takes the status of a run reported before it was recorded', async () => {
        await seedThree();
        // The CI's webhook for the run arrives while the provider call is
        // still returning "in progress".
        provider.beforeAnswer = async request => {
          await seed(
            deployment(26, '1.1.0', {
              externalId: `rollback-${request.idempotencyKey}`,
              kind: 'rollback',
              commits: [],
              startedAt: '2026-11-26T10:00:00.000Z',
              finishedAt: '2026-11-26T10:00:01.000Z',
            }),
          );
        };
        const rollback = await start();
        expect(rollback.state).toBe('succeeded');
        expect((await service.getPlan(paymentsRef, 'production')).active).toBe(
          undefined,
        );
      });

      it('settles at once when the provider reports a finished run', async () => {
        await seedThree();
        provider.answer = { status: 'succeeded' };
        const rollback = await start();
        expect(rollback.state).toBe('succeeded');
        expect(rollback.finishedAt).toBeDefined();
        expect((await service.getPlan(paymentsRef, 'production')).active).toBe(
          undefined,
        );
      });
    });

    describe('automation', () => {
      const automation = (deploymentId: string, dryRun = false) => ({
        incidentId: 'incident-1',
        deploymentId,
        dryRun,
      });

      it('rolls back once per deployment, as the automation', async () => {
        await seedThree();
        const current = await idOf('run-22');
        const first = await start({
          idempotencyKey: 'auto-1',
          automation: automation(current),
        });
        expect(first).toEqual(
          expect.objectContaining({
            state: 'running',
            automated: true,
            initiator: AUTOMATION_ACTOR,
            incidentId: 'incident-1',
          }),
        );
        const second = await start({
          idempotencyKey: 'auto-2',
          automation: automation(current),
        });
        expect(second.id).toBe(first.id);
        expect(provider.calls).toHaveLength(1);
        expect(provider.calls[0].initiator).toBe(AUTOMATION_ACTOR);
      });

      it('answers a second incident for the same deployment with the first rollback, even under the same key', async () => {
        await seedThree();
        const current = await idOf('run-22');
        const first = await start({
          idempotencyKey: `auto:${current}`,
          reason:
            'Automated: critical incident "5xx" started 3 min after deploy',
          automation: automation(current),
        });
        const second = await start({
          idempotencyKey: `auto:${current}`,
          reason:
            'Automated: critical incident "latency" started 9 min after deploy',
          automation: { ...automation(current), incidentId: 'incident-2' },
        });
        expect(second.id).toBe(first.id);
        expect(second.incidentId).toBe('incident-1');
        expect(provider.calls).toHaveLength(1);
      });

      it('only records and notifies in dry-run mode', async () => {
        await seedThree();
        const dry = await start({
          idempotencyKey: 'auto-1',
          automation: automation(await idOf('run-22'), true),
        });
        expect(dry.state).toBe('dry-run');
        expect(provider.calls).toHaveLength(0);
        expect(notifications.sent[0].payload.title).toContain('(dry run)');
        expect((await service.getPlan(paymentsRef, 'production')).active).toBe(
          undefined,
        );
      });

      it('never confirms a migration: records the failure and notifies', async () => {
        await seedThree();
        await release('1.2.0', 'deployed', migrationPlan);
        const refused = await start({
          idempotencyKey: 'auto-1',
          automation: automation(await idOf('run-22')),
        });
        expect(refused.state).toBe('failed');
        expect(refused.error).toContain('crosses database migrations');
        expect(provider.calls).toHaveLength(0);
        expect(notifications.sent[0].payload.title).toContain('failed');
      });
    });
  },
);

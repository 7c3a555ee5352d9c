import {
  BackendFeature,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { DeploymentInput } from '@release-coordinator/backstage-plugin-common';
import request from 'supertest';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { releaseCoordinatorPlugin } from '../plugin';
import {
  payments,
  people,
  recordingAuditor,
  simplePlan,
  testConfig,
} from '../releases/__testUtils__/fixtures';
import { deploymentProviderModule } from '../rollbacks/__testUtils__/rollbackBackend';
import {
  recordingNotifications,
  recordingSignals,
  ScriptedRollbackProvider,
} from '../rollbacks/__testUtils__/rollbackFixtures';
import { ACTION_ATTRIBUTES } from './registerActions';

jest.setTimeout(90_000);

const databases = createTestDatabases();
const base = '/api/release-coordinator';
const COMMIT = 'a1b2c3d4e5f6';
const ENTITY = 'component:default/payments';

/** The test config without freeze windows, so the tests run on any day. */
const unfrozen = {
  releaseCoordinator: { ...testConfig.releaseCoordinator, freezeWindows: [] },
};

/** Resolves the test people's groups, as a sign-in resolver would. */
const userInfo = mockServices.userInfo.mock({
  getUserInfo: async credentials => {
    const principal = credentials.principal as { userEntityRef: string };
    const person = Object.values(people).find(
      p => p.ref === principal.userEntityRef,
    );
    return {
      userEntityRef: principal.userEntityRef,
      ownershipEntityRefs: person?.ownershipRefs ?? [principal.userEntityRef],
    };
  },
});

function deployment(day: number, version: string): DeploymentInput {
  return {
    entityRef: ENTITY,
    environment: 'production',
    source: 'ci',
    externalId: `run-${day}`,
    version,
    kind: 'deploy',
    status: 'succeeded',
    startedAt: `2026-11-${day}T10:00:00.000Z`,
    finishedAt: `2026-11-${day}T10:05:00.000Z`,
  };
}

/** Allows everything except the named permissions. */
function denying(...denied: string[]): BackendFeature {
  return mockServices.permissions.mock({
    authorize: jest.fn(async (requests: AuthorizePermissionRequest[]) =>
      requests.map(r => ({
        result: denied.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      })),
    ),
  }).factory;
}

const as = {
  alice: mockCredentials.user(people.alice.ref),
  carol: mockCredentials.user(people.carol.ref),
  dave: mockCredentials.user(people.dave.ref),
  frank: mockCredentials.user(people.frank.ref),
  ci: mockCredentials.service('external:ci'),
};

describe.each(databases.eachSupportedId())(
  'release coordinator actions (%s)',
  databaseId => {
    async function start(options: {
      databaseId: TestDatabaseId;
      permissions?: BackendFeature;
    }) {
      const knex = await databases.init(options.databaseId);
      const registry = actionsRegistryServiceMock();
      const auditor = recordingAuditor();
      const provider = new ScriptedRollbackProvider('ci');
      const { server } = await startTestBackend({
        features: [
          releaseCoordinatorPlugin,
          deploymentProviderModule(provider),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({ data: unfrozen }),
          catalogServiceMock.factory({ entities: [payments] }),
          userInfo.factory,
          options.permissions ??
            mockServices.permissions.factory({
              result: AuthorizeResult.ALLOW,
            }),
          createServiceFactory({
            service: actionsRegistryServiceRef,
            deps: {},
            factory: () => registry,
          }),
          createServiceFactory({
            service: coreServices.auditor,
            deps: {},
            factory: () => auditor,
          }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => recordingNotifications(),
          }),
          createServiceFactory({
            service: signalsServiceRef,
            deps: {},
            factory: () => recordingSignals(),
          }),
        ],
      });
      const invoke = (
        name: string,
        input: object,
        credentials: (typeof as)[keyof typeof as],
      ) =>
        registry.invoke({
          // The mock registry names its plugin `test`.
          id: `test:${name}`,
          input: input as never,
          credentials,
        });
      return { server, registry, auditor, provider, invoke };
    }

    it('registers each action with truthful attributes and schemas', async () => {
      const { registry } = await start({ databaseId });
      const { actions } = await registry.list();
      expect(
        Object.fromEntries(actions.map(a => [a.name, a.attributes])),
      ).toEqual(ACTION_ATTRIBUTES);
      for (const action of actions) {
        expect(action.description.length).toBeGreaterThan(40);
        expect(action.schema.input).toMatchObject({ type: 'object' });
        expect(action.schema.output).toMatchObject({ type: 'object' });
      }
      // Every mutating action is marked as such; reads never are.
      expect(
        actions
          .filter(a => !a.attributes.readOnly)
          .map(a => a.name)
          .sort(),
      ).toEqual([
        'create-release',
        'decide-release',
        'record-evidence',
        'roll-back',
        'update-checklist-item',
      ]);
    });

    it('takes a release from creation to approval under the same rules as the tab', async () => {
      const { invoke, auditor } = await start({ databaseId });

      const none = await invoke(
        'get-release-readiness',
        { entityRef: ENTITY, environment: 'production' },
        as.alice,
      );
      expect(none.output).toMatchObject({ decision: 'no-open-release' });

      const created = await invoke(
        'create-release',
        {
          entityRef: ENTITY,
          version: '2.0.0',
          environment: 'production',
          commitSha: COMMIT,
          plan: simplePlan,
          commitAuthors: [people.bob.ref],
        },
        as.alice,
      );
      const release = (
        created.output as { release: { id: string; createdBy: string } }
      ).release;
      expect(release.createdBy).toBe(people.alice.ref);

      const blocked = await invoke(
        'get-release-readiness',
        { entityRef: ENTITY, environment: 'production' },
        as.alice,
      );
      expect(blocked.output).toMatchObject({
        decision: 'blocked',
        release: { id: release.id, version: '2.0.0' },
      });
      expect(
        (blocked.output as { missing: unknown[] }).missing.length,
      ).toBeGreaterThan(0);

      // Evidence is machine input: CI pushes it with its service token.
      await invoke(
        'record-evidence',
        {
          releaseId: release.id,
          items: [
            'tests-passing',
            'security-scan',
            'secrets-not-exposed',
            'image-scanned',
            'team-communication-sent',
          ]
            .map(itemId => ({
              itemId,
              status: 'passed',
              source: 'ci',
              commitSha: COMMIT,
            }))
            .concat([
              {
                itemId: 'code-coverage',
                status: 'passed',
                source: 'ci',
                commitSha: COMMIT,
                value: 88,
              } as never,
            ]),
        },
        as.ci,
      );
      for (const itemId of [
        'deployment-plan-documented',
        'rollback-procedure-tested',
        'monitoring-alerts-configured',
      ]) {
        await invoke(
          'update-checklist-item',
          {
            releaseId: release.id,
            itemId,
            status: 'passed',
            evidenceUrl: `https://wiki.example.com/${itemId}`,
          },
          as.carol,
        );
      }

      const awaiting = await invoke(
        'get-release-readiness',
        { entityRef: ENTITY, environment: 'production' },
        as.dave,
      );
      expect(awaiting.output).toMatchObject({
        decision: 'awaiting-approval',
        missing: [],
        approvals: { required: 2, remaining: 2 },
        approvers: {
          excluded: expect.arrayContaining([people.alice.ref, people.bob.ref]),
        },
      });
      expect(
        (awaiting.output as { reasons: string[] }).reasons.join(' '),
      ).toMatch(/separation of duties/);

      // The deploy gate agrees: not yet.
      const closed = await invoke(
        'get-deploy-gate',
        { entityRef: ENTITY, environment: 'production', version: '2.0.0' },
        as.dave,
      );
      expect(closed.output).toMatchObject({
        allowed: false,
        release: { id: release.id },
      });

      // The creator may not approve (separation of duties), nor may someone
      // outside the approver groups; nothing changes.
      await expect(
        invoke(
          'decide-release',
          { releaseId: release.id, decision: 'approve' },
          as.alice,
        ),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
      await expect(
        invoke(
          'decide-release',
          { releaseId: release.id, decision: 'approve' },
          as.frank,
        ),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
      const unchanged = await invoke(
        'get-release',
        { releaseId: release.id },
        as.alice,
      );
      expect(unchanged.output).toMatchObject({
        approvals: [],
        approvalsRemaining: 2,
      });

      await invoke(
        'decide-release',
        { releaseId: release.id, decision: 'approve' },
        as.carol,
      );
      // Each person counts once.
      await expect(
        invoke(
          'decide-release',
          { releaseId: release.id, decision: 'approve' },
          as.carol,
        ),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      await invoke(
        'decide-release',
        { releaseId: release.id, decision: 'approve' },
        as.dave,
      );

      const approved = await invoke(
        'get-release-readiness',
        { entityRef: ENTITY, environment: 'production' },
        as.alice,
      );
      expect(approved.output).toMatchObject({
        decision: 'approved',
        approvals: { remaining: 0 },
      });

      const open = await invoke(
        'get-deploy-gate',
        {
          entityRef: ENTITY,
          environment: 'production',
          version: '2.0.0',
          commitSha: COMMIT,
        },
        as.alice,
      );
      expect(open.output).toMatchObject({ allowed: true });

      // The listed release is the same one.
      const listed = await invoke(
        'list-releases',
        { entityRef: ENTITY },
        as.alice,
      );
      expect(listed.output).toMatchObject({
        items: [{ id: release.id, state: 'approved' }],
      });

      // Mutations are audited with the action as the channel.
      const approvals = auditor.events.filter(
        e => e.meta?.actionId === 'release-coordinator:decide-release',
      );
      expect(approvals.length).toBeGreaterThanOrEqual(4);
      expect(approvals.every(e => e.meta?.channel === 'action')).toBe(true);
      expect(approvals.map(e => e.outcome)).toEqual(
        expect.arrayContaining(['success', 'fail']),
      );
    });

    it("refuses bad input with the route's 400 naming the field, changing nothing", async () => {
      const { invoke } = await start({ databaseId });
      await expect(
        invoke(
          'get-release-readiness',
          { entityRef: ENTITY, environment: 'moon' },
          as.alice,
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(/environment/),
      });
      await expect(
        invoke(
          'create-release',
          {
            entityRef: ENTITY,
            version: 'x'.repeat(300),
            environment: 'production',
            plan: simplePlan,
          },
          as.alice,
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(/version/),
      });
      await expect(
        invoke('get-environments', { entityRef: 'not a ref' }, as.alice),
      ).rejects.toMatchObject({ name: 'InputError' });
      const listed = await invoke(
        'list-releases',
        { entityRef: ENTITY },
        as.alice,
      );
      expect(listed.output).toEqual({ items: [] });
    });

    it('holds the permission framework for agents as for the routes', async () => {
      const { invoke } = await start({
        databaseId,
        permissions: denying(
          'release-coordinator.release.create',
          'release-coordinator.metrics.read',
        ),
      });
      await expect(
        invoke(
          'create-release',
          {
            entityRef: ENTITY,
            version: '2.0.0',
            environment: 'production',
            plan: simplePlan,
          },
          as.alice,
        ),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
      await expect(
        invoke('get-delivery-metrics', { entityRef: ENTITY }, as.alice),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
      // Reading releases is still allowed.
      await expect(
        invoke('list-releases', { entityRef: ENTITY }, as.alice),
      ).resolves.toEqual({ output: { items: [] } });
    });

    it('rolls back once per idempotency key, like the route', async () => {
      const { invoke, server, provider } = await start({ databaseId });
      const seeded = await request(server)
        .post(`${base}/events/deployments`)
        .set('Authorization', mockCredentials.service.header())
        .send([
          deployment(20, '1.0.0'),
          deployment(21, '1.1.0'),
          deployment(22, '1.2.0'),
        ]);
      expect(seeded.status).toBe(200);

      const input = {
        entityRef: ENTITY,
        environment: 'production',
        reason: 'checkout errors after 1.2.0',
        idempotencyKey: 'agent-rollback-1',
      };
      const [first, second] = await Promise.all([
        invoke('roll-back', input, as.alice),
        invoke('roll-back', input, as.alice),
      ]);
      expect(first.output).toMatchObject({
        fromVersion: '1.2.0',
        targetVersion: '1.1.0',
        initiator: people.alice.ref,
      });
      expect((second.output as { id: string }).id).toBe(
        (first.output as { id: string }).id,
      );
      expect(provider.calls).toHaveLength(1);

      // A reason is required, as on the route.
      await expect(
        invoke(
          'roll-back',
          { ...input, reason: ' ', idempotencyKey: 'k2' },
          as.alice,
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(/reason/),
      });

      const history = await invoke(
        'list-deployments',
        { entityRef: ENTITY, environment: 'production' },
        as.alice,
      );
      // The rollback's own run is the newest entry.
      expect(
        (
          history.output as { items: Array<{ version: string; kind: string }> }
        ).items.map(d => `${d.kind} ${d.version}`),
      ).toEqual([
        'rollback 1.1.0',
        'deploy 1.2.0',
        'deploy 1.1.0',
        'deploy 1.0.0',
      ]);
      const where = await invoke(
        'get-environments',
        { entityRef: ENTITY },
        as.alice,
      );
      expect(where.output).toMatchObject({
        items: expect.arrayContaining([
          expect.objectContaining({ environment: 'production' }),
        ]),
      });
      const metrics = await invoke(
        'get-delivery-metrics',
        { entityRef: ENTITY, window: '30d', end: '2026-11-30T00:00:00Z' },
        as.alice,
      );
      expect(metrics.output).toMatchObject({
        entityRef: ENTITY,
        environment: 'production',
        metrics: { deploymentFrequency: { count: 3 } },
      });
    });
  },
);

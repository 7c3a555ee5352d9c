import {
  BackendFeature,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { DeploymentInput } from '@release-coordinator/backstage-plugin-common';
import { Server } from 'node:http';
import request from 'supertest';
import { releaseCoordinatorPlugin } from '../plugin';
import { payments } from '../releases/__testUtils__/fixtures';
import { deploymentProviderModule } from './__testUtils__/rollbackBackend';
import {
  recordingNotifications,
  recordingSignals,
  ScriptedRollbackProvider,
} from './__testUtils__/rollbackFixtures';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const base = '/api/release-coordinator';
const rollbacksPath = `${base}/entities/component/default/payments/rollbacks`;
const alice = mockCredentials.user.header('user:default/alice');

function deployment(day: number, version: string): DeploymentInput {
  return {
    entityRef: 'component:default/payments',
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

/** Allows everything except the named permissions (the array may change). */
function denying(names: string[]): BackendFeature {
  return mockServices.permissions.mock({
    authorize: jest.fn(async (requests: AuthorizePermissionRequest[]) =>
      requests.map(
        (r): AuthorizePermissionResponse => ({
          result: names.includes(r.permission.name)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
        }),
      ),
    ),
  }).factory;
}

const body = {
  environment: 'production',
  reason: 'checkout errors after 1.2.0',
};

describe('rollbacks router', () => {
  let provider: ScriptedRollbackProvider;
  let notifications: ReturnType<typeof recordingNotifications>;

  async function startBackend(
    permissions: BackendFeature = mockServices.permissions.factory({
      result: AuthorizeResult.ALLOW,
    }),
  ): Promise<Server> {
    const knex = await databases.init('SQLITE_3');
    provider = new ScriptedRollbackProvider('ci');
    notifications = recordingNotifications();
    const { server } = await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        deploymentProviderModule(provider),
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [payments] }),
        permissions,
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => notifications,
        }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => recordingSignals(),
        }),
      ],
    });
    const seeded = await request(server)
      .post(`${base}/events/deployments`)
      .set('Authorization', mockCredentials.service.header())
      .send([
        deployment(20, '1.0.0'),
        deployment(21, '1.1.0'),
        deployment(22, '1.2.0'),
      ]);
    expect(seeded.status).toBe(200);
    return server;
  }

  function post(
    server: Server,
    key: string | undefined,
    payload: object = body,
  ) {
    const req = request(server).post(rollbacksPath).set('Authorization', alice);
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(payload);
  }

  it('starts a rollback: 202 with the rollback, readable by id, in the lists', async () => {
    const server = await startBackend();
    const response = await post(server, 'key-1');
    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      rollback: {
        id: expect.any(String),
        entityRef: 'component:default/payments',
        environment: 'production',
        state: 'running',
        fromDeploymentId: expect.any(String),
        fromVersion: '1.2.0',
        targetDeploymentId: expect.any(String),
        targetVersion: '1.1.0',
        reason: 'checkout errors after 1.2.0',
        initiator: 'user:default/alice',
        automated: false,
        provider: 'ci',
        deploymentId: expect.any(String),
        url: 'https://ci.example/runs/rollback-key-1',
        confirmedMigrationRollback: false,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
    const { rollback } = response.body;
    expect(provider.calls).toHaveLength(1);

    const byId = await request(server)
      .get(`${base}/rollbacks/${rollback.id}`)
      .set('Authorization', alice);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual({ rollback });

    const list = await request(server)
      .get(`${rollbacksPath}?environment=production&limit=10`)
      .set('Authorization', alice);
    expect(list.body).toEqual({ items: [rollback] });

    const plan = await request(server)
      .get(`${rollbacksPath}/plan?environment=production`)
      .set('Authorization', alice);
    expect(plan.status).toBe(200);
    expect(plan.body.active).toEqual(rollback);
    expect(plan.body.current.version).toBe('1.2.0');

    const history = await request(server)
      .get(`${base}/entities/component/default/payments/deployments`)
      .set('Authorization', alice);
    expect(history.body.items[0]).toEqual(
      expect.objectContaining({
        kind: 'rollback',
        rollbackRequest: {
          id: rollback.id,
          reason: 'checkout errors after 1.2.0',
          initiator: 'user:default/alice',
          automated: false,
        },
      }),
    );
    expect(notifications.sent).toHaveLength(1);
  });

  it('answers a retry with the same rollback, and a reused key for another body with 409', async () => {
    const server = await startBackend();
    const first = await post(server, 'key-1');
    const again = await post(server, 'key-1');
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(provider.calls).toHaveLength(1);

    const reused = await post(server, 'key-1', { ...body, reason: 'other' });
    expect(reused.status).toBe(409);
    expect(reused.body.error.message).toContain(
      "Idempotency-Key 'key-1' was already used for a different rollback request",
    );
  });

  it('answers 409 naming the running rollback', async () => {
    const server = await startBackend();
    const first = await post(server, 'key-1');
    const second = await post(server, 'key-2');
    expect(second.status).toBe(409);
    expect(second.body.error.message).toBe(
      `A rollback of component:default/payments in production is already running: rollback ${first.body.rollback.id} by user:default/alice since ${first.body.rollback.createdAt}, to version 1.1.0`,
    );
    expect(provider.calls).toHaveLength(1);
  });

  it.each([
    ['no Idempotency-Key', undefined, body, 'Idempotency-Key is required'],
    ['an empty Idempotency-Key', '', body, 'Idempotency-Key'],
    ['a too long Idempotency-Key', 'k'.repeat(201), body, 'Idempotency-Key'],
    ['a non-ASCII Idempotency-Key', 'clé', body, 'Idempotency-Key'],
    ['a blank reason', 'key-1', { ...body, reason: '   ' }, 'reason'],
    ['no reason', 'key-1', { environment: 'production' }, 'reason'],
    [
      'a too long reason',
      'key-1',
      { ...body, reason: 'x'.repeat(1001) },
      'reason: must be at most 1000 characters',
    ],
    ['an unknown field', 'key-1', { ...body, force: true }, "'force'"],
    [
      'an environment that is not configured',
      'key-1',
      { ...body, environment: 'moon' },
      "'moon' is not a configured environment",
    ],
    [
      'a non-boolean confirmation',
      'key-1',
      { ...body, confirmMigrationRollback: 'yes' },
      'confirmMigrationRollback',
    ],
  ])('answers 400 for %s', async (_name, key, payload, message) => {
    const server = await startBackend();
    const response = await post(server, key, payload);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(message);
    expect(provider.calls).toHaveLength(0);
  });

  it('answers 403 without the rollback permission and 401 without credentials', async () => {
    const server = await startBackend(
      denying(['release-coordinator.deployment.rollback']),
    );
    const denied = await post(server, 'key-1');
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'Not allowed to roll back component:default/payments',
    );
    const anonymous = await request(server)
      .post(rollbacksPath)
      .set('Authorization', mockCredentials.none.header())
      .set('Idempotency-Key', 'key-1')
      .send(body);
    expect(anonymous.status).toBe(401);
    expect(provider.calls).toHaveLength(0);
    // Reading stays allowed.
    const plan = await request(server)
      .get(`${rollbacksPath}/plan?environment=production`)
      .set('Authorization', alice);
    expect(plan.status).toBe(200);
  });

  it('answers 404 for an unknown entity or rollback, 403 for a rollback the caller may not read', async () => {
    const denied: string[] = [];
    const server = await startBackend(denying(denied));
    const unknownEntity = await request(server)
      .post(`${base}/entities/component/default/ghost/rollbacks`)
      .set('Authorization', alice)
      .set('Idempotency-Key', 'key-1')
      .send(body);
    expect(unknownEntity.status).toBe(404);
    const unknownRollback = await request(server)
      .get(`${base}/rollbacks/00000000-0000-0000-0000-000000000000`)
      .set('Authorization', alice);
    expect(unknownRollback.status).toBe(404);

    const started = await post(server, 'key-1');
    denied.push('release-coordinator.release.read');
    const forbidden = await request(server)
      .get(`${base}/rollbacks/${started.body.rollback.id}`)
      .set('Authorization', alice);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toBe(
      'Not allowed to read the rollbacks of component:default/payments',
    );
  });

  it('answers 409 when the provider refuses and 502 when it fails', async () => {
    const server = await startBackend();
    provider.answer = { conflict: 'auto-sync is enabled for payments-prod' };
    const refused = await post(server, 'key-1');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      'auto-sync is enabled for payments-prod',
    );
    provider.answer = { error: 'connect ECONNREFUSED 127.0.0.1:1' };
    const failed = await post(server, 'key-2');
    expect(failed.status).toBe(502);
    expect(failed.body.error.message).toBe(
      'ci could not start the rollback: connect ECONNREFUSED 127.0.0.1:1',
    );
    const list = await request(server)
      .get(rollbacksPath)
      .set('Authorization', alice);
    expect(list.body.items.map((r: { state: string }) => r.state)).toEqual([
      'failed',
      'failed',
    ]);
  });

  it('answers 400 for bad list and plan queries', async () => {
    const server = await startBackend();
    const noEnvironment = await request(server)
      .get(`${rollbacksPath}/plan`)
      .set('Authorization', alice);
    expect(noEnvironment.status).toBe(400);
    expect(noEnvironment.body.error.message).toContain('environment');
    const badCursor = await request(server)
      .get(`${rollbacksPath}?cursor=nope`)
      .set('Authorization', alice);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.message).toContain('cursor');
  });
});

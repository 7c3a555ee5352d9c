import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  BackendFeature,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import request from 'supertest';
import { releaseCoordinatorPlugin } from '../plugin';
import {
  payments,
  people,
  simplePlan,
  testConfig,
} from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const base = '/api/release-coordinator';
const as = {
  carol: mockCredentials.user.header(people.carol.ref),
  dave: mockCredentials.user.header(people.dave.ref),
  ci: mockCredentials.service.header(),
  nobody: mockCredentials.none.header(),
};

const unfrozen = {
  releaseCoordinator: { ...testConfig.releaseCoordinator, freezeWindows: [] },
};

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

describe('POST /releases/:id/notify-team', () => {
  let sent: NotificationSendOptions[];
  let published: SignalPayload[];
  let send: jest.Mock;

  beforeEach(() => {
    sent = [];
    published = [];
    send = jest.fn(async (options: NotificationSendOptions) => {
      sent.push(options);
    });
  });

  async function startBackend(permissions?: BackendFeature) {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({ data: unfrozen }),
        catalogServiceMock.factory({ entities: [payments] }),
        userInfo.factory,
        permissions ??
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send }),
        }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({
            publish: async (signal: SignalPayload) => {
              published.push(signal);
            },
          }),
        }),
      ],
    });
    const created = await request(server)
      .post(`${base}/entities/component/default/payments/releases`)
      .set('Authorization', as.ci)
      .send({ version: '2.0.0', environment: 'production', plan: simplePlan });
    expect(created.status).toBe(201);
    return { server, id: created.body.release.id as string };
  }

  it('notifies the owner group and passes the item', async () => {
    const { server, id } = await startBackend();
    const response = await request(server)
      .post(`${base}/releases/${id}/notify-team`)
      .set('Authorization', as.carol);
    expect(response.status).toBe(200);
    expect(
      response.body.checklist.find(
        (i: { id: string }) => i.id === 'team-communication-sent',
      ),
    ).toMatchObject({
      status: 'passed',
      evidence: {
        source: 'notification',
        recordedBy: 'user:default/carol',
        value: 'notified group:default/team-a',
      },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: 'group:default/team-a',
    });
    expect(sent[0].payload).toMatchObject({
      topic: 'release-coordinator',
      severity: 'normal',
      link: `/catalog/default/component/payments/release-readiness?release=${id}`,
    });
    expect(published.map(s => [s.channel, s.message])).toContainEqual([
      `release-coordinator:release:${id}`,
      {
        releaseId: id,
        entityRef: 'component:default/payments',
        state: 'draft',
        action: 'notify',
      },
    ]);
    expect(published.map(s => s.channel)).toContain(
      'release-coordinator:releases:component:default/payments',
    );
  });

  it('is 401 without credentials', async () => {
    const { server, id } = await startBackend();
    const response = await request(server)
      .post(`${base}/releases/${id}/notify-team`)
      .set('Authorization', as.nobody);
    expect(response.status).toBe(401);
    expect(send).not.toHaveBeenCalled();
  });

  it('is 403 without the attest permission on the entity', async () => {
    const { server, id } = await startBackend(
      mockServices.permissions.mock({
        authorize: jest.fn(async (requests: AuthorizePermissionRequest[]) =>
          requests.map(r => ({
            result:
              r.permission.name === 'release-coordinator.checklist.attest'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
        ),
      }).factory,
    );
    const response = await request(server)
      .post(`${base}/releases/${id}/notify-team`)
      .set('Authorization', as.carol);
    expect(response.status).toBe(403);
    expect(send).not.toHaveBeenCalled();
  });

  it('is 404 for an unknown release', async () => {
    const { server } = await startBackend();
    const response = await request(server)
      .post(`${base}/releases/00000000-0000-4000-8000-000000000000/notify-team`)
      .set('Authorization', as.carol);
    expect(response.status).toBe(404);
  });

  it('is 409 for a rejected release', async () => {
    const { server, id } = await startBackend();
    const rejected = await request(server)
      .post(`${base}/releases/${id}/approvals`)
      .set('Authorization', as.dave)
      .send({ decision: 'reject', comment: 'not this one' });
    expect(rejected.status).toBe(201);
    const response = await request(server)
      .post(`${base}/releases/${id}/notify-team`)
      .set('Authorization', as.carol);
    expect(response.status).toBe(409);
    expect(response.body.error.message).toMatch(/rejected/);
    expect(send).not.toHaveBeenCalled();
  });

  it('is 502 with our own message and records nothing when notifications fail', async () => {
    send.mockRejectedValue(new Error('connection refused'));
    const { server, id } = await startBackend();
    const response = await request(server)
      .post(`${base}/releases/${id}/notify-team`)
      .set('Authorization', as.carol);
    expect(response.status).toBe(502);
    expect(response.body.error.message).toBe(
      'Could not notify group:default/team-a: the notifications service failed',
    );
    expect(JSON.stringify(response.body)).not.toMatch(/connection refused/);
    const details = await request(server)
      .get(`${base}/releases/${id}`)
      .set('Authorization', as.carol);
    expect(
      details.body.checklist.find(
        (i: { id: string }) => i.id === 'team-communication-sent',
      ).status,
    ).toBe('pending');
  });
});

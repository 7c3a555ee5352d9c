import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import { ReleaseDetails } from '@release-coordinator/backstage-plugin-common';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { releaseCoordinatorPlugin } from '../plugin';
import {
  payments,
  people,
  simplePlan,
  testConfig,
} from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const concurrencyDatabases = createTestDatabases();

const base = '/api/release-coordinator';
const createPath = `${base}/entities/component/default/payments/releases`;
const COMMIT = 'a1b2c3d4e5f6';

const as = {
  alice: mockCredentials.user.header(people.alice.ref),
  carol: mockCredentials.user.header(people.carol.ref),
  dave: mockCredentials.user.header(people.dave.ref),
  erin: mockCredentials.user.header(people.erin.ref),
  ci: mockCredentials.service.header(),
  nobody: mockCredentials.none.header(),
};

/** Allows everything except the named permissions. */
function permissionsDenying(...denied: string[]) {
  return mockServices.permissions.mock({
    authorize: jest.fn(async (requests: AuthorizePermissionRequest[]) =>
      requests.map(r => ({
        result: denied.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      })),
    ),
  });
}

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

/** The test config without freeze windows, so the tests run on any day. */
const unfrozen = {
  releaseCoordinator: { ...testConfig.releaseCoordinator, freezeWindows: [] },
};

const alwaysFrozen = {
  releaseCoordinator: {
    ...testConfig.releaseCoordinator,
    freezeWindows: [
      {
        name: 'change-freeze',
        environments: ['production'],
        start: '2000-01-01T00:00:00Z',
        end: '2100-01-01T00:00:00Z',
      },
    ],
  },
};

describe('releases router', () => {
  async function startBackend(
    options: {
      permissions?: BackendFeature;
      config?: object;
      databaseId?: TestDatabaseId;
    } = {},
  ) {
    const knex = options.databaseId
      ? await concurrencyDatabases.init(options.databaseId)
      : await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: options.config ?? unfrozen,
        }),
        catalogServiceMock.factory({ entities: [payments] }),
        userInfo.factory,
        options.permissions ??
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    return server;
  }

  type Server = Awaited<ReturnType<typeof startBackend>>;

  async function createRelease(server: Server): Promise<ReleaseDetails> {
    const response = await request(server)
      .post(createPath)
      .set('Authorization', as.ci)
      .send({
        version: '1.4.0',
        environment: 'production',
        commitSha: COMMIT,
        plan: simplePlan,
        commitAuthors: ['user:default/bob'],
      });
    expect(response.status).toBe(201);
    return response.body;
  }

  async function makeReady(server: Server, id: string) {
    const evidence = await request(server)
      .post(`${base}/releases/${id}/evidence`)
      .set('Authorization', as.ci)
      .send({
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
              value: '88',
            } as never,
          ]),
      });
    expect(evidence.status).toBe(200);
    for (const itemId of [
      'deployment-plan-documented',
      'rollback-procedure-tested',
      'monitoring-alerts-configured',
    ]) {
      const attested = await request(server)
        .put(`${base}/releases/${id}/checklist/${itemId}`)
        .set('Authorization', as.carol)
        .send({
          status: 'passed',
          evidenceUrl: `https://wiki.example.com/${itemId}`,
        });
      expect(attested.status).toBe(200);
    }
  }

  it('takes a release from CI creation to approval', async () => {
    const server = await startBackend();
    const created = await createRelease(server);
    expect(created.release).toMatchObject({
      state: 'draft',
      createdBy: 'external:test-service',
    });
    const id = created.release.id;

    await makeReady(server, id);
    const ready = await request(server)
      .get(`${base}/releases/${id}`)
      .set('Authorization', as.alice);
    expect(ready.status).toBe(200);
    expect(ready.body.release.state).toBe('ready');
    expect(ready.body.openItemIds).toEqual([]);

    const first = await request(server)
      .post(`${base}/releases/${id}/approvals`)
      .set('Authorization', as.carol)
      .send({ decision: 'approve', comment: 'ok' });
    expect(first.status).toBe(201);
    expect(first.body.approvalsRemaining).toBe(1);
    const second = await request(server)
      .post(`${base}/releases/${id}/approvals`)
      .set('Authorization', as.dave)
      .send({ decision: 'approve' });
    expect(second.status).toBe(201);
    expect(second.body.release.state).toBe('approved');

    const audit = await request(server)
      .get(`${base}/releases/${id}/audit`)
      .set('Authorization', as.alice);
    expect(audit.status).toBe(200);
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions[0]).toBe('release.created');
    expect(actions.slice(-3)).toEqual([
      'release.approval',
      'release.approval',
      'release.approved',
    ]);
  });

  it('fails to start with bad config, naming the key', async () => {
    await expect(
      startBackend({
        config: {
          releaseCoordinator: {
            environments: [{ name: 'production', requiredApprovals: -2 }],
          },
        },
      }),
    ).rejects.toThrow('releaseCoordinator.environments[0].requiredApprovals');
  });

  it.each(concurrencyDatabases.eachSupportedId())(
    'counts two simultaneous approval requests once each and approves once, %p',
    async databaseId => {
      const server = await startBackend({ databaseId });
      const { release } = await createRelease(server);
      await makeReady(server, release.id);
      const responses = await Promise.all(
        [as.carol, as.dave].map(authorization =>
          request(server)
            .post(`${base}/releases/${release.id}/approvals`)
            .set('Authorization', authorization)
            .send({ decision: 'approve' }),
        ),
      );
      expect(responses.map(r => r.status)).toEqual([201, 201]);
      const details = await request(server)
        .get(`${base}/releases/${release.id}`)
        .set('Authorization', as.alice);
      expect(details.body.release.state).toBe('approved');
      expect(details.body.approvals).toHaveLength(2);
      const audit = await request(server)
        .get(`${base}/releases/${release.id}/audit`)
        .set('Authorization', as.alice);
      expect(
        audit.body.items.filter(
          (e: { action: string }) => e.action === 'release.approved',
        ),
      ).toHaveLength(1);
    },
  );

  it('answers malformed bodies on every release route with a 4xx, never a 5xx', async () => {
    const server = await startBackend();
    const { release } = await createRelease(server);
    const routes: Array<['post' | 'patch' | 'put', string]> = [
      ['post', createPath],
      ['patch', `${base}/releases/${release.id}`],
      ['put', `${base}/releases/${release.id}/checklist/tests-passing`],
      ['post', `${base}/releases/${release.id}/evidence`],
      ['post', `${base}/releases/${release.id}/approvals`],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(
          fc.anything(),
          fc.record({
            version: fc.anything(),
            environment: fc.anything(),
            plan: fc.anything(),
            items: fc.anything(),
            status: fc.anything(),
            decision: fc.anything(),
            commitSha: fc.anything(),
          }),
        ),
        async ([method, route], body) => {
          const response = await request(server)
            [method](route)
            .set('Authorization', as.carol)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(body) ?? 'null');
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });

  describe('POST /entities/:kind/:namespace/:name/releases', () => {
    it.each([
      [{ environment: 'production', plan: simplePlan }, 'version'],
      [
        {
          version: '1',
          environment: 'production',
          plan: { ...simplePlan, strategy: 'big-bang' },
        },
        'plan.strategy',
      ],
      [
        {
          version: '1',
          environment: 'production',
          plan: simplePlan,
          commitSha: 'not-a-sha',
        },
        'commitSha',
      ],
      [
        {
          version: '1',
          environment: 'production',
          plan: { ...simplePlan, strategy: 'rolling' },
        },
        'plan.strategy',
      ],
      [{ version: '1', environment: 'qa', plan: simplePlan }, 'environment'],
      [
        {
          version: '1',
          environment: 'production',
          plan: simplePlan,
          colour: 'red',
        },
        'colour',
      ],
    ])('answers 400 for %j naming %s', async (body, field) => {
      const server = await startBackend();
      const response = await request(server)
        .post(createPath)
        .set('Authorization', as.alice)
        .send(body);
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('InputError');
      expect(response.body.error.message).toContain(field);
    });

    it('answers 401 without credentials, 404 for an unknown entity, 403 without release.create', async () => {
      let server = await startBackend();
      const body = {
        version: '1',
        environment: 'production',
        plan: simplePlan,
      };
      expect(
        (
          await request(server)
            .post(createPath)
            .set('Authorization', as.nobody)
            .send(body)
        ).status,
      ).toBe(401);
      const unknown = await request(server)
        .post(`${base}/entities/component/default/nope/releases`)
        .set('Authorization', as.alice)
        .send(body);
      expect(unknown.status).toBe(404);
      server = await startBackend({
        permissions: permissionsDenying('release-coordinator.release.create')
          .factory,
      });
      const denied = await request(server)
        .post(createPath)
        .set('Authorization', as.alice)
        .send(body);
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('component:default/payments');
    });
  });

  describe('/releases/:id', () => {
    it('answers 404 for an unknown release and 401 without credentials', async () => {
      const server = await startBackend();
      for (const suffix of ['', '/audit']) {
        const response = await request(server)
          .get(`${base}/releases/nope${suffix}`)
          .set('Authorization', as.alice);
        expect(response.status).toBe(404);
        expect(response.body.error.name).toBe('NotFoundError');
      }
      const { release } = await createRelease(server);
      expect(
        (
          await request(server)
            .get(`${base}/releases/${release.id}`)
            .set('Authorization', as.nobody)
        ).status,
      ).toBe(401);
    });

    it('asks for release.read on the release entity', async () => {
      const permissions = permissionsDenying(
        'release-coordinator.release.read',
      );
      const server = await startBackend({ permissions: permissions.factory });
      const { release } = await createRelease(server);
      const response = await request(server)
        .get(`${base}/releases/${release.id}`)
        .set('Authorization', as.alice);
      expect(response.status).toBe(403);
      expect(permissions.authorize).toHaveBeenCalledWith(
        [
          {
            permission: expect.objectContaining({
              name: 'release-coordinator.release.read',
            }),
            resourceRef: 'component:default/payments',
          },
        ],
        expect.anything(),
      );
    });

    it('PATCH resets automatic items on a new commit; 400 on an empty body', async () => {
      const server = await startBackend();
      const { release } = await createRelease(server);
      await makeReady(server, release.id);
      const empty = await request(server)
        .patch(`${base}/releases/${release.id}`)
        .set('Authorization', as.alice)
        .send({});
      expect(empty.status).toBe(400);
      const patched = await request(server)
        .patch(`${base}/releases/${release.id}`)
        .set('Authorization', as.alice)
        .send({ commitSha: 'beef0001' });
      expect(patched.status).toBe(200);
      expect(patched.body.release).toMatchObject({
        commitSha: 'beef0001',
        state: 'draft',
      });
      expect(patched.body.openItemIds).toContain('tests-passing');
    });
  });

  describe('PUT /releases/:id/checklist/:itemId', () => {
    it('checks the waive permission for waivers and the attest permission for attestations', async () => {
      const server = await startBackend({
        permissions: permissionsDenying('release-coordinator.checklist.waive')
          .factory,
      });
      const { release } = await createRelease(server);
      const itemPath = `${base}/releases/${release.id}/checklist/deployment-plan-documented`;
      const waive = await request(server)
        .put(itemPath)
        .set('Authorization', as.dave)
        .send({ status: 'waived', comment: 'no time' });
      expect(waive.status).toBe(403);
      const attest = await request(server)
        .put(itemPath)
        .set('Authorization', as.dave)
        .send({ status: 'passed', comment: 'see runbook' });
      expect(attest.status).toBe(200);
    });

    it('answers 400, 404 and 403 for bad attestations', async () => {
      const server = await startBackend();
      const { release } = await createRelease(server);
      const noReason = await request(server)
        .put(`${base}/releases/${release.id}/checklist/image-scanned`)
        .set('Authorization', as.dave)
        .send({ status: 'waived' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toContain('comment');
      const unknown = await request(server)
        .put(`${base}/releases/${release.id}/checklist/no-such-item`)
        .set('Authorization', as.dave)
        .send({ status: 'passed', comment: 'x' });
      expect(unknown.status).toBe(404);
      const badStatus = await request(server)
        .put(`${base}/releases/${release.id}/checklist/image-scanned`)
        .set('Authorization', as.dave)
        .send({ status: 'expired' });
      expect(badStatus.status).toBe(400);
      expect(badStatus.body.error.message).toContain('status');

      const migrating = await request(server)
        .post(createPath)
        .set('Authorization', as.alice)
        .send({
          version: '2',
          environment: 'production',
          plan: { ...simplePlan, hasDatabaseMigrations: true },
        });
      const notDba = await request(server)
        .put(
          `${base}/releases/${migrating.body.release.id}/checklist/db-migration-tested`,
        )
        .set('Authorization', as.carol)
        .send({ status: 'passed', comment: 'ran on replica' });
      expect(notDba.status).toBe(403);
      expect(notDba.body.error.message).toContain('database-admin');
      const dba = await request(server)
        .put(
          `${base}/releases/${migrating.body.release.id}/checklist/db-migration-tested`,
        )
        .set('Authorization', as.erin)
        .send({ status: 'passed', comment: 'ran on replica' });
      expect(dba.status).toBe(200);
    });
  });

  describe('POST /releases/:id/evidence', () => {
    it('answers 409 for evidence of another commit and 400 for a bad body', async () => {
      const server = await startBackend();
      const { release } = await createRelease(server);
      const stale = await request(server)
        .post(`${base}/releases/${release.id}/evidence`)
        .set('Authorization', as.ci)
        .send({
          items: [
            {
              itemId: 'tests-passing',
              status: 'passed',
              source: 'ci',
              commitSha: 'ffff0000',
            },
          ],
        });
      expect(stale.status).toBe(409);
      expect(stale.body.error.message).toContain('ffff0000');
      expect(stale.body.error.message).toContain(COMMIT);
      const bad = await request(server)
        .post(`${base}/releases/${release.id}/evidence`)
        .set('Authorization', as.ci)
        .send({ items: [] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('items');
    });

    it('takes a coverage number where a number is meant, and still text', async () => {
      const server = await startBackend();
      const { release } = await createRelease(server);
      const coverage = (value: unknown) =>
        request(server)
          .post(`${base}/releases/${release.id}/evidence`)
          .set('Authorization', as.ci)
          .send({
            items: [
              {
                itemId: 'code-coverage',
                status: 'passed',
                source: 'ci',
                value,
              },
            ],
          });
      const item = (body: ReleaseDetails) =>
        body.checklist.find(i => i.id === 'code-coverage');
      const low = await coverage(79);
      expect(low.status).toBe(200);
      expect(item(low.body)).toMatchObject({
        status: 'failed',
        evidence: { value: '79' },
      });
      const high = await coverage(84.5);
      expect(item(high.body)).toMatchObject({
        status: 'passed',
        evidence: { value: '84.5' },
      });
      const text = await coverage('81%');
      expect(item(text.body)).toMatchObject({
        status: 'passed',
        evidence: { value: '81%' },
      });
      const notANumber = await coverage(true);
      expect(notANumber.status).toBe(400);
      expect(notANumber.body.error.message).toContain('items.0.value');
    });
  });

  describe('stored links', () => {
    it.each([
      // The attack under test: a link that runs script when clicked.
      // eslint-disable-next-line no-script-url
      'javascript:alert(document.cookie)',
      'file:///etc/passwd',
      'data:text/html,x',
    ])(
      'refuses %s as evidenceUrl and evidence url with 400, storing nothing',
      async link => {
        const server = await startBackend();
        const { release } = await createRelease(server);
        const attest = await request(server)
          .put(
            `${base}/releases/${release.id}/checklist/deployment-plan-documented`,
          )
          .set('Authorization', as.alice)
          .send({ status: 'passed', evidenceUrl: link, comment: 'plan' });
        expect(attest.status).toBe(400);
        expect(attest.body.error.message).toContain('evidenceUrl');
        const evidence = await request(server)
          .post(`${base}/releases/${release.id}/evidence`)
          .set('Authorization', as.ci)
          .send({
            items: [
              {
                itemId: 'tests-passing',
                status: 'passed',
                source: 'ci',
                url: link,
              },
            ],
          });
        expect(evidence.status).toBe(400);
        expect(evidence.body.error.message).toContain('url');

        const after = await request(server)
          .get(`${base}/releases/${release.id}`)
          .set('Authorization', as.alice);
        const items = after.body.checklist as Array<{
          id: string;
          status: string;
          evidence?: unknown;
        }>;
        for (const id of ['deployment-plan-documented', 'tests-passing']) {
          const item = items.find(candidate => candidate.id === id)!;
          expect(item.status).toBe('pending');
          expect(item.evidence).toBeUndefined();
        }
      },
    );
  });

  describe('POST /releases/:id/approvals', () => {
    it('answers 403 for a self-approval and 409 while items are open', async () => {
      const server = await startBackend();
      const created = await request(server)
        .post(createPath)
        .set('Authorization', as.alice)
        .send({ version: '1', environment: 'production', plan: simplePlan });
      const id = created.body.release.id;
      const self = await request(server)
        .post(`${base}/releases/${id}/approvals`)
        .set('Authorization', as.alice)
        .send({ decision: 'approve' });
      expect(self.status).toBe(403);
      expect(self.body.error.message).toContain('separation of duties');
      const open = await request(server)
        .post(`${base}/releases/${id}/approvals`)
        .set('Authorization', as.carol)
        .send({ decision: 'approve' });
      expect(open.status).toBe(409);
      expect(open.body.error.message).toContain('tests-passing');
      const bad = await request(server)
        .post(`${base}/releases/${id}/approvals`)
        .set('Authorization', as.carol)
        .send({ decision: 'maybe' });
      expect(bad.status).toBe(400);
    });

    it('answers 403 without release.approve', async () => {
      const server = await startBackend({
        permissions: permissionsDenying('release-coordinator.release.approve')
          .factory,
      });
      const { release } = await createRelease(server);
      const response = await request(server)
        .post(`${base}/releases/${release.id}/approvals`)
        .set('Authorization', as.carol)
        .send({ decision: 'reject' });
      expect(response.status).toBe(403);
    });

    it('blocks approval during a freeze; an override needs the override permission', async () => {
      let server = await startBackend({
        config: alwaysFrozen,
        permissions: permissionsDenying('release-coordinator.freeze.override')
          .factory,
      });
      let { release } = await createRelease(server);
      await makeReady(server, release.id);
      const frozen = await request(server)
        .post(`${base}/releases/${release.id}/approvals`)
        .set('Authorization', as.carol)
        .send({ decision: 'approve' });
      expect(frozen.status).toBe(409);
      expect(frozen.body.error.message).toContain("'change-freeze'");
      const denied = await request(server)
        .post(`${base}/releases/${release.id}/approvals`)
        .set('Authorization', as.carol)
        .send({ decision: 'approve', overrideFreeze: { reason: 'hotfix' } });
      expect(denied.status).toBe(403);

      server = await startBackend({ config: alwaysFrozen });
      ({ release } = await createRelease(server));
      await makeReady(server, release.id);
      const overridden = await request(server)
        .post(`${base}/releases/${release.id}/approvals`)
        .set('Authorization', as.carol)
        .send({
          decision: 'approve',
          overrideFreeze: { reason: 'hotfix for outage' },
        });
      expect(overridden.status).toBe(201);
      expect(overridden.body.activeFreeze.name).toBe('change-freeze');
      const audit = await request(server)
        .get(`${base}/releases/${release.id}/audit`)
        .set('Authorization', as.alice);
      expect(audit.body.items).toContainEqual(
        expect.objectContaining({
          action: 'freeze.overridden',
          reason: 'hotfix for outage',
        }),
      );
    });

    it('answers 409 to a second decision after a reject', async () => {
      const server = await startBackend();
      const { release } = await createRelease(server);
      const rejected = await request(server)
        .post(`${base}/releases/${release.id}/approvals`)
        .set('Authorization', as.dave)
        .send({ decision: 'reject', comment: 'no' });
      expect(rejected.status).toBe(201);
      expect(rejected.body.release.state).toBe('rejected');
      const again = await request(server)
        .post(`${base}/releases/${release.id}/approvals`)
        .set('Authorization', as.carol)
        .send({ decision: 'approve' });
      expect(again.status).toBe(409);
    });
  });
});

describe('openapi.yaml (release readiness)', () => {
  const spec = fs.readFileSync(
    path.resolve(__dirname, '../schema/openapi.yaml'),
    'utf8',
  );

  it.each([
    ['/entities/{kind}/{namespace}/{name}/releases', 'post'],
    ['/releases/{id}', 'get'],
    ['/releases/{id}', 'patch'],
    ['/releases/{id}/checklist/{itemId}', 'put'],
    ['/releases/{id}/evidence', 'post'],
    ['/releases/{id}/approvals', 'post'],
    ['/releases/{id}/audit', 'get'],
  ])('documents %s %s', (route, method) => {
    const block = spec
      .split(/\n {2}(?=\/)/)
      .find(b => b.startsWith(`${route}:`));
    expect(block).toBeDefined();
    expect(block).toMatch(new RegExp(`\\n {4}${method}:`));
  });

  it('defines every schema it references', () => {
    const refs = [...spec.matchAll(/#\/components\/schemas\/(\w+)/g)].map(
      m => m[1],
    );
    for (const ref of new Set(refs)) {
      expect(spec).toMatch(new RegExp(`\\n {4}${ref}:\\n`));
    }
  });
});

import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import {
  releaseCreatePermission,
  releaseUpdatePermission,
} from '@release-coordinator/backstage-plugin-common';
import request from 'supertest';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { releaseCoordinatorPlugin } from '../plugin';
import { migrationPlan, payments, testConfig } from './__testUtils__/fixtures';

jest.setTimeout(120_000);

// Separation of duties with resolved identities, and who may change a
// release (docs/identities.md), on SQLite and PostgreSQL.
const databases = createTestDatabases();

const base = '/api/release-coordinator';
const createPath = `${base}/entities/component/default/payments/releases`;
const COMMIT = 'a1b2c3d4e5f6';

/** Group memberships, as the sign-in resolver would give them. */
const groups: Record<string, string[]> = {
  'user:default/carol': ['group:default/team-a'],
  'user:default/dave': ['group:default/sre'],
  'user:development/guest': ['group:default/team-a'],
  'user:default/erin': ['group:default/dba'],
  // Platform team: not an owner of payments.
  'user:default/bob': ['group:default/platform'],
};

const as = (ref: string) => mockCredentials.user.header(ref);
const ci = mockCredentials.service.header();
const carol = as('user:default/carol');
const dave = as('user:default/dave');
const guest = as('user:development/guest');
const bob = as('user:default/bob');
const erin = as('user:default/erin');

function user(name: string, spec: object, annotations = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default', annotations },
    spec,
  };
}

const carolEntity = user(
  'carol',
  { profile: { email: 'Carol@Example.com' }, memberOf: ['team-a'] },
  { 'github.com/user-login': 'carol-gh', 'gitlab.com/user-login': 'carol-gl' },
);
const daveEntity = user('dave', {
  profile: { email: 'dave@example.com' },
  memberOf: ['sre'],
});

/**
 * The portal's policy in small: release.update for the entity's owners
 * (team-a), everything else (release.create included) for everybody.
 */
const permissions = mockServices.permissions.mock({
  authorize: jest.fn(async (requests: AuthorizePermissionRequest[], opts) => {
    const principal = (opts?.credentials as any)?.principal;
    const ref: string | undefined = principal?.userEntityRef;
    const owner = ref ? groups[ref]?.includes('group:default/team-a') : false;
    return requests.map(r => ({
      result:
        r.permission.name === releaseUpdatePermission.name && !owner
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    }));
  }),
});

const userInfo = mockServices.userInfo.mock({
  getUserInfo: async credentials => {
    const { userEntityRef } = credentials.principal as {
      userEntityRef: string;
    };
    return {
      userEntityRef,
      ownershipEntityRefs: [userEntityRef, ...(groups[userEntityRef] ?? [])],
    };
  },
});

const config = {
  releaseCoordinator: { ...testConfig.releaseCoordinator, freezeWindows: [] },
};

describe.each(databases.eachSupportedId())(
  'release identities and changes, %p',
  (databaseId: TestDatabaseId) => {
    /** The catalog the backend sees; tests swap it to change the users. */
    let catalog: InMemoryCatalogClient;

    async function startBackend(entities: Entity[]) {
      catalog = new InMemoryCatalogClient({ entities });
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          releaseCoordinatorPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({ data: config }),
          createServiceFactory({
            service: catalogServiceRef,
            deps: {},
            factory: () =>
              new Proxy({} as InMemoryCatalogClient, {
                get: (_target, key) => {
                  const value = (catalog as any)[key];
                  return typeof value === 'function'
                    ? value.bind(catalog)
                    : value;
                },
              }),
          }),
          userInfo.factory,
          permissions.factory,
        ],
      });
      return server;
    }

    type Server = Awaited<ReturnType<typeof startBackend>>;

    async function create(
      server: Server,
      commitAuthors: string[],
      authorization = ci,
      plan = migrationPlan,
    ) {
      return request(server)
        .post(createPath)
        .set('Authorization', authorization)
        .send({
          version: '2.0.0',
          environment: 'production',
          commitSha: COMMIT,
          plan,
          commitAuthors,
        });
    }

    /** Passes every item of the checklist (evidence, attestations). */
    async function makeReady(server: Server, id: string) {
      const details = await request(server)
        .get(`${base}/releases/${id}`)
        .set('Authorization', guest);
      const items: Array<{ id: string; kind: string }> = details.body.checklist;
      const evidence = await request(server)
        .post(`${base}/releases/${id}/evidence`)
        .set('Authorization', ci)
        .send({
          items: items
            .filter(item => item.kind === 'automatic')
            .map(item => ({
              itemId: item.id,
              status: 'passed',
              source: 'ci',
              commitSha: COMMIT,
              ...(item.id === 'code-coverage' && { value: '90' }),
            })),
        });
      expect(evidence.status).toBe(200);
      for (const item of items.filter(i => i.kind === 'manual')) {
        const attested = await request(server)
          .put(`${base}/releases/${id}/checklist/${item.id}`)
          .set(
            'Authorization',
            item.id === 'db-migration-tested' ? erin : guest,
          )
          .send({
            status: 'passed',
            evidenceUrl: `https://wiki.example.com/${item.id}`,
          });
        expect(attested.status).toBe(200);
      }
      const ready = await request(server)
        .get(`${base}/releases/${id}`)
        .set('Authorization', guest);
      expect(ready.body.release.state).toBe('ready');
      return ready.body;
    }

    async function snapshot(server: Server, id: string) {
      const [details, audit] = await Promise.all([
        request(server).get(`${base}/releases/${id}`).set('Authorization', ci),
        request(server)
          .get(`${base}/releases/${id}/audit`)
          .set('Authorization', ci),
      ]);
      expect(details.status).toBe(200);
      return { details: details.body, audit: audit.body.items };
    }

    it.each([
      ['an e-mail', 'carol@example.com'],
      [
        'an e-mail in another case, as git prints it',
        'Carol <CAROL@example.COM>',
      ],
      ['a ref with a leading space', ' user:default/carol'],
      ['a ref in another case', 'User:Default/Carol'],
      ['a bare name', 'carol'],
      ['a GitHub login', 'github:carol-gh'],
      ['a GitLab login', 'gitlab:Carol-GL'],
    ])(
      'resolves %s (%p) to carol, who then cannot approve',
      async (_what, author) => {
        const server = await startBackend([payments, carolEntity, daveEntity]);
        const created = await create(server, [author]);
        expect(created.status).toBe(201);
        expect(created.body.release.commitAuthors).toEqual([
          'user:default/carol',
        ]);
        expect(created.body.release.unresolvedCommitAuthors).toBeUndefined();
        const { release } = created.body;
        await makeReady(server, release.id);
        const before = await snapshot(server, release.id);

        const approval = await request(server)
          .post(`${base}/releases/${release.id}/approvals`)
          .set('Authorization', carol)
          .send({ decision: 'approve' });
        expect(approval.status).toBe(403);
        expect(approval.body.error.message).toContain(
          'authored commits of this release',
        );
        expect(await snapshot(server, release.id)).toEqual(before);
        expect(before.details.approvals).toEqual([]);

        // Somebody else still may.
        const other = await request(server)
          .post(`${base}/releases/${release.id}/approvals`)
          .set('Authorization', dave)
          .send({ decision: 'approve' });
        expect(other.status).toBe(201);
      },
    );

    it('keeps an author no user carries as unresolved; it blocks whoever turns out to have that e-mail or login', async () => {
      // carol is not yet in the catalog with her e-mail and logins.
      const server = await startBackend([
        payments,
        user('carol', { memberOf: ['team-a'] }),
        daveEntity,
      ]);
      const created = await create(server, [
        'carol@example.com',
        'github:carol-gh',
      ]);
      expect(created.status).toBe(201);
      expect(created.body.release.commitAuthors).toEqual([]);
      expect(created.body.release.unresolvedCommitAuthors).toEqual([
        'carol@example.com',
        'github:carol-gh',
      ]);
      const { release } = created.body;
      await makeReady(server, release.id);
      // Now the catalog knows carol's e-mail.
      catalog = new InMemoryCatalogClient({
        entities: [payments, carolEntity, daveEntity],
      });
      const before = await snapshot(server, release.id);
      const approval = await request(server)
        .post(`${base}/releases/${release.id}/approvals`)
        .set('Authorization', carol)
        .send({ decision: 'approve' });
      expect(approval.status).toBe(403);
      expect(approval.body.error.message).toContain(
        'unresolved commit author carol@example.com, github:carol-gh',
      );
      expect(await snapshot(server, release.id)).toEqual(before);

      // An approver the catalog does not know cannot be ruled out either.
      const unknown = await request(server)
        .post(`${base}/releases/${release.id}/approvals`)
        .set('Authorization', as('user:default/sre-temp'))
        .send({ decision: 'approve' });
      expect(unknown.status).toBe(403);
      expect(await snapshot(server, release.id)).toEqual(before);

      // dave's e-mail and logins match none of them.
      const other = await request(server)
        .post(`${base}/releases/${release.id}/approvals`)
        .set('Authorization', dave)
        .send({ decision: 'approve' });
      expect(other.status).toBe(201);
    });

    it.each([
      ['group:default/team-a', 'names a group, not a user'],
      ['user:default/', 'is not a user entity ref'],
      ['carol@', 'is not a valid e-mail address'],
      ['github:', 'is not a valid github login'],
      ['   ', 'is empty'],
      ['user:default/carol@example.com', 'is not a user entity ref'],
    ])('answers 400 naming a malformed author %p', async (author, why) => {
      const server = await startBackend([payments, carolEntity]);
      const created = await create(server, ['user:default/dave', author]);
      expect(created.status).toBe(400);
      expect(created.body.error.message).toContain(`'${author}' ${why}`);
      const list = await request(server)
        .get(`${base}/entities/component/default/payments/releases`)
        .set('Authorization', ci);
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([]);
    });

    it("refuses bob's PATCH of guest's release dropping the migration gate (403), changing nothing", async () => {
      const server = await startBackend([payments, carolEntity, daveEntity]);
      const created = await create(server, [], guest);
      expect(created.status).toBe(201);
      const { release } = created.body;
      await makeReady(server, release.id);
      const approved = await request(server)
        .post(`${base}/releases/${release.id}/approvals`)
        .set('Authorization', carol)
        .send({ decision: 'approve' });
      expect(approved.status).toBe(201);
      const before = await snapshot(server, release.id);

      const patched = await request(server)
        .patch(`${base}/releases/${release.id}`)
        .set('Authorization', bob)
        .send({ plan: { ...migrationPlan, hasDatabaseMigrations: false } });
      expect(patched.status).toBe(403);
      expect(patched.body.error.message).toContain(
        releaseUpdatePermission.name,
      );
      expect(await snapshot(server, release.id)).toEqual(before);
      expect(before.details.release.plan.hasDatabaseMigrations).toBe(true);
      expect(before.details.approvals).toHaveLength(1);
      expect(permissions.authorize).toHaveBeenCalledWith(
        expect.arrayContaining([
          expect.objectContaining({ permission: releaseCreatePermission }),
        ]),
        expect.anything(),
      );
    });

    it('audits a PATCH that removes a gate and invalidates the approvals and attestations it made irrelevant', async () => {
      const server = await startBackend([payments, carolEntity, daveEntity]);
      const created = await create(server, [], guest);
      const { release } = created.body;
      await makeReady(server, release.id);
      const approved = await request(server)
        .post(`${base}/releases/${release.id}/approvals`)
        .set('Authorization', carol)
        .send({ decision: 'approve' });
      expect(approved.status).toBe(201);

      // The creator may change it.
      const patched = await request(server)
        .patch(`${base}/releases/${release.id}`)
        .set('Authorization', guest)
        .send({ plan: { ...migrationPlan, hasDatabaseMigrations: false } });
      expect(patched.status).toBe(200);
      const { details, audit } = await snapshot(server, release.id);
      expect(details.release.state).toBe('draft');
      expect(details.approvals).toEqual([]);
      const status = Object.fromEntries(
        details.checklist.map((i: { id: string; status: string }) => [
          i.id,
          i.status,
        ]),
      );
      expect(status['db-migration-tested']).toBeUndefined();
      expect(status['migration-rollback-plan']).toBeUndefined();
      expect(status['deployment-plan-documented']).toBe('pending');
      expect(status['rollback-procedure-tested']).toBe('pending');
      // Not about the plan: kept.
      expect(status['monitoring-alerts-configured']).toBe('passed');
      expect(status['tests-passing']).toBe('passed');

      const removed = audit.find(
        (e: { action: string }) => e.action === 'release.gate-removed',
      );
      expect(removed).toMatchObject({
        actor: 'user:development/guest',
        before: {
          gates: { hasDatabaseMigrations: true },
          items: expect.arrayContaining([
            expect.objectContaining({
              itemId: 'db-migration-tested',
              status: 'passed',
            }),
            expect.objectContaining({
              itemId: 'deployment-plan-documented',
              status: 'passed',
            }),
          ]),
        },
        after: {
          gates: { hasDatabaseMigrations: false },
          removedItems: ['db-migration-tested', 'migration-rollback-plan'],
          resetItems: [
            'deployment-plan-documented',
            'rollback-procedure-tested',
          ],
        },
      });
      expect(
        audit.find(
          (e: { action: string }) => e.action === 'approvals.invalidated',
        ),
      ).toMatchObject({
        before: [expect.objectContaining({ approver: 'user:default/carol' })],
        reason: 'new plan without hasDatabaseMigrations',
      });
    });

    it('treats dropping config changes as a removed gate, and adding a gate as none', async () => {
      const server = await startBackend([payments, carolEntity, daveEntity]);
      const configPlan = { ...migrationPlan, hasConfigChanges: true };
      const created = await create(server, [], guest, configPlan);
      expect(created.status).toBe(201);
      const { release } = created.body;
      await makeReady(server, release.id);

      const dropped = await request(server)
        .patch(`${base}/releases/${release.id}`)
        .set('Authorization', guest)
        .send({ plan: { ...configPlan, hasConfigChanges: false } });
      expect(dropped.status).toBe(200);
      let { details, audit } = await snapshot(server, release.id);
      const gateEvents = () =>
        audit.filter(
          (e: { action: string }) => e.action === 'release.gate-removed',
        );
      expect(gateEvents()).toEqual([
        expect.objectContaining({
          before: expect.objectContaining({
            gates: { hasConfigChanges: true },
          }),
          after: expect.objectContaining({
            gates: { hasConfigChanges: false },
            removedItems: ['config-rollout-plan'],
          }),
        }),
      ]);
      expect(details.checklist.map((i: { id: string }) => i.id)).not.toContain(
        'config-rollout-plan',
      );

      // Putting a gate back removes none: no new gate-removed event.
      const added = await request(server)
        .patch(`${base}/releases/${release.id}`)
        .set('Authorization', guest)
        .send({ plan: configPlan });
      expect(added.status).toBe(200);
      ({ details, audit } = await snapshot(server, release.id));
      expect(gateEvents()).toHaveLength(1);
      expect(
        details.checklist.find(
          (i: { id: string }) => i.id === 'config-rollout-plan',
        ).status,
      ).toBe('pending');
    });

    it.each([
      // eslint-disable-next-line no-script-url
      ['evidenceUrl', 'javascript:alert(1)'],
      ['evidenceUrl', 'data:text/html,hi'],
      ['evidenceUrl', 'file:///etc/passwd'],
    ])(
      'answers 400 naming %s for a %p link, storing nothing',
      async (field, link) => {
        const server = await startBackend([payments]);
        const created = await create(server, []);
        const { release } = created.body;
        const before = await snapshot(server, release.id);
        const attested = await request(server)
          .put(
            `${base}/releases/${release.id}/checklist/deployment-plan-documented`,
          )
          .set('Authorization', carol)
          .send({ status: 'passed', [field]: link });
        expect(attested.status).toBe(400);
        expect(attested.body.error.message).toContain(
          `${field}: must be an http(s) URL`,
        );
        const evidence = await request(server)
          .post(`${base}/releases/${release.id}/evidence`)
          .set('Authorization', ci)
          .send({
            items: [
              {
                itemId: 'security-scan',
                status: 'passed',
                source: 'ci',
                url: link,
              },
            ],
          });
        expect(evidence.status).toBe(400);
        expect(evidence.body.error.message).toContain(
          'items.0.url: must be an http(s) URL',
        );
        expect(await snapshot(server, release.id)).toEqual(before);
      },
    );
  },
);

import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import {
  ChecklistItem,
  ReleaseState,
} from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import request from 'supertest';
import { DatabaseReleaseStore } from '../database/DatabaseReleaseStore';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { releaseCoordinatorPlugin } from '../plugin';
import { payments, simplePlan, testConfig } from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const base = '/api/release-coordinator';
const gatePath = `${base}/entities/component/default/payments/gate`;
const COMMIT = 'a1b2c3d4e5f6';
const DAY = 24 * 60 * 60 * 1000;

const ci = mockCredentials.service.header();

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

function permissionsDenying(...denied: string[]) {
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

/** An attested rollback rehearsal, recorded `ageDays` ago. */
function rehearsal(ageDays: number): ChecklistItem {
  return {
    id: 'rollback-procedure-tested',
    title: 'Rollback procedure tested',
    stage: 'staging',
    kind: 'manual',
    status: 'passed',
    evidence: {
      recordedBy: 'user:default/carol',
      recordedAt: new Date(Date.now() - ageDays * DAY).toISOString(),
    },
  };
}

describe.each(databases.eachSupportedId())(
  'gate route (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;

    async function start(
      options: {
        config?: object;
        permissions?: ReturnType<typeof permissionsDenying>;
      } = {},
    ) {
      knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          releaseCoordinatorPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({ data: options.config ?? unfrozen }),
          catalogServiceMock.factory({ entities: [payments] }),
          options.permissions ??
            mockServices.permissions.factory({
              result: AuthorizeResult.ALLOW,
            }),
        ],
      });
      for (const table of [
        'deployment_commits',
        'deployment_artifacts',
        'rollbacks',
        'deployments',
        'audit_events',
        'approvals',
        'freeze_overrides',
        'checklist_items',
        'releases',
      ]) {
        await knex(table).del();
      }
      const store = await DatabaseReleaseStore.create({
        database: mockServices.database({ knex }),
        skipMigrations: true,
      });
      return { server, store };
    }

    async function release(
      store: DatabaseReleaseStore,
      state: ReleaseState,
      extra: {
        environment?: string;
        version?: string;
        commitSha?: string;
        checklist?: ChecklistItem[];
      } = {},
    ) {
      return store.createRelease({
        entityRef: 'component:default/payments',
        environment: extra.environment ?? 'production',
        version: extra.version ?? '1.4.0',
        commitSha: extra.commitSha,
        plan: simplePlan,
        state,
        createdBy: 'user:default/alice',
        checklist: extra.checklist,
      });
    }

    function gate(server: any, query: Record<string, string>) {
      return request(server)
        .get(gatePath)
        .query(query)
        .set('Authorization', ci);
    }

    const production = { environment: 'production', version: '1.4.0' };

    it('allows an approved release, naming it', async () => {
      const { server, store } = await start();
      const approved = await release(store, 'approved', { commitSha: COMMIT });
      const response = await gate(server, { ...production, commitSha: COMMIT });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        allowed: true,
        release: { id: approved.id, state: 'approved', version: '1.4.0' },
        reasons: [
          {
            code: 'approved',
            message: expect.stringContaining('approved for production'),
          },
        ],
      });
    });

    it('denies when there is no release of the version, saying who can act', async () => {
      const { server, store } = await start();
      await release(store, 'approved', { version: '1.3.0' });
      const response = await gate(server, production);
      expect(response.status).toBe(200);
      expect(response.body.allowed).toBe(false);
      expect(response.body.release).toBeNull();
      expect(response.body.reasons).toEqual([
        {
          code: 'no-release',
          message: expect.stringMatching(
            /No release of component:default\/payments version 1\.4\.0 for production.*group:default\/sre/,
          ),
        },
      ]);
    });

    it('denies a release that is not approved yet, with the approvals missing', async () => {
      const { server, store } = await start();
      const ready = await release(store, 'ready');
      const response = await gate(server, production);
      expect(response.body).toEqual({
        allowed: false,
        release: { id: ready.id, state: 'ready', version: '1.4.0' },
        reasons: [
          {
            code: 'not-approved',
            message: expect.stringContaining(
              '2 more approval(s) from members of the owner group of component:default/payments or group:default/sre',
            ),
          },
        ],
      });
    });

    it('denies a rejected release', async () => {
      const { server, store } = await start();
      await release(store, 'rejected');
      const response = await gate(server, production);
      expect(response.body.allowed).toBe(false);
      expect(response.body.reasons.map((r: any) => r.code)).toEqual([
        'rejected',
      ]);
    });

    it('denies during a freeze unless an override was recorded for the release', async () => {
      const { server, store } = await start({ config: alwaysFrozen });
      const approved = await release(store, 'approved');
      const frozen = await gate(server, production);
      expect(frozen.body.allowed).toBe(false);
      expect(frozen.body.reasons).toEqual([
        {
          code: 'frozen',
          message: expect.stringContaining(
            "production is frozen by 'change-freeze'",
          ),
        },
      ]);
      await store.inReleaseTransaction(approved.id, tx =>
        tx.insertFreezeOverride({
          actor: 'user:default/dave',
          reason: 'hotfix',
          windowName: 'change-freeze',
        }),
      );
      const overridden = await gate(server, production);
      expect(overridden.body.allowed).toBe(true);
    });

    it('denies when an attested item expired since the approval', async () => {
      const { server, store } = await start();
      await release(store, 'approved', { checklist: [rehearsal(45)] });
      const response = await gate(server, production);
      expect(response.body.allowed).toBe(false);
      expect(response.body.reasons).toEqual([
        {
          code: 'item-expired',
          message: expect.stringContaining('rollback-procedure-tested expired'),
        },
      ]);
      await release(store, 'approved', {
        version: '1.5.0',
        checklist: [rehearsal(2)],
      });
      expect(
        (await gate(server, { ...production, version: '1.5.0' })).body.allowed,
      ).toBe(true);
    });

    it('denies a commit mismatch, naming both commits', async () => {
      const { server, store } = await start();
      await release(store, 'approved', { commitSha: COMMIT });
      const response = await gate(server, {
        ...production,
        commitSha: 'ffffffff',
      });
      expect(response.body).toEqual({
        allowed: false,
        release: null,
        reasons: [
          {
            code: 'commit-mismatch',
            message: expect.stringContaining(
              `is for commit ${COMMIT}, not ffffffff`,
            ),
          },
        ],
      });
    });

    it('prefers the approved release of two of one version', async () => {
      const { server, store } = await start();
      await release(store, 'rejected');
      const approved = await release(store, 'approved');
      await release(store, 'draft');
      const response = await gate(server, production);
      expect(response.body.allowed).toBe(true);
      expect(response.body.release.id).toBe(approved.id);
    });

    it('allows an environment without an approval rule, saying so', async () => {
      const { server } = await start();
      const response = await gate(server, {
        environment: 'staging',
        version: '9.9.9',
      });
      expect(response.body).toEqual({
        allowed: true,
        release: null,
        reasons: [
          {
            code: 'no-approval-rule',
            message: expect.stringContaining('staging has no approval rule'),
          },
        ],
      });
    });

    it('stays allowed while the release deploys, and reflects a pushed deployment', async () => {
      const { server, store } = await start();
      const approved = await release(store, 'approved');
      const pushed = await request(server)
        .post(`${base}/events/deployments`)
        .set('Authorization', ci)
        .send({
          entityRef: 'component:default/payments',
          environment: 'production',
          source: 'ci',
          externalId: 'run-1',
          version: '1.4.0',
          kind: 'deploy',
          status: 'in_progress',
          startedAt: new Date().toISOString(),
        });
      expect(pushed.status).toBe(200);
      const response = await gate(server, production);
      expect(response.body.allowed).toBe(true);
      expect(response.body.release).toEqual({
        id: approved.id,
        state: 'deploying',
        version: '1.4.0',
      });
      const history = await request(server)
        .get(`${base}/entities/component/default/payments/deployments`)
        .set('Authorization', ci);
      expect(history.body.items[0].releaseId).toBe(approved.id);
      const ofRelease = await request(server)
        .get(`${base}/entities/component/default/payments/deployments`)
        .query({ releaseId: approved.id })
        .set('Authorization', ci);
      expect(ofRelease.body.items.map((d: any) => d.externalId)).toEqual([
        'run-1',
      ]);
      const ofOther = await request(server)
        .get(`${base}/entities/component/default/payments/deployments`)
        .query({ releaseId: 'no-such-release' })
        .set('Authorization', ci);
      expect(ofOther.body.items).toEqual([]);
    });

    it('answers 400 for an unknown environment and for bad or missing fields', async () => {
      const { server } = await start();
      const unknown = await gate(server, { environment: 'moon', version: '1' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toContain(
        "environment: unknown environment 'moon'",
      );
      const missing = await gate(server, { environment: 'production' });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain('version');
      const badCommit = await gate(server, { ...production, commitSha: 'xyz' });
      expect(badCommit.status).toBe(400);
      expect(badCommit.body.error.message).toContain('commitSha');
    });

    it('answers 401 without credentials, 403 without release.read, 404 for an unknown entity', async () => {
      const { server } = await start({
        permissions: permissionsDenying('release-coordinator.release.read'),
      });
      const anonymous = await request(server)
        .get(gatePath)
        .query(production)
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      const denied = await gate(server, production);
      expect(denied.status).toBe(403);
      const unknown = await request(server)
        .get(`${base}/entities/component/default/nope/gate`)
        .query(production)
        .set('Authorization', ci);
      expect(unknown.status).toBe(404);
    });
  },
);

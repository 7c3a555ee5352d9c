import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizePermissionResponse,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import { ReleasePlan } from '@release-coordinator/backstage-plugin-common';
import fs from 'node:fs';
import path from 'node:path';
import { Knex } from 'knex';
import request from 'supertest';
import { DatabaseReleaseStore } from '../database/DatabaseReleaseStore';
import { releaseCoordinatorPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'github.com/project-slug': 'acme/payments' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:team-a' },
};

const plan: ReleasePlan = {
  strategy: 'rolling',
  zeroDowntime: false,
  hasDatabaseMigrations: false,
  hasConfigChanges: true,
};

const releasesPath =
  '/api/release-coordinator/entities/component/default/payments/releases';

describe('router', () => {
  let knex: Knex;
  let store: DatabaseReleaseStore;

  async function startBackend(
    permissions: BackendFeature = mockServices.permissions.factory({
      result: AuthorizeResult.ALLOW,
    }),
  ) {
    const { server } = await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [payments] }),
        permissions,
      ],
    });
    return server;
  }

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
    // The plugin runs the migrations on start; this store writes test data
    // into the same database.
    await knex.migrate.latest({
      directory: path.resolve(__dirname, '../../migrations'),
    });
    store = await DatabaseReleaseStore.create({
      database: mockServices.database({ knex }),
      skipMigrations: true,
    });
  });

  describe('GET /health', () => {
    it('answers ok, even without credentials', async () => {
      const server = await startBackend();
      const response = await request(server)
        .get('/api/release-coordinator/health')
        .set('Authorization', mockCredentials.none.header());
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ok' });
    });
  });

  describe('GET /entities/:kind/:namespace/:name/releases', () => {
    it('returns an empty list for an entity without releases', async () => {
      const server = await startBackend();
      const response = await request(server).get(releasesPath);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: [] });
    });

    it('returns the entity releases newest first, filtered by environment', async () => {
      let clock = new Date('2026-11-20T08:00:00.000Z');
      const timedStore = await DatabaseReleaseStore.create({
        database: mockServices.database({ knex }),
        skipMigrations: true,
        now: () => clock,
      });
      const older = await timedStore.createRelease({
        entityRef: 'component:default/payments',
        environment: 'production',
        version: '1.0.0',
        plan,
        createdBy: 'user:default/alice',
      });
      clock = new Date('2026-11-21T08:00:00.000Z');
      const newer = await timedStore.createRelease({
        entityRef: 'component:default/payments',
        environment: 'production',
        version: '1.1.0',
        plan,
        createdBy: 'user:default/alice',
      });
      await timedStore.createRelease({
        entityRef: 'component:default/payments',
        environment: 'staging',
        version: '1.2.0',
        plan,
        createdBy: 'user:default/alice',
      });
      await timedStore.createRelease({
        entityRef: 'component:default/ledger',
        environment: 'production',
        version: '7.0.0',
        plan,
        createdBy: 'user:default/alice',
      });

      const server = await startBackend();
      const response = await request(server)
        .get(releasesPath)
        .query({ environment: 'production' });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: [newer, older] });
    });

    it('finds the entity whatever the case of the path', async () => {
      await store.createRelease({
        entityRef: 'component:default/payments',
        environment: 'staging',
        version: '1.0.0',
        plan,
        createdBy: 'user:default/alice',
      });
      const server = await startBackend();
      const response = await request(server).get(
        '/api/release-coordinator/entities/Component/default/Payments/releases',
      );
      expect(response.status).toBe(200);
      expect(response.body.items).toHaveLength(1);
    });

    it('accepts service credentials', async () => {
      const server = await startBackend();
      const response = await request(server)
        .get(releasesPath)
        .set('Authorization', mockCredentials.service.header());
      expect(response.status).toBe(200);
    });

    it('rejects requests without credentials with 401', async () => {
      const server = await startBackend();
      const response = await request(server)
        .get(releasesPath)
        .set('Authorization', mockCredentials.none.header());
      expect(response.status).toBe(401);
      expect(response.body.error.name).toBe('AuthenticationError');
    });

    it('asks for release.read on the entity and answers 403 when denied', async () => {
      const permissions = mockServices.permissions.mock({
        authorize: jest.fn(async requests =>
          requests.map(
            (): AuthorizePermissionResponse => ({
              result: AuthorizeResult.DENY,
            }),
          ),
        ),
      });
      const server = await startBackend(permissions.factory);
      await store.createRelease({
        entityRef: 'component:default/payments',
        environment: 'staging',
        version: '1.0.0',
        plan,
        createdBy: 'user:default/alice',
      });

      const response = await request(server).get(releasesPath);

      expect(response.status).toBe(403);
      expect(response.body.error.name).toBe('NotAllowedError');
      expect(response.body).not.toHaveProperty('items');
      expect(permissions.authorize).toHaveBeenCalledWith(
        [
          {
            permission: expect.objectContaining({
              name: 'release-coordinator.release.read',
              resourceType: 'catalog-entity',
            }),
            resourceRef: 'component:default/payments',
          },
        ],
        expect.objectContaining({ credentials: expect.anything() }),
      );
    });

    it('answers 404 for an entity that is not in the catalog', async () => {
      const server = await startBackend();
      const response = await request(server).get(
        '/api/release-coordinator/entities/component/default/unknown/releases',
      );
      expect(response.status).toBe(404);
      expect(response.body.error.name).toBe('NotFoundError');
      expect(response.body.error.message).toContain(
        'component:default/unknown',
      );
    });

    it.each([
      [{ limit: '0' }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ limit: '501' }, 'limit'],
      [{ environment: '' }, 'environment'],
      [{ colour: 'blue' }, 'colour'],
    ])('answers 400 naming the field for query %p', async (query, field) => {
      const server = await startBackend();
      const response = await request(server).get(releasesPath).query(query);
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('InputError');
      expect(response.body.error.message).toContain(field);
    });
  });

  describe('permissions', () => {
    it('registers the ten Release Coordinator permissions', async () => {
      const server = await startBackend();
      const response = await request(server).get(
        '/api/release-coordinator/.well-known/backstage/permissions/metadata',
      );
      expect(response.status).toBe(200);
      const names = response.body.permissions.map(
        (p: { name: string }) => p.name,
      );
      expect(names).toEqual(
        expect.arrayContaining([
          'release-coordinator.release.read',
          'release-coordinator.release.create',
          'release-coordinator.checklist.attest',
          'release-coordinator.checklist.waive',
          'release-coordinator.release.approve',
          'release-coordinator.freeze.override',
          'release-coordinator.deployment.rollback',
          'release-coordinator.metrics.read',
          'release-coordinator.release.update',
          'release-coordinator.events.push',
        ]),
      );
    });
  });
});

describe('openapi.yaml', () => {
  const spec = fs.readFileSync(
    path.resolve(__dirname, '../schema/openapi.yaml'),
    'utf8',
  );

  it.each([
    ['/health', 'get'],
    ['/entities/{kind}/{namespace}/{name}/releases', 'get'],
  ])('documents %s %s', (route, method) => {
    const block = spec
      .split(/\n {2}(?=\/)/)
      .find(b => b.startsWith(`${route}:`));
    expect(block).toBeDefined();
    expect(block).toMatch(new RegExp(`\\n {4}${method}:`));
  });
});

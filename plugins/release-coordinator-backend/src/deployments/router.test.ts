import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  BackendFeature,
  PermissionsServiceRequestOptions,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import { DeploymentInput } from '@release-coordinator/backstage-plugin-common';
import fs from 'node:fs';
import path from 'node:path';
import { Knex } from 'knex';
import request from 'supertest';
import { releaseCoordinatorPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:team-a' },
  };
}

const base = '/api/release-coordinator';
const entityBase = `${base}/entities/component/default/payments`;

function deployment(overrides: Partial<DeploymentInput> = {}): DeploymentInput {
  return {
    entityRef: 'component:default/payments',
    environment: 'production',
    source: 'ci',
    externalId: 'build-1',
    version: '1.0.0',
    kind: 'deploy',
    status: 'succeeded',
    startedAt: '2026-11-20T10:00:00.000Z',
    finishedAt: '2026-11-20T10:05:00.000Z',
    ...overrides,
  };
}

/** A permissions mock that denies the named permissions and allows the rest. */
function denying(...names: string[]) {
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
  });
}

describe('deployments router', () => {
  let knex: Knex;

  async function startBackend(
    permissions: BackendFeature = mockServices.permissions.factory({
      result: AuthorizeResult.ALLOW,
    }),
  ) {
    const { server } = await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({
          entities: [component('payments'), component('ledger')],
        }),
        permissions,
      ],
    });
    return server;
  }

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
  });

  describe('POST /events/deployments', () => {
    it('upserts a batch pushed with a service token and reports each item', async () => {
      const server = await startBackend();
      const batch = [
        deployment(),
        deployment({
          externalId: 'build-2',
          entityRef: 'component:default/ledger',
        }),
      ];
      const first = await request(server)
        .post(`${base}/events/deployments`)
        .set('Authorization', mockCredentials.service.header())
        .send(batch);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        items: [
          { index: 0, status: 'created', id: expect.any(String) },
          { index: 1, status: 'created', id: expect.any(String) },
        ],
      });

      const again = await request(server)
        .post(`${base}/events/deployments`)
        .set('Authorization', mockCredentials.service.header())
        .send([deployment({ status: 'in_progress' }), batch[1]]);
      expect(again.body.items.map((i: { status: string }) => i.status)).toEqual(
        ['unchanged', 'unchanged'],
      );
      expect(await knex('deployments')).toHaveLength(2);
    });

    it('takes a single object as a batch of one', async () => {
      const server = await startBackend();
      const response = await request(server)
        .post(`${base}/events/deployments`)
        .send(deployment());
      expect(response.status).toBe(200);
      expect(response.body.items).toEqual([
        { index: 0, status: 'created', id: expect.any(String) },
      ]);
    });

    it('accepts 1000 items in one request and refuses 1001', async () => {
      const server = await startBackend();
      const items = Array.from({ length: 1000 }, (_, i) =>
        deployment({
          externalId: `build-${i}`,
          commits: [
            { sha: `sha-${i}`, committedAt: '2026-11-19T10:00:00.000Z' },
          ],
        }),
      );
      const accepted = await request(server)
        .post(`${base}/events/deployments`)
        .set('Authorization', mockCredentials.service.header())
        .send(items);
      expect(accepted.status).toBe(200);
      expect(accepted.body.items).toHaveLength(1000);

      const refused = await request(server)
        .post(`${base}/events/deployments`)
        .set('Authorization', mockCredentials.service.header())
        .send([...items, deployment({ externalId: 'one-too-many' })]);
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain('at most 1000 items');
      expect(await knex('deployments')).toHaveLength(1000);
    });

    it('answers 400 naming each bad item, and stores nothing', async () => {
      const server = await startBackend();
      const response = await request(server)
        .post(`${base}/events/deployments`)
        .set('Authorization', mockCredentials.service.header())
        .send([
          deployment(),
          deployment({
            externalId: 'b',
            status: 'done' as DeploymentInput['status'],
          }),
          deployment({ externalId: 'c', finishedAt: 'later' }),
        ]);
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('InputError');
      expect(response.body.error.message).toContain('[1] status');
      expect(response.body.error.message).toContain('[2] finishedAt');
      expect(await knex('deployments')).toEqual([]);
    });

    it('answers 400 naming an unknown entity', async () => {
      const server = await startBackend();
      const response = await request(server)
        .post(`${base}/events/deployments`)
        .set('Authorization', mockCredentials.service.header())
        .send([deployment({ entityRef: 'component:default/ghost' })]);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain(
        'component:default/ghost is not in the catalog',
      );
    });

    it.each([
      ['a string', '"deploy"', 'application/json'],
      ['malformed JSON', '{"entityRef":', 'application/json'],
      ['null items', '[null, 5]', 'application/json'],
    ])('answers 400, never 5xx, for %s', async (_name, body, type) => {
      const server = await startBackend();
      const response = await request(server)
        .post(`${base}/events/deployments`)
        .set('Content-Type', type)
        .send(body);
      expect(response.status).toBe(400);
    });

    it('answers 401 without credentials', async () => {
      const server = await startBackend();
      const response = await request(server)
        .post(`${base}/events/deployments`)
        .set('Authorization', mockCredentials.none.header())
        .send(deployment());
      expect(response.status).toBe(401);
      expect(await knex('deployments')).toEqual([]);
    });

    it('asks every caller, user or service, for events.push on every entity of the batch and answers 403 naming the denied ones', async () => {
      const permissions = denying('release-coordinator.events.push');
      const server = await startBackend(permissions.factory);
      for (const caller of [
        mockCredentials.user.header('user:default/alice'),
        mockCredentials.service.header(),
      ]) {
        const response = await request(server)
          .post(`${base}/events/deployments`)
          .set('Authorization', caller)
          .send([
            deployment(),
            deployment({
              externalId: 'b',
              entityRef: 'component:default/ledger',
            }),
            deployment({ externalId: 'c' }),
          ]);
        expect(response.status).toBe(403);
        expect(response.body.error.message).toContain(
          'component:default/payments, component:default/ledger',
        );
      }
      expect(permissions.authorize).toHaveBeenCalledWith(
        [
          expect.objectContaining({
            permission: expect.objectContaining({
              name: 'release-coordinator.events.push',
            }),
            resourceRef: 'component:default/payments',
          }),
          expect.objectContaining({ resourceRef: 'component:default/ledger' }),
        ],
        expect.anything(),
      );
      expect(await knex('deployments')).toEqual([]);
    });

    it('asks for events.push on the entity a re-sent deployment would move away from', async () => {
      // Services may push for every entity, alice only for payments.
      const alicePaymentsOnly = mockServices.permissions.mock({
        authorize: jest.fn(
          async (
            requests: AuthorizePermissionRequest[],
            options: PermissionsServiceRequestOptions,
          ) =>
            requests.map(
              (r): AuthorizePermissionResponse => ({
                result:
                  (options.credentials.principal as { type: string }).type ===
                    'service' ||
                  (r as { resourceRef?: string }).resourceRef ===
                    'component:default/payments'
                    ? AuthorizeResult.ALLOW
                    : AuthorizeResult.DENY,
              }),
            ),
        ),
      });
      const server = await startBackend(alicePaymentsOnly.factory);
      const stored = await request(server)
        .post(`${base}/events/deployments`)
        .set('Authorization', mockCredentials.service.header())
        .send(deployment({ entityRef: 'component:default/ledger' }));
      expect(stored.status).toBe(200);
      const before = await knex('deployments').select();

      const moved = await request(server)
        .post(`${base}/events/deployments`)
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send(
          deployment({
            status: 'failed',
            finishedAt: '2026-11-20T11:00:00.000Z',
          }),
        );
      expect(moved.status).toBe(403);
      expect(moved.body.error.message).toContain('component:default/ledger');
      expect(moved.body.error.message).not.toContain('payments');
      expect(await knex('deployments').select()).toEqual(before);
    });
  });

  describe('POST /events/incidents', () => {
    const incident = {
      entityRef: 'component:default/payments',
      source: 'pagerduty',
      externalId: 'P1',
      severity: 'critical',
      title: 'Checkout down',
      environment: 'production',
      startedAt: '2026-11-20T11:00:00.000Z',
    };

    it('upserts incidents and reports each item', async () => {
      const server = await startBackend();
      const created = await request(server)
        .post(`${base}/events/incidents`)
        .set('Authorization', mockCredentials.service.header())
        .send(incident);
      expect(created.status).toBe(200);
      expect(created.body.items).toEqual([
        { index: 0, status: 'created', id: expect.any(String) },
      ]);
      const resolved = await request(server)
        .post(`${base}/events/incidents`)
        .set('Authorization', mockCredentials.service.header())
        .send([{ ...incident, resolvedAt: '2026-11-20T11:40:00.000Z' }]);
      expect(resolved.body.items[0]).toEqual({
        index: 0,
        status: 'updated',
        id: created.body.items[0].id,
      });
    });

    it('answers 400 naming the field, 401 without credentials, 403 without events.push', async () => {
      const server = await startBackend();
      const bad = await request(server)
        .post(`${base}/events/incidents`)
        .send({ ...incident, severity: 'sev0' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('[0] severity');

      const anonymous = await request(server)
        .post(`${base}/events/incidents`)
        .set('Authorization', mockCredentials.none.header())
        .send(incident);
      expect(anonymous.status).toBe(401);

      const denied = await startBackend(
        denying('release-coordinator.events.push').factory,
      );
      for (const caller of [
        mockCredentials.user.header('user:default/alice'),
        mockCredentials.service.header(),
      ]) {
        const forbidden = await request(denied)
          .post(`${base}/events/incidents`)
          .set('Authorization', caller)
          .send(incident);
        expect(forbidden.status).toBe(403);
      }
      expect(await knex('incidents')).toEqual([]);
    });
  });

  describe('GET /entities/:kind/:namespace/:name/deployments', () => {
    it('pages newest first with a cursor and filters by environment and status', async () => {
      const server = await startBackend();
      const items = Array.from({ length: 5 }, (_, i) =>
        deployment({
          externalId: `build-${i}`,
          version: `1.0.${i}`,
          startedAt: `2026-11-2${i}T10:00:00.000Z`,
          finishedAt: `2026-11-2${i}T10:05:00.000Z`,
          status: i === 3 ? 'failed' : 'succeeded',
        }),
      );
      items.push(deployment({ externalId: 'stg', environment: 'staging' }));
      await request(server)
        .post(`${base}/events/deployments`)
        .set('Authorization', mockCredentials.service.header())
        .send(items);

      const first = await request(server)
        .get(`${entityBase}/deployments`)
        .query({ environment: 'production', limit: 2 });
      expect(first.status).toBe(200);
      expect(
        first.body.items.map((d: { version: string }) => d.version),
      ).toEqual(['1.0.4', '1.0.3']);
      expect(first.body.items[0]).toMatchObject({
        entityRef: 'component:default/payments',
        source: 'ci',
        externalId: 'build-4',
        commits: [],
      });
      const second = await request(server)
        .get(`${entityBase}/deployments`)
        .query({
          environment: 'production',
          limit: 2,
          cursor: first.body.nextCursor,
        });
      expect(
        second.body.items.map((d: { version: string }) => d.version),
      ).toEqual(['1.0.2', '1.0.1']);

      const failed = await request(server)
        .get(`${entityBase}/deployments`)
        .query({ status: 'failed' });
      expect(failed.body).toEqual({
        items: [expect.objectContaining({ version: '1.0.3' })],
      });
    });

    it.each([
      [{ limit: '0' }, 'limit'],
      [{ limit: '501' }, 'limit'],
      [{ status: 'done' }, 'status'],
      [{ cursor: 'not-a-cursor' }, 'cursor'],
      [{ environment: '' }, 'environment'],
      [{ colour: 'blue' }, 'colour'],
    ])('answers 400 naming the parameter for %p', async (query, param) => {
      const server = await startBackend();
      const response = await request(server)
        .get(`${entityBase}/deployments`)
        .query(query);
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('InputError');
      expect(response.body.error.message).toContain(param);
    });

    it('answers 401, 403 (release.read on the entity) and 404', async () => {
      const server = await startBackend();
      const anonymous = await request(server)
        .get(`${entityBase}/deployments`)
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);

      const missing = await request(server).get(
        `${base}/entities/component/default/ghost/deployments`,
      );
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toContain('component:default/ghost');

      const permissions = denying('release-coordinator.release.read');
      const denied = await startBackend(permissions.factory);
      const forbidden = await request(denied).get(`${entityBase}/deployments`);
      expect(forbidden.status).toBe(403);
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
  });

  describe('GET /entities/:kind/:namespace/:name/incidents', () => {
    it('lists incidents since a time, and answers 400 for a bad since', async () => {
      const server = await startBackend();
      await request(server)
        .post(`${base}/events/incidents`)
        .set('Authorization', mockCredentials.service.header())
        .send(
          ['2026-11-01', '2026-11-10', '2026-11-20'].map((day, i) => ({
            entityRef: 'component:default/payments',
            source: 'alertmanager',
            externalId: `fp-${i}`,
            severity: 'major',
            title: `alert ${i}`,
            startedAt: `${day}T00:00:00.000Z`,
          })),
        );
      const response = await request(server)
        .get(`${entityBase}/incidents`)
        .query({ since: '2026-11-05T00:00:00Z' });
      expect(response.status).toBe(200);
      expect(
        response.body.items.map((i: { externalId: string }) => i.externalId),
      ).toEqual(['fp-2', 'fp-1']);

      const bad = await request(server)
        .get(`${entityBase}/incidents`)
        .query({ since: 'last week' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('since');

      const missing = await request(server).get(
        `${base}/entities/component/default/ghost/incidents`,
      );
      expect(missing.status).toBe(404);
    });
  });

  describe('GET /entities/:kind/:namespace/:name/environments', () => {
    it('shows what runs in each environment and the provider sync state', async () => {
      const server = await startBackend();
      await request(server)
        .post(`${base}/events/deployments`)
        .set('Authorization', mockCredentials.service.header())
        .send([
          deployment(),
          deployment({
            externalId: 'build-2',
            version: '1.1.0',
            status: 'in_progress',
            startedAt: '2026-11-21T10:00:00.000Z',
            finishedAt: undefined,
          }),
        ]);
      await knex('provider_sync_state').insert({
        provider_id: 'github:deployments',
        entity_ref: 'component:default/payments',
        cursor: 'etag-1',
        last_success_at: '2026-11-26T09:00:00.000Z',
        last_error_at: null,
        last_error: null,
      });

      const response = await request(server).get(`${entityBase}/environments`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        items: [
          {
            environment: 'production',
            current: expect.objectContaining({ version: '1.0.0' }),
            latest: expect.objectContaining({
              version: '1.1.0',
              status: 'in_progress',
            }),
          },
        ],
        sync: [
          {
            providerId: 'github:deployments',
            entityRef: 'component:default/payments',
            lastSuccessAt: '2026-11-26T09:00:00.000Z',
          },
        ],
      });
    });

    it('answers 401, 403 and 404', async () => {
      const server = await startBackend();
      expect(
        (
          await request(server)
            .get(`${entityBase}/environments`)
            .set('Authorization', mockCredentials.none.header())
        ).status,
      ).toBe(401);
      expect(
        (
          await request(server).get(
            `${base}/entities/component/default/ghost/environments`,
          )
        ).status,
      ).toBe(404);
      const denied = await startBackend(
        denying('release-coordinator.release.read').factory,
      );
      expect(
        (await request(denied).get(`${entityBase}/environments`)).status,
      ).toBe(403);
    });
  });
});

describe('openapi.yaml (deployments)', () => {
  const spec = fs.readFileSync(
    path.resolve(__dirname, '../schema/openapi.yaml'),
    'utf8',
  );

  it.each([
    ['/events/deployments', 'post'],
    ['/events/incidents', 'post'],
    ['/entities/{kind}/{namespace}/{name}/deployments', 'get'],
    ['/entities/{kind}/{namespace}/{name}/incidents', 'get'],
    ['/entities/{kind}/{namespace}/{name}/environments', 'get'],
  ])('documents %s %s', (route, method) => {
    const block = spec
      .split(/\n {2}(?=\/)/)
      .find(b => b.startsWith(`${route}:`));
    expect(block).toBeDefined();
    expect(block).toMatch(new RegExp(`\\n {4}${method}:`));
  });
});

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
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import fs from 'node:fs';
import path from 'node:path';
import { Knex } from 'knex';
import request from 'supertest';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { releaseCoordinatorPlugin } from '../plugin';
import { storeHistory } from './__testUtils__/history';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const base = '/api/release-coordinator';
const END = '2026-11-26T12:00:00.000Z';

function relation(type: string, targetRef: string) {
  return { type, targetRef };
}

/*
 * platform ⊃ team-a (spec.children); checkout ∈ commerce; billing ∈ finance.
 * payments (team-a, checkout), payments-db (platform, checkout),
 * ledger (other, billing), payments-api (an API: never a member).
 */
const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform', namespace: 'default' },
    spec: { type: 'team', children: ['team-a'] },
    relations: [relation('parentOf', 'group:default/team-a')],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', parent: 'platform', children: [] },
    relations: [relation('childOf', 'group:default/platform')],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'other', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', namespace: 'default', title: 'Payments' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'team-a',
      system: 'checkout',
    },
    relations: [
      relation('ownedBy', 'group:default/team-a'),
      relation('partOf', 'system:default/checkout'),
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'payments-db', namespace: 'default' },
    spec: { type: 'database', owner: 'platform', system: 'checkout' },
    relations: [
      relation('ownedBy', 'group:default/platform'),
      relation('partOf', 'system:default/checkout'),
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'ledger', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'other',
      system: 'billing',
    },
    relations: [
      relation('ownedBy', 'group:default/other'),
      relation('partOf', 'system:default/billing'),
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'payments-api', namespace: 'default' },
    spec: { type: 'openapi', owner: 'team-a', system: 'checkout' },
    relations: [
      relation('ownedBy', 'group:default/team-a'),
      relation('partOf', 'system:default/checkout'),
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: { owner: 'team-a', domain: 'commerce' },
    relations: [
      relation('ownedBy', 'group:default/team-a'),
      relation('partOf', 'domain:default/commerce'),
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'billing', namespace: 'default' },
    spec: { owner: 'other', domain: 'finance' },
    relations: [relation('partOf', 'domain:default/finance')],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Domain',
    metadata: { name: 'commerce', namespace: 'default' },
    spec: { owner: 'platform' },
  },
];

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

describe('metrics router', () => {
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
        catalogServiceMock.factory({ entities }),
        permissions,
      ],
    });
    const deploymentStore = await DatabaseDeploymentStore.create({
      database: mockServices.database({ knex, migrations: { skip: true } }),
    });
    // 30-day window [2026-10-27T12:00, 2026-11-26T12:00).
    await storeHistory(knex, deploymentStore, {
      deployments: [
        {
          entityRef: 'component:default/payments',
          externalId: 'p1',
          startedAt: '2026-11-20T10:00:00.000Z',
          finishedAt: '2026-11-20T10:10:00.000Z',
        },
        {
          entityRef: 'component:default/payments',
          externalId: 'p2',
          startedAt: '2026-11-21T10:00:00.000Z',
          finishedAt: '2026-11-21T10:20:00.000Z',
        },
        {
          entityRef: 'resource:default/payments-db',
          externalId: 'db1',
          finishedAt: '2026-11-22T10:00:00.000Z',
        },
        {
          entityRef: 'component:default/ledger',
          externalId: 'l1',
          finishedAt: '2026-11-22T10:00:00.000Z',
        },
      ],
      incidents: [
        {
          entityRef: 'component:default/payments',
          externalId: 'inc-1',
          severity: 'critical',
          startedAt: '2026-11-21T11:00:00.000Z',
          resolvedAt: '2026-11-21T12:00:00.000Z',
        },
      ],
      costs: [
        {
          entityRef: 'component:default/payments',
          date: '2026-11-20',
          source: 'aws',
          amount: 12,
          currency: 'USD',
        },
      ],
    });
    return server;
  }

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
  });

  describe('GET /entities/:kind/:namespace/:name/metrics', () => {
    it('returns the metrics of an entity and of the previous window', async () => {
      const server = await startBackend();
      const response = await request(server).get(
        `${base}/entities/component/default/payments/metrics?window=30d&end=${END}`,
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        entityRef: 'component:default/payments',
        environment: 'production',
        window: {
          start: '2026-10-27T12:00:00.000Z',
          end: END,
          days: 30,
        },
        definitionsVersion: 2,
        metrics: {
          deploymentFrequency: { count: 2, perDay: 2 / 30, tier: 'medium' },
          // p1 and p2 started before inc-1 did
          deploymentReworkRate: { value: 0, rework: 0, deployments: 2 },
          // inc-1 started after p2 finished
          changeFailureRate: { value: 0.5, failedDeployments: 1 },
          uptime: { downtimeSeconds: 3600 },
          deploymentDuration: { medianSeconds: 900, count: 2 },
          infrastructureCost: { total: 12, currency: 'USD', perDay: 0.4 },
        },
        previous: { deploymentFrequency: { count: 0 } },
      });
      expect(response.body.memberEntityRefs).toBeUndefined();
    });

    it('defaults to 30 days in production ending now', async () => {
      const server = await startBackend();
      const before = Date.now();
      const response = await request(server).get(
        `${base}/entities/component/default/payments/metrics`,
      );
      expect(response.status).toBe(200);
      expect(response.body.environment).toBe('production');
      expect(response.body.window.days).toBe(30);
      const end = Date.parse(response.body.window.end);
      expect(end).toBeGreaterThanOrEqual(before);
      expect(end - Date.parse(response.body.window.start)).toBe(
        30 * 86_400_000,
      );
    });

    it('rolls a group up over what it and its descendant groups own', async () => {
      const server = await startBackend();
      const response = await request(server).get(
        `${base}/entities/group/default/platform/metrics?end=${END}`,
      );
      expect(response.status).toBe(200);
      expect(response.body.memberEntityRefs).toEqual([
        'component:default/payments',
        'resource:default/payments-db',
      ]);
      expect(response.body.metrics.deploymentFrequency.count).toBe(3);

      const team = await request(server).get(
        `${base}/entities/group/default/team-a/metrics?end=${END}`,
      );
      expect(team.body.memberEntityRefs).toEqual([
        'component:default/payments',
      ]);
    });

    it('rolls a system and a domain up over their components and resources', async () => {
      const server = await startBackend();
      const system = await request(server).get(
        `${base}/entities/system/default/checkout/metrics?end=${END}`,
      );
      expect(system.status).toBe(200);
      expect(system.body.memberEntityRefs).toEqual([
        'component:default/payments',
        'resource:default/payments-db',
      ]);
      // mean of payments' (1 − 3600/(30 d)) and payments-db's 1
      expect(system.body.metrics.uptime.downtimeSeconds).toBe(1800);

      const domain = await request(server).get(
        `${base}/entities/domain/default/commerce/metrics?end=${END}`,
      );
      expect(domain.status).toBe(200);
      expect(domain.body.memberEntityRefs).toEqual([
        'component:default/payments',
        'resource:default/payments-db',
      ]);
      expect(domain.body.metrics.deploymentFrequency.count).toBe(3);
    });

    it.each([['0d'], ['366d'], ['30'], ['abc'], ['-5d'], ['1.5d']])(
      'answers 400 naming window for window=%s',
      async window => {
        const server = await startBackend();
        const response = await request(server).get(
          `${base}/entities/component/default/payments/metrics?window=${window}`,
        );
        expect(response.status).toBe(400);
        expect(response.body.error.name).toBe('InputError');
        expect(response.body.error.message).toContain('window');
      },
    );

    it('accepts window=1d and window=365d', async () => {
      const server = await startBackend();
      for (const window of ['1d', '365d']) {
        const response = await request(server).get(
          `${base}/entities/component/default/payments/metrics?window=${window}&end=${END}`,
        );
        expect(response.status).toBe(200);
      }
    });

    it('answers 400 naming end for an unreadable end', async () => {
      const server = await startBackend();
      const response = await request(server).get(
        `${base}/entities/component/default/payments/metrics?end=yesterday`,
      );
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain('end');
    });

    it('answers 401 without credentials, 403 without metrics.read, 404 for an unknown entity', async () => {
      const server = await startBackend(
        denying('release-coordinator.metrics.read').factory,
      );
      const anonymous = await request(server)
        .get(`${base}/entities/component/default/payments/metrics`)
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);

      const denied = await request(server).get(
        `${base}/entities/component/default/payments/metrics`,
      );
      expect(denied.status).toBe(403);
      expect(denied.body.error.name).toBe('NotAllowedError');

      const missing = await request(server).get(
        `${base}/entities/component/default/nope/metrics`,
      );
      expect(missing.status).toBe(404);
    });

    it('serves service principals', async () => {
      const server = await startBackend();
      const response = await request(server)
        .get(`${base}/entities/component/default/payments/metrics`)
        .set('Authorization', mockCredentials.service.header());
      expect(response.status).toBe(200);
    });
  });

  describe('GET …/metrics/breakdown', () => {
    it('returns one row per member entity', async () => {
      const server = await startBackend();
      const response = await request(server).get(
        `${base}/entities/system/default/checkout/metrics/breakdown?end=${END}`,
      );
      expect(response.status).toBe(200);
      expect(response.body.entityRef).toBe('system:default/checkout');
      expect(
        response.body.items.map(
          (i: {
            entityRef: string;
            title?: string;
            metrics: { deploymentFrequency: { count: number } };
          }) => [i.entityRef, i.title, i.metrics.deploymentFrequency.count],
        ),
      ).toEqual([
        ['component:default/payments', 'Payments', 2],
        ['resource:default/payments-db', undefined, 1],
      ]);
    });

    it('answers 400, 403 and 404', async () => {
      const server = await startBackend(
        denying('release-coordinator.metrics.read').factory,
      );
      expect(
        (
          await request(server).get(
            `${base}/entities/system/default/checkout/metrics/breakdown?window=400d`,
          )
        ).status,
      ).toBe(400);
      expect(
        (
          await request(server).get(
            `${base}/entities/system/default/checkout/metrics/breakdown`,
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await request(server).get(
            `${base}/entities/system/default/nope/metrics/breakdown`,
          )
        ).status,
      ).toBe(404);
    });
  });

  describe('GET …/metrics/series', () => {
    it('returns weekly deployments by status', async () => {
      const server = await startBackend();
      const response = await request(server).get(
        `${base}/entities/component/default/payments/metrics/series?metric=deploymentFrequency&bucket=week&end=${END}`,
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        entityRef: 'component:default/payments',
        metric: 'deploymentFrequency',
        bucket: 'week',
      });
      const last = response.body.points[response.body.points.length - 1];
      const previousWeek =
        response.body.points[response.body.points.length - 2];
      expect(last.start).toBe('2026-11-23T00:00:00.000Z');
      expect(previousWeek.start).toBe('2026-11-16T00:00:00.000Z');
      expect(previousWeek.values).toEqual({
        succeeded: 2,
        failed: 0,
        rollbacks: 0,
      });
    });

    it('answers 400 naming metric and bucket', async () => {
      const server = await startBackend();
      const unknownMetric = await request(server).get(
        `${base}/entities/component/default/payments/metrics/series?metric=happiness`,
      );
      expect(unknownMetric.status).toBe(400);
      expect(unknownMetric.body.error.message).toContain('metric');

      const missingMetric = await request(server).get(
        `${base}/entities/component/default/payments/metrics/series`,
      );
      expect(missingMetric.status).toBe(400);
      expect(missingMetric.body.error.message).toContain('metric');

      const unknownBucket = await request(server).get(
        `${base}/entities/component/default/payments/metrics/series?metric=uptime&bucket=month`,
      );
      expect(unknownBucket.status).toBe(400);
      expect(unknownBucket.body.error.message).toContain('bucket');
    });

    it('answers 401 and 404', async () => {
      const server = await startBackend();
      const anonymous = await request(server)
        .get(
          `${base}/entities/component/default/payments/metrics/series?metric=uptime`,
        )
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      const missing = await request(server).get(
        `${base}/entities/component/default/nope/metrics/series?metric=uptime`,
      );
      expect(missing.status).toBe(404);
    });
  });

  describe('GET …/metrics/evidence', () => {
    const evidencePath = (entity: string, query: string) =>
      `${base}/entities/${entity}/metrics/evidence?end=${END}&${query}`;

    it('returns the rows and a summary equal to GET …/metrics', async () => {
      const server = await startBackend();
      const metrics = await request(server).get(
        `${base}/entities/component/default/payments/metrics?end=${END}`,
      );
      for (const metric of Object.keys(metrics.body.metrics)) {
        const response = await request(server).get(
          evidencePath('component/default/payments', `metric=${metric}`),
        );
        expect(response.status).toBe(200);
        expect(response.body.summary).toEqual(metrics.body.metrics[metric]);
        expect(response.body.window).toEqual(metrics.body.window);
      }
      const cfr = await request(server).get(
        evidencePath('component/default/payments', 'metric=changeFailureRate'),
      );
      expect(cfr.body).toMatchObject({
        entityRef: 'component:default/payments',
        metric: 'changeFailureRate',
        definitionsVersion: 2,
        total: 2,
        counted: 2,
      });
      // p2, newest first, is the change failure inc-1 is attributed to.
      expect(cfr.body.items[0]).toMatchObject({
        type: 'deployment',
        changeFailure: true,
        attributedTo: [{ type: 'incident', title: 'inc-1' }],
      });
      expect(cfr.body.items[1].changeFailure).toBe(false);
      expect(cfr.body.nextCursor).toBeUndefined();
    });

    it('pages with cursor and limit', async () => {
      const server = await startBackend();
      const first = await request(server).get(
        evidencePath(
          'group/default/platform',
          'metric=deploymentFrequency&limit=2',
        ),
      );
      expect(first.status).toBe(200);
      expect(first.body.total).toBe(3);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.memberEntityRefs).toEqual([
        'component:default/payments',
        'resource:default/payments-db',
      ]);
      const second = await request(server).get(
        evidencePath(
          'group/default/platform',
          `metric=deploymentFrequency&limit=2&cursor=${first.body.nextCursor}`,
        ),
      );
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeUndefined();
      const ids = [...first.body.items, ...second.body.items].map(r => r.id);
      expect(new Set(ids).size).toBe(3);
    });

    it('serves every row as CSV', async () => {
      const server = await startBackend();
      const response = await request(server).get(
        evidencePath(
          'component/default/payments',
          'metric=infrastructureCost&format=csv&limit=1',
        ),
      );
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('text/csv');
      expect(response.headers['content-disposition']).toContain(
        'infrastructureCost-evidence.csv',
      );
      expect(response.text).toBe(
        'entityRef,date,source,amount,currency,counted,reason,why\r\n' +
          "component:default/payments,2026-11-20,aws,12,USD,true,counted,a day of the window's 2026-10-27 – 2026-11-26 (end exclusive)\r\n",
      );
    });

    it.each([
      ['metric=nope', 'metric'],
      ['', 'metric'],
      ['metric=uptime&limit=0', 'limit'],
      ['metric=uptime&limit=501', 'limit'],
      ['metric=uptime&cursor=zzz', 'cursor'],
      ['metric=uptime&format=xml', 'format'],
      ['metric=uptime&bucket=day', 'bucketStart'],
      ['metric=uptime&bucketStart=2026-11-20T01:00:00Z', 'bucketStart'],
      [
        'metric=uptime&bucket=week&bucketStart=2026-11-20T00:00:00Z',
        'bucketStart',
      ],
      ['metric=uptime&bucketStart=2026-12-20T00:00:00Z', 'bucketStart'],
      ['metric=uptime&window=0d', 'window'],
    ])('answers 400 for %s naming %s', async (query, field) => {
      const server = await startBackend();
      const response = await request(server).get(
        evidencePath('component/default/payments', query),
      );
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain(field);
    });

    it('answers 401, 403 without metrics.read and 404', async () => {
      const server = await startBackend(
        denying('release-coordinator.metrics.read').factory,
      );
      const denied = await request(server).get(
        evidencePath('component/default/payments', 'metric=uptime'),
      );
      expect(denied.status).toBe(403);
      const anonymous = await request(server)
        .get(evidencePath('component/default/payments', 'metric=uptime'))
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      const missing = await request(server).get(
        evidencePath('component/default/nope', 'metric=uptime'),
      );
      expect(missing.status).toBe(404);
    });
  });
});

describe('openapi.yaml (metrics)', () => {
  const spec = fs.readFileSync(
    path.resolve(__dirname, '../schema/openapi.yaml'),
    'utf8',
  );

  it.each([
    ['/entities/{kind}/{namespace}/{name}/metrics', 'get'],
    ['/entities/{kind}/{namespace}/{name}/metrics/breakdown', 'get'],
    ['/entities/{kind}/{namespace}/{name}/metrics/series', 'get'],
    ['/entities/{kind}/{namespace}/{name}/metrics/evidence', 'get'],
  ])('documents %s %s', (route, method) => {
    const block = spec
      .split(/\n {2}(?=\/)/)
      .find(b => b.startsWith(`${route}:`));
    expect(block).toBeDefined();
    expect(block).toMatch(new RegExp(`\\n {4}${method}:`));
  });
});

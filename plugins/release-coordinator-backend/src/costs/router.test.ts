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
import { CostRecordInput } from '@release-coordinator/backstage-plugin-common';
import fs from 'node:fs';
import path from 'node:path';
import { Knex } from 'knex';
import request from 'supertest';
import { releaseCoordinatorPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function component(name: string, owner = 'team-a'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  };
}

const entities: Entity[] = [
  component('payments'),
  component('ledger'),
  component('search', 'other'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

const base = '/api/release-coordinator';
const payments = 'component:default/payments';

function cost(overrides: Partial<CostRecordInput> = {}): CostRecordInput {
  return {
    entityRef: payments,
    date: '2026-11-20',
    source: 'aws',
    amount: 10,
    currency: 'USD',
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

describe('costs router', () => {
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
    return server;
  }

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
  });

  function push(
    server: Awaited<ReturnType<typeof startBackend>>,
    body: unknown,
  ) {
    return request(server)
      .post(`${base}/events/costs`)
      .set('Authorization', mockCredentials.service.header())
      .send(body as object);
  }

  describe('POST /events/costs', () => {
    it('upserts by (entity, day, source): several sources a day, a later report replaces the amount', async () => {
      const server = await startBackend();
      const first = await push(server, [
        cost(),
        cost({ source: 'opencost', amount: 2.5 }),
        cost({ entityRef: 'Component:default/Ledger', amount: 4 }),
      ]);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        items: [
          { index: 0, status: 'created' },
          { index: 1, status: 'created' },
          { index: 2, status: 'created' },
        ],
      });

      const again = await push(server, [
        cost({ amount: 12 }),
        cost({ source: 'opencost', amount: 2.5 }),
      ]);
      expect(again.body.items.map((i: { status: string }) => i.status)).toEqual(
        ['updated', 'unchanged'],
      );
      const rows = await knex('cost_records').orderBy(['entity_ref', 'source']);
      expect(rows.map(r => [r.entity_ref, r.source, Number(r.amount)])).toEqual(
        [
          ['component:default/ledger', 'aws', 4],
          [payments, 'aws', 12],
          [payments, 'opencost', 2.5],
        ],
      );
    });

    it('takes a single object, and refuses more than 1000 items', async () => {
      const server = await startBackend();
      expect((await push(server, cost())).body.items).toEqual([
        { index: 0, status: 'created' },
      ]);
      const tooMany = await push(
        server,
        Array.from({ length: 1001 }, () => cost()),
      );
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.error.message).toMatch(/at most 1000 items/);
    });

    it.each([
      [{ date: '2026-02-30' }, 'date'],
      [{ date: '2026-11-20T00:00:00Z' }, 'date'],
      [{ source: ' ' }, 'source'],
      [{ amount: -1 }, 'amount'],
      [{ amount: '12' }, 'amount'],
      [{ currency: 'usd' }, 'currency'],
      [{ currency: 'US' }, 'currency'],
      [{ entityRef: 'not a ref' }, 'entityRef'],
      [{ extra: 1 }, 'extra'],
    ])(
      'answers 400 naming the field for %j and stores nothing',
      async (bad, field) => {
        const server = await startBackend();
        const response = await push(server, [
          cost({ date: '2026-11-19' }),
          { ...cost(), ...bad },
        ]);
        expect(response.status).toBe(400);
        expect(response.body.error.message).toContain(`[1] ${field}`);
        expect(await knex('cost_records')).toHaveLength(0);
      },
    );

    it('rejects the batch naming an entity the catalog does not know', async () => {
      const server = await startBackend();
      const response = await push(server, [
        cost(),
        cost({ entityRef: 'component:default/ghost' }),
      ]);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain(
        '[1] entityRef: entity component:default/ghost is not in the catalog',
      );
      expect(await knex('cost_records')).toHaveLength(0);
    });

    it('answers 401 without credentials and 403 without events.push, for users and services alike', async () => {
      const anonymous = await request(await startBackend())
        .post(`${base}/events/costs`)
        .set('Authorization', mockCredentials.none.header())
        .send(cost());
      expect(anonymous.status).toBe(401);

      const server = await startBackend(
        denying('release-coordinator.events.push').factory,
      );
      const forbidden = await request(server)
        .post(`${base}/events/costs`)
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send(cost());
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.message).toContain(payments);
      // Service principals (CI) are authorized like users.
      const service = await push(server, cost());
      expect(service.status).toBe(403);
      expect(await knex('cost_records')).toHaveLength(0);
      expect((await push(await startBackend(), cost())).status).toBe(200);
    });
  });

  describe('GET /entities/:kind/:namespace/:name/costs', () => {
    it('returns the daily rows of [from, to] by day and source, and a group reads what it owns', async () => {
      const server = await startBackend();
      await push(server, [
        cost({ date: '2026-11-18' }),
        cost({ date: '2026-11-19', amount: 11 }),
        cost({ date: '2026-11-19', source: 'gcp', amount: 3, currency: 'EUR' }),
        cost({ date: '2026-11-21', amount: 13 }),
        cost({
          entityRef: 'component:default/ledger',
          date: '2026-11-19',
          amount: 1,
        }),
        cost({
          entityRef: 'component:default/search',
          date: '2026-11-19',
          amount: 99,
        }),
      ]);
      const response = await request(server).get(
        `${base}/entities/component/default/payments/costs?from=2026-11-19&to=2026-11-21`,
      );
      expect(response.status).toBe(200);
      expect(
        response.body.items.map((r: CostRecordInput) => [
          r.date,
          r.source,
          r.amount,
          r.currency,
        ]),
      ).toEqual([
        ['2026-11-19', 'aws', 11, 'USD'],
        ['2026-11-19', 'gcp', 3, 'EUR'],
        ['2026-11-21', 'aws', 13, 'USD'],
      ]);

      const group = await request(server).get(
        `${base}/entities/group/default/team-a/costs?from=2026-11-19&to=2026-11-19`,
      );
      expect(
        group.body.items.map((r: CostRecordInput) => [r.entityRef, r.amount]),
      ).toEqual([
        ['component:default/ledger', 1],
        [payments, 11],
        [payments, 3],
      ]);
    });

    it('answers 400 for a bad range, 401, 403 without metrics.read and 404 for an unknown entity', async () => {
      const server = await startBackend();
      const url = `${base}/entities/component/default/payments/costs`;
      const reversed = await request(server).get(
        `${url}?from=2026-11-20&to=2026-11-19`,
      );
      expect(reversed.status).toBe(400);
      expect(reversed.body.error.message).toContain('from');
      const tooLong = await request(server).get(
        `${url}?from=2025-01-01&to=2026-11-19`,
      );
      expect(tooLong.status).toBe(400);
      const badDay = await request(server).get(`${url}?to=2026-11-31`);
      expect(badDay.status).toBe(400);
      expect(badDay.body.error.message).toContain('to');

      const anonymous = await request(server)
        .get(url)
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      const missing = await request(server).get(
        `${base}/entities/component/default/ghost/costs`,
      );
      expect(missing.status).toBe(404);

      const denied = await request(
        await startBackend(denying('release-coordinator.metrics.read').factory),
      ).get(url);
      expect(denied.status).toBe(403);
    });
  });

  describe('GET /cost-insights/entities/:kind/:namespace/:name/daily-cost', () => {
    const url = `${base}/cost-insights/entities/component/default/payments/daily-cost`;

    it('returns the Cost Insights Cost shape over R2/P2D intervals', async () => {
      const server = await startBackend();
      await push(server, [
        cost({ date: '2026-11-22', amount: 10 }),
        cost({ date: '2026-11-22', source: 'opencost', amount: 2 }),
        cost({ date: '2026-11-24', amount: 15 }),
        cost({ date: '2026-11-25', amount: 3 }),
        cost({ date: '2026-11-26', amount: 500 }),
      ]);
      const response = await request(server).get(
        `${url}?intervals=R2/P2D/2026-11-26`,
      );
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        id: payments,
        aggregation: [
          { date: '2026-11-22', amount: 12 },
          { date: '2026-11-23', amount: 0 },
          { date: '2026-11-24', amount: 15 },
          { date: '2026-11-25', amount: 3 },
        ],
        change: { ratio: 0.5, amount: 6 },
        trendline: { slope: expect.any(Number), intercept: expect.any(Number) },
        groupedCosts: {
          source: [
            expect.objectContaining({
              id: 'aws',
              change: { ratio: 0.8, amount: 8 },
            }),
            expect.objectContaining({
              id: 'opencost',
              change: { ratio: -1, amount: -2 },
            }),
          ],
        },
      });
    });

    it('needs one currency: 400 naming currency when there are several, unless one is picked', async () => {
      const server = await startBackend();
      await push(server, [
        cost({ date: '2026-11-24', amount: 15 }),
        cost({ date: '2026-11-24', source: 'gcp', amount: 4, currency: 'EUR' }),
      ]);
      const mixed = await request(server).get(
        `${url}?intervals=R1/P2D/2026-11-26`,
      );
      expect(mixed.status).toBe(400);
      expect(mixed.body.error.message).toContain('currency');
      const euro = await request(server).get(
        `${url}?intervals=R1/P2D/2026-11-26&currency=EUR`,
      );
      expect(euro.body.aggregation).toEqual([
        { date: '2026-11-24', amount: 4 },
        { date: '2026-11-25', amount: 0 },
      ]);
    });

    it('answers 400 naming intervals, 401, 403 and 404', async () => {
      const server = await startBackend();
      for (const query of [
        '',
        '?intervals=30d',
        '?intervals=R2/P30D/2026-13-01',
      ]) {
        const bad = await request(server).get(`${url}${query}`);
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toContain('intervals');
      }
      expect(
        (
          await request(server)
            .get(`${url}?intervals=R2/P30D/2026-11-26`)
            .set('Authorization', mockCredentials.none.header())
        ).status,
      ).toBe(401);
      expect(
        (
          await request(server).get(
            `${base}/cost-insights/entities/component/default/ghost/daily-cost?intervals=R2/P30D/2026-11-26`,
          )
        ).status,
      ).toBe(404);
      const denied = await request(
        await startBackend(denying('release-coordinator.metrics.read').factory),
      ).get(`${url}?intervals=R2/P30D/2026-11-26`);
      expect(denied.status).toBe(403);
    });
  });
});

describe('openapi.yaml (costs)', () => {
  const spec = fs.readFileSync(
    path.resolve(__dirname, '../schema/openapi.yaml'),
    'utf8',
  );

  it.each([
    ['/events/costs', 'post'],
    ['/entities/{kind}/{namespace}/{name}/costs', 'get'],
    ['/cost-insights/entities/{kind}/{namespace}/{name}/daily-cost', 'get'],
  ])('documents %s %s', (route, method) => {
    const block = spec
      .split(/\n {2}(?=\/)/)
      .find(b => b.startsWith(`${route}:`));
    expect(block).toBeDefined();
    expect(block).toMatch(new RegExp(`\\n {4}${method}:`));
  });
});

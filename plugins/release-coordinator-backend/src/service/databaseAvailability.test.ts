import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { releaseCoordinatorPlugin } from '../plugin';
import {
  payments,
  simplePlan,
  testConfig,
} from '../releases/__testUtils__/fixtures';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  isDatabaseUnavailable,
} from './databaseAvailability';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const base = '/api/release-coordinator';
const releasesPath = `${base}/entities/component/default/payments/releases`;
const user = mockCredentials.user.header('user:default/alice');

describe('isDatabaseUnavailable', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }],
    [
      {
        code: '57P01',
        message: 'terminating connection due to administrator command',
      },
    ],
    [{ code: '08006' }],
    [
      {
        code: '57014',
        message: 'canceling statement due to statement timeout',
      },
    ],
    [{ code: '53300' }],
    [
      {
        code: '55000',
        message: 'database "x" is not currently accepting connections',
      },
    ],
    [
      {
        name: 'KnexTimeoutError',
        message: 'Knex: Timeout acquiring a connection.',
      },
    ],
    [new Error('Connection terminated unexpectedly')],
    [{ code: 'SQLITE_BUSY' }],
  ])('counts %p as unavailable', error => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    [
      {
        code: '23505',
        message: 'duplicate key value violates unique constraint',
      },
    ],
    [{ code: '22P02', message: 'invalid input syntax' }],
    [{ code: '55000', message: 'object not in prerequisite state' }],
    [new Error('Cannot read properties of undefined')],
    [undefined],
    ['ECONNREFUSED'],
  ])('does not count %p', error => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

/**
 * A real outage on PostgreSQL: the plugin's database stops accepting
 * connections and its open connections are terminated, as in a failover or
 * a restart. SQLite is a file in the process and cannot go away like this.
 */
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));

describe.each(postgres)('a database outage (%s)', databaseId => {
  let admin: Knex;
  let name: string;

  afterEach(async () => {
    await admin?.raw(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
    await admin?.destroy();
  });

  it('answers 503 with Retry-After while it lasts, changes nothing, and recovers', async () => {
    const knex = await databases.init(databaseId);
    const connection = knex.client.config.connection as {
      database: string;
    };
    name = connection.database;
    admin = knexFactory({
      client: 'pg',
      connection: { ...connection, database: 'postgres' },
    });
    const { server } = await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            releaseCoordinator: {
              ...testConfig.releaseCoordinator,
              freezeWindows: [],
            },
          },
        }),
        catalogServiceMock.factory({ entities: [payments] }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });

    expect((await request(server).get(`${base}/health`)).body).toEqual({
      status: 'ok',
    });
    const before = await request(server)
      .get(releasesPath)
      .set('Authorization', user);
    expect(before.status).toBe(200);

    // The outage.
    await admin.raw(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
    await admin.raw(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()`,
      [name],
    );

    const statuses: number[] = [];
    const health = await request(server).get(`${base}/health`);
    statuses.push(health.status);
    expect(health.status).toBe(503);
    expect(health.headers['retry-after']).toBe(
      String(DATABASE_RETRY_AFTER_SECONDS),
    );
    expect(health.body).toEqual({
      status: 'unavailable',
      message: 'The Release Coordinator database is unavailable',
    });

    for (let i = 0; i < 3; i++) {
      const list = await request(server)
        .get(releasesPath)
        .set('Authorization', user);
      statuses.push(list.status);
      expect(list.status).toBe(503);
      expect(list.headers['retry-after']).toBe(
        String(DATABASE_RETRY_AFTER_SECONDS),
      );
      expect(list.body.error).toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining('database is unavailable'),
      });
    }
    const create = await request(server)
      .post(releasesPath)
      .set('Authorization', user)
      .send({ version: '9.9.9', environment: 'staging', plan: simplePlan });
    statuses.push(create.status);
    expect(create.status).toBe(503);
    expect(statuses.every(s => s === 503)).toBe(true);

    // Recovery: the next requests are served again, and the refused
    // creation left nothing behind.
    await admin.raw(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
    const recoveredAt = Date.now();
    let healthy = await request(server).get(`${base}/health`);
    while (healthy.status !== 200 && Date.now() - recoveredAt < 30_000) {
      await new Promise(resolve => setTimeout(resolve, 200));
      healthy = await request(server).get(`${base}/health`);
    }
    expect(healthy.status).toBe(200);
    const after = await request(server)
      .get(releasesPath)
      .set('Authorization', user);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
  });
});

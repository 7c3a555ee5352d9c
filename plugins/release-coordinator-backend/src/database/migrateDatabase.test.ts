import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { Knex } from 'knex';
import { DatabaseReleaseStore } from './DatabaseReleaseStore';
import {
  isConcurrentMigrationError,
  migrateWithRetry,
} from './migrateDatabase';
import { createTestDatabases } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const migrationFiles = fs
  .readdirSync(path.resolve(__dirname, '../../migrations'))
  .filter(file => file.endsWith('.js'));

describe.each(databases.eachSupportedId())(
  'getMigratedClient (%s)',
  (databaseId: TestDatabaseId) => {
    it('lets every store start at once on a fresh database, migrating it once', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      await Promise.all([
        DatabaseReleaseStore.create({ database }),
        DatabaseDeploymentStore.create({ database }),
        DatabaseDeploymentStore.create({ database }),
      ]);
      const applied = await knex('knex_migrations').select('name');
      expect(applied.map(row => row.name).sort()).toEqual(
        [...migrationFiles].sort(),
      );
    });

    it('runs nothing when the backend skips plugin migrations', async () => {
      const knex = await databases.init(databaseId);
      await DatabaseDeploymentStore.create({
        database: mockServices.database({ knex, migrations: { skip: true } }),
      });
      expect(await knex.schema.hasTable('deployments')).toBe(false);
    });
  },
);

describe('migrateWithRetry', () => {
  function fakeClient(failures: unknown[]) {
    const latest = jest.fn(async () => {
      const failure = failures.shift();
      if (failure) {
        throw failure;
      }
      return [1, []];
    });
    return { client: { migrate: { latest } } as unknown as Knex, latest };
  }

  it('waits while another replica holds the migration lock, then migrates', async () => {
    const { client, latest } = fakeClient([
      new Error('Migration table is already locked'),
      new Error(
        'create table "knex_migrations" - relation "knex_migrations" already exists',
      ),
    ]);
    await migrateWithRetry(client, { delayMs: 1 });
    expect(latest).toHaveBeenCalledTimes(3);
  });

  it('gives up after the last attempt', async () => {
    const { client, latest } = fakeClient([
      new Error('Migration table is already locked'),
      new Error('Migration table is already locked'),
    ]);
    await expect(
      migrateWithRetry(client, { attempts: 2, delayMs: 1 }),
    ).rejects.toThrow('already locked');
    expect(latest).toHaveBeenCalledTimes(2);
  });

  it('fails at once on any other error', async () => {
    const { client, latest } = fakeClient([new Error('syntax error at "("')]);
    await expect(migrateWithRetry(client, { delayMs: 1 })).rejects.toThrow(
      'syntax error',
    );
    expect(latest).toHaveBeenCalledTimes(1);
  });

  it('recognises the errors of concurrent runs only', () => {
    expect(
      isConcurrentMigrationError(
        new Error('Migration table is already locked'),
      ),
    ).toBe(true);
    expect(isConcurrentMigrationError(new Error('connection refused'))).toBe(
      false,
    );
  });
});

import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { DatabaseReleaseStore } from './DatabaseReleaseStore';
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

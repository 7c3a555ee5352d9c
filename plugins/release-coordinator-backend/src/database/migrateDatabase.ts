import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@release-coordinator/backstage-plugin-backend',
  'migrations',
);

// Every store of the plugin shares one database. Stores created at the same
// time share one in-flight run (knex refuses a second concurrent run on its
// lock table); a later call runs `latest` again, which is a cheap no-op.
const migrationRuns = new WeakMap<Knex, Promise<void>>();

/**
 * The plugin's knex client, migrated to the latest schema unless the backend
 * (or the caller) skips migrations. Used by every store's `create`.
 */
export async function getMigratedClient(options: {
  database: DatabaseService;
  skipMigrations?: boolean;
}): Promise<Knex> {
  const { database, skipMigrations } = options;
  const client = await database.getClient();
  if (database.migrations?.skip || skipMigrations) {
    return client;
  }
  let run = migrationRuns.get(client);
  if (!run) {
    run = client.migrate
      .latest({ directory: migrationsDir })
      .then(() => undefined);
    migrationRuns.set(client, run);
    const forget = () => migrationRuns.delete(client);
    run.then(forget, forget);
  }
  await run;
  return client;
}

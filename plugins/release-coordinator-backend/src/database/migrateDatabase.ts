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

/** How long a replica waits for another replica's migration run. */
const MIGRATION_LOCK_ATTEMPTS = 60;
const MIGRATION_LOCK_DELAY_MS = 500;

/**
 * Whether the error says another process is migrating the same database
 * right now: knex's lock is held, or two replicas raced to create knex's
 * own tables.
 */
export function isConcurrentMigrationError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return (
    /Migration table is already locked/i.test(message) ||
    /knex_migrations(_lock)?.*already exists/i.test(message) ||
    /duplicate key value violates unique constraint "pg_type_typname_nsp_index"/i.test(
      message,
    )
  );
}

/**
 * Runs `migrate.latest`, waiting while another replica holds the migration
 * lock (replicas starting together on one PostgreSQL), then runs it again,
 * which is a no-op once the other replica has finished.
 */
export async function migrateWithRetry(
  client: Knex,
  options: { attempts?: number; delayMs?: number } = {},
): Promise<void> {
  const attempts = options.attempts ?? MIGRATION_LOCK_ATTEMPTS;
  const delayMs = options.delayMs ?? MIGRATION_LOCK_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.migrate.latest({ directory: migrationsDir });
      return;
    } catch (error) {
      if (!isConcurrentMigrationError(error) || attempt >= attempts) {
        throw error;
      }
      await new Promise(resolve => setTimeout(resolve, delayMs));
    }
  }
}

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
    run = migrateWithRetry(client);
    migrationRuns.set(client, run);
    const forget = () => migrationRuns.delete(client);
    run.then(forget, forget);
  }
  await run;
  return client;
}

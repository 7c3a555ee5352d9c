import { TestDatabases } from '@backstage/backend-test-utils';

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/**
 * Test databases for store and migration tests: SQLite always, PostgreSQL 15
 * from `BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING`. In CI a
 * missing PostgreSQL fails the suite instead of silently running on SQLite
 * only; locally it is left out. Docker is never used.
 */
export function createTestDatabases(): TestDatabases {
  if (process.env.CI === 'true' && !process.env[POSTGRES_ENV]) {
    throw new Error(
      `${POSTGRES_ENV} is not set: store tests must run on PostgreSQL 15 in CI (CI=true)`,
    );
  }
  return TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });
}

import { TestDatabaseId } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { Knex } from 'knex';
import { createTestDatabases } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const migrationsDir = path.resolve(__dirname, '../../migrations');
const migrationFiles = fs
  .readdirSync(migrationsDir)
  .filter(file => file.endsWith('.js'))
  .sort();

async function migrateUpOnce(knex: Knex) {
  await knex.migrate.up({ directory: migrationsDir });
}

async function migrateDownOnce(knex: Knex) {
  await knex.migrate.down({ directory: migrationsDir });
}

async function appliedMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = await knex.migrate.list({ directory: migrationsDir });
  const pendingNames = (pending as Array<{ file: string }>).map(m => m.file);
  return migrationFiles.filter(file => !pendingNames.includes(file));
}

const databases = createTestDatabases();

describe('migrations', () => {
  it('are named YYYYMMDDHHMMSS_what.js', () => {
    expect(migrationFiles.length).toBeGreaterThan(0);
    for (const file of migrationFiles) {
      expect(file).toMatch(/^\d{14}_[a-zA-Z0-9_]+\.js$/);
    }
  });

  it.each(databases.eachSupportedId())(
    '20261126000000_init.js steps up and down with data, %p',
    async (databaseId: TestDatabaseId) => {
      const knex = await databases.init(databaseId);

      await migrateUpOnce(knex);
      expect(await appliedMigrations(knex)).toEqual(['20261126000000_init.js']);

      await knex('releases').insert({
        id: '5b0c5f0e-3f3c-4a4e-9d55-2f0a3b3c9a11',
        entity_ref: 'component:default/payments',
        environment: 'production',
        version: '1.4.0',
        commit_sha: 'a1b2c3d4',
        artifact_digest: null,
        plan: JSON.stringify({ strategy: 'rolling' }),
        state: 'draft',
        created_by: 'user:default/alice',
        commit_authors: '[]',
        created_at: '2026-11-26T09:00:00.000Z',
        updated_at: '2026-11-26T09:00:00.000Z',
      });
      await knex('audit_events').insert([
        {
          release_id: '5b0c5f0e-3f3c-4a4e-9d55-2f0a3b3c9a11',
          entity_ref: 'component:default/payments',
          actor: 'user:default/alice',
          action: 'release.created',
          before: null,
          after: '{"state":"draft"}',
          reason: null,
          created_at: '2026-11-26T09:00:00.000Z',
        },
        {
          release_id: null,
          entity_ref: 'component:default/payments',
          actor: 'release-coordinator',
          action: 'deployment.rolled-back',
          before: null,
          after: null,
          reason: 'critical incident',
          created_at: '2026-11-26T09:05:00.000Z',
        },
      ]);

      const releases = await knex('releases');
      expect(releases).toEqual([
        expect.objectContaining({
          id: '5b0c5f0e-3f3c-4a4e-9d55-2f0a3b3c9a11',
          entity_ref: 'component:default/payments',
          commit_sha: 'a1b2c3d4',
          artifact_digest: null,
          plan: '{"strategy":"rolling"}',
        }),
      ]);
      const events = await knex('audit_events').orderBy('id');
      expect(events.map(e => [e.action, e.release_id])).toEqual([
        ['release.created', '5b0c5f0e-3f3c-4a4e-9d55-2f0a3b3c9a11'],
        ['deployment.rolled-back', null],
      ]);
      expect(Number(events[1].id)).toBeGreaterThan(Number(events[0].id));

      await migrateDownOnce(knex);
      expect(await appliedMigrations(knex)).toEqual([]);
      expect(await knex.schema.hasTable('releases')).toBe(false);
      expect(await knex.schema.hasTable('audit_events')).toBe(false);

      // Up again on a database that has been down: the schema is recreated empty.
      await migrateUpOnce(knex);
      expect(await knex.schema.hasTable('releases')).toBe(true);
      expect(await knex('releases')).toEqual([]);
      expect(await knex('audit_events')).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    '20261126140000_rollbacks.js enforces one key, one lock and one automated rollback, %p',
    async (databaseId: TestDatabaseId) => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const row = (overrides: Record<string, unknown>) => ({
        id: 'r1',
        entity_ref: 'component:default/payments',
        environment: 'production',
        state: 'pending',
        target_deployment_id: 'd1',
        target_version: '1.0.0',
        reason: 'errors',
        initiator: 'user:default/alice',
        automated: false,
        provider: 'github',
        confirmed_migration_rollback: false,
        idempotency_key: 'k1',
        request_fingerprint: 'f',
        active_lock: 'component:default/payments|production',
        created_at: '2026-11-26T09:00:00.000Z',
        updated_at: '2026-11-26T09:00:00.000Z',
        ...overrides,
      });
      const refused = async (values: Record<string, unknown>) => {
        try {
          await knex('rollbacks').insert(values);
          return false;
        } catch {
          return true;
        }
      };
      await knex('rollbacks').insert(row({}));
      // Same key for the entity.
      expect(await refused(row({ id: 'r2', active_lock: null }))).toBe(true);
      // Same lock.
      expect(await refused(row({ id: 'r3', idempotency_key: 'k3' }))).toBe(
        true,
      );
      // Finished rollbacks hold no lock: NULLs never collide.
      await knex('rollbacks').insert([
        row({ id: 'r4', idempotency_key: 'k4', active_lock: null }),
        row({ id: 'r5', idempotency_key: 'k5', active_lock: null }),
      ]);
      await knex('rollbacks').insert(
        row({
          id: 'r6',
          idempotency_key: 'k6',
          active_lock: null,
          automated: true,
          automated_for_deployment_id: 'd9',
        }),
      );
      expect(
        await refused(
          row({
            id: 'r7',
            idempotency_key: 'k7',
            active_lock: null,
            automated: true,
            automated_for_deployment_id: 'd9',
          }),
        ),
      ).toBe(true);
      expect((await knex('rollbacks').orderBy('id')).map(r => r.id)).toEqual([
        'r1',
        'r4',
        'r5',
        'r6',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'every migration steps up and down in order, %p',
    async (databaseId: TestDatabaseId) => {
      const knex = await databases.init(databaseId);
      for (let i = 0; i < migrationFiles.length; i++) {
        await migrateUpOnce(knex);
        expect(await appliedMigrations(knex)).toEqual(
          migrationFiles.slice(0, i + 1),
        );
      }
      for (let i = migrationFiles.length - 1; i >= 0; i--) {
        await migrateDownOnce(knex);
        expect(await appliedMigrations(knex)).toEqual(
          migrationFiles.slice(0, i),
        );
      }
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await appliedMigrations(knex)).toEqual(migrationFiles);
    },
  );
});

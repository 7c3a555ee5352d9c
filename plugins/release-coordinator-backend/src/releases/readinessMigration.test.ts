import { TestDatabaseId } from '@backstage/backend-test-utils';
import path from 'node:path';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';

jest.setTimeout(60_000);

const migrationsDir = path.resolve(__dirname, '../../migrations');
const databases = createTestDatabases();
const releaseId = '5b0c5f0e-3f3c-4a4e-9d55-2f0a3b3c9a11';
// The driver's error code for a unique or primary key violation. (SQLite
// errors may come from another realm, so toThrow() does not see them as errors.)
const uniqueViolation = expect.stringMatching(
  /^(23505|SQLITE_CONSTRAINT_UNIQUE|SQLITE_CONSTRAINT_PRIMARYKEY)$/,
);

describe.each(databases.eachSupportedId())(
  '20261126100000_release_readiness.js (%s)',
  (databaseId: TestDatabaseId) => {
    it('steps up and down with data in the tables', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.up({ directory: migrationsDir }); // init
      await knex('releases').insert({
        id: releaseId,
        entity_ref: 'component:default/payments',
        environment: 'production',
        version: '1.4.0',
        commit_sha: 'a1b2c3d4',
        artifact_digest: null,
        plan: '{"strategy":"canary"}',
        state: 'ready',
        created_by: 'user:default/alice',
        commit_authors: '[]',
        created_at: '2026-11-26T09:00:00.000Z',
        updated_at: '2026-11-26T09:00:00.000Z',
      });

      await knex.migrate.up({ directory: migrationsDir });
      const [, pending] = await knex.migrate.list({ directory: migrationsDir });
      expect(
        (pending as Array<{ file: string }>).map(m => m.file),
      ).not.toContain('20261126100000_release_readiness.js');

      await knex('checklist_items').insert({
        release_id: releaseId,
        item_id: 'tests-passing',
        title: 'Tests pass',
        stage: 'tests',
        kind: 'automatic',
        status: 'passed',
        required_role: null,
        evidence: '{"url":"https://ci/1"}',
        recorded_by: 'external:ci',
        recorded_at: '2026-11-26T09:01:00.000Z',
        waiver_reason: null,
        position: 0,
      });
      const approval = {
        release_id: releaseId,
        approver: 'user:default/carol',
        decision: 'approve',
        comment: null,
        database_admin: false,
        created_at: '2026-11-26T09:02:00.000Z',
      };
      await knex('approvals').insert({ id: 'a1', ...approval });
      // A person counts once: the database refuses a second row.
      await expect(async () => {
        await knex('approvals').insert({ id: 'a2', ...approval });
      }).rejects.toMatchObject({ code: uniqueViolation });
      await expect(async () => {
        await knex('checklist_items').insert({
          release_id: releaseId,
          item_id: 'tests-passing',
          title: 'again',
          stage: 'tests',
          kind: 'automatic',
          status: 'pending',
          position: 1,
        });
      }).rejects.toMatchObject({ code: uniqueViolation });
      await knex('freeze_overrides').insert({
        release_id: releaseId,
        actor: 'user:default/carol',
        reason: 'hotfix',
        window_name: 'weekends',
        created_at: '2026-11-26T09:03:00.000Z',
      });

      const [item] = await knex('checklist_items');
      expect(item).toMatchObject({
        item_id: 'tests-passing',
        status: 'passed',
      });
      const approvals = await knex('approvals');
      expect(approvals).toHaveLength(1);
      expect(Boolean(approvals[0].database_admin)).toBe(false);
      expect(await knex('freeze_overrides')).toHaveLength(1);

      await knex.migrate.down({ directory: migrationsDir });
      for (const table of [
        'checklist_items',
        'approvals',
        'freeze_overrides',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      // The releases of the init migration are untouched.
      expect(await knex('releases')).toEqual([
        expect.objectContaining({ id: releaseId, state: 'ready' }),
      ]);

      await knex.migrate.up({ directory: migrationsDir });
      expect(await knex('checklist_items')).toEqual([]);
      expect(await knex('approvals')).toEqual([]);
    });
  },
);

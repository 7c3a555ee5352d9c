import { TestDatabaseId } from '@backstage/backend-test-utils';
import path from 'node:path';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';

jest.setTimeout(60_000);

const migrationsDir = path.resolve(__dirname, '../../migrations');
const databases = createTestDatabases();
const MIGRATION = '20261207010000_unresolved_commit_authors.js';

function release(id: string, commitAuthors: string[]) {
  return {
    id,
    entity_ref: 'component:default/payments',
    environment: 'production',
    version: '1.4.0',
    commit_sha: 'a1b2c3d4',
    artifact_digest: null,
    plan: '{"strategy":"canary"}',
    state: 'ready',
    created_by: 'user:default/alice',
    commit_authors: JSON.stringify(commitAuthors),
    created_at: '2026-11-26T09:00:00.000Z',
    updated_at: '2026-11-26T09:00:00.000Z',
  };
}

describe.each(databases.eachSupportedId())(
  `${MIGRATION} (%s)`,
  (databaseId: TestDatabaseId) => {
    it('repairs the authors stored as strings and steps down again', async () => {
      const knex = await databases.init(databaseId);
      // Everything before this migration.
      for (;;) {
        const [, pending] = await knex.migrate.list({
          directory: migrationsDir,
        });
        const next = (pending as Array<{ file: string }>)[0]?.file;
        if (!next || next === MIGRATION) break;
        await knex.migrate.up({ directory: migrationsDir });
      }
      await knex('releases').insert([
        // What the old normalization stored for these inputs.
        release('00000000-0000-4000-8000-000000000001', [
          'user:default/carol@example.com',
          ' user:default/carol',
          'github:default/carol-gh',
          'user:default/bob',
        ]),
        release('00000000-0000-4000-8000-000000000002', []),
      ]);

      await knex.migrate.up({ directory: migrationsDir });
      const rows = await knex('releases').orderBy('id');
      expect(
        rows.map(r => [
          JSON.parse(r.commit_authors),
          JSON.parse(r.unresolved_commit_authors),
        ]),
      ).toEqual([
        [
          ['user:default/carol', 'user:default/bob'],
          ['carol@example.com', 'github:carol-gh'],
        ],
        [[], []],
      ]);

      await knex.migrate.down({ directory: migrationsDir });
      const columns = await knex('releases').columnInfo();
      expect(columns).not.toHaveProperty('unresolved_commit_authors');
    });
  },
);

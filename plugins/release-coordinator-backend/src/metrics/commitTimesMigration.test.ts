import { TestDatabaseId } from '@backstage/backend-test-utils';
import path from 'node:path';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';

jest.setTimeout(60_000);

const migrationsDir = path.resolve(__dirname, '../../migrations');
const MIGRATION = '20261126150000_metrics_performance.js';

const databases = createTestDatabases();

function deployment(id: string) {
  return {
    id,
    entity_ref: 'component:default/payments',
    environment: 'production',
    source: 'ci',
    external_id: id,
    version: '1.0.0',
    commit_sha: null,
    kind: 'deploy',
    status: 'succeeded',
    started_at: null,
    finished_at: '2026-11-02T00:00:00.000Z',
    sort_at: '2026-11-02T00:00:00.000Z',
    initiator: null,
    url: null,
    release_id: null,
    rollback_of: null,
    revision: 1,
    received_at: '2026-11-02T00:00:00.000Z',
    updated_at: '2026-11-02T00:00:00.000Z',
  };
}

describe('20261126150000_metrics_performance.js', () => {
  it.each(databases.eachSupportedId())(
    'backfills deployments.commit_times from the stored commits, %p',
    async (databaseId: TestDatabaseId) => {
      const knex: Knex = await databases.init(databaseId);
      // Every migration before this one.
      for (;;) {
        const [, pending] = await knex.migrate.list({
          directory: migrationsDir,
        });
        const next = (pending as Array<{ file: string }>)[0]?.file;
        if (next === undefined || next === MIGRATION) break;
        await knex.migrate.up({ directory: migrationsDir });
      }
      await knex('deployments').insert([deployment('d1'), deployment('d2')]);
      await knex('deployment_commits').insert([
        {
          deployment_id: 'd1',
          sha: 'a',
          committed_at: '2026-11-01T10:00:00.123Z',
        },
        {
          deployment_id: 'd1',
          sha: 'b',
          committed_at: '2026-11-01T11:00:00.000Z',
        },
      ]);

      await knex.migrate.up({ directory: migrationsDir, name: MIGRATION });

      const rows = await knex('deployments')
        .select('id', 'commit_times')
        .orderBy('id');
      expect(rows[1]).toEqual({ id: 'd2', commit_times: null });
      expect(
        rows[0].commit_times
          .split(',')
          .map(Number)
          .sort((x: number, y: number) => x - y),
      ).toEqual([
        Date.parse('2026-11-01T10:00:00.123Z'),
        Date.parse('2026-11-01T11:00:00.000Z'),
      ]);

      await knex.migrate.down({ directory: migrationsDir, name: MIGRATION });
      expect(await knex.schema.hasColumn('deployments', 'commit_times')).toBe(
        false,
      );
    },
  );
});

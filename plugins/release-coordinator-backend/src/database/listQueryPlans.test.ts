import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { encodeCursor } from '../deployments/cursor';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { DatabaseRollbackStore } from '../rollbacks/DatabaseRollbackStore';
import { isPostgres } from './client';
import { DatabaseReleaseStore } from './DatabaseReleaseStore';
import { createTestDatabases } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ENTITY = 'component:default/payments';

/**
 * The plans of the list routes' queries (migration
 * 20261208700000_list_indexes.js): every default and filtered ordering is
 * read from an index in order — no sort of the entity's whole history, no
 * table scan. The queries are the stores' own, captured as they run.
 *
 * PostgreSQL is asked with sequential scans disabled, so the plan shows
 * whether an index can serve the query at all (on a small table the
 * planner would rightly prefer a scan); SQLite's EXPLAIN QUERY PLAN names
 * the index and any temporary B-tree it would sort in.
 */
describe.each(databases.eachSupportedId())(
  'list query plans (%s)',
  databaseId => {
    let knex: Knex;
    let deployments: DatabaseDeploymentStore;
    let releases: DatabaseReleaseStore;
    let rollbacks: DatabaseRollbackStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      deployments = await DatabaseDeploymentStore.create({ database });
      releases = await DatabaseReleaseStore.create({ database });
      rollbacks = await DatabaseRollbackStore.create({ database });
    });

    /** The SQL of the first query on `table` that `run` sends. */
    async function captured(
      table: string,
      run: () => Promise<unknown>,
    ): Promise<{ sql: string; bindings: readonly unknown[] }> {
      const seen: Array<{ sql: string; bindings: readonly unknown[] }> = [];
      const listener = (query: {
        sql: string;
        bindings?: readonly unknown[];
      }) => seen.push({ sql: query.sql, bindings: query.bindings ?? [] });
      knex.on('query', listener);
      try {
        await run();
      } finally {
        knex.removeListener('query', listener);
      }
      const query = seen.find(
        q =>
          /order by/i.test(q.sql) &&
          new RegExp(`from ["\`]${table}["\`]`, 'i').test(q.sql),
      );
      if (!query) {
        throw new Error(
          `no ordered query on ${table} in ${JSON.stringify(seen)}`,
        );
      }
      return query;
    }

    async function plan(query: { sql: string; bindings: readonly unknown[] }) {
      if (isPostgres(knex)) {
        return knex.transaction(async tx => {
          await tx.raw('SET LOCAL enable_seqscan = off');
          const sql = query.sql.replace(/\$\d+/g, '?');
          const result = await tx.raw(
            `EXPLAIN ${sql}`,
            query.bindings as never,
          );
          return (result.rows as Array<{ 'QUERY PLAN': string }>)
            .map(r => r['QUERY PLAN'])
            .join('\n');
        });
      }
      const rows: Array<{ detail: string }> = await knex.raw(
        `EXPLAIN QUERY PLAN ${query.sql}`,
        query.bindings as never,
      );
      return rows.map(r => r.detail).join('\n');
    }

    function expectIndexRead(text: string, index: string) {
      expect(text).toContain(index);
      if (isPostgres(knex)) {
        expect(text).not.toMatch(/\bSort\b|Seq Scan/);
      } else {
        expect(text).not.toMatch(/TEMP B-TREE|SCAN (TABLE )?\w+$/m);
      }
    }

    it.each([
      [{}, 'deployments_entity_sort_idx'],
      [{ environment: 'production' }, 'deployments_history_idx'],
      [{ status: 'failed' as const }, 'deployments_entity_status_sort_idx'],
      [
        { environment: 'production', status: 'failed' as const },
        'deployments_entity_environment_status_sort_idx',
      ],
      [
        // A later page: the keyset condition keeps the same index range.
        { cursor: encodeCursor({ at: '2026-11-20T10:00:00.000Z', id: 'a' }) },
        'deployments_entity_sort_idx',
      ],
    ])('deployments %j read %s in order', async (filter, index) => {
      const query = await captured('deployments', () =>
        deployments.listDeployments({
          entityRef: ENTITY,
          limit: 50,
          ...filter,
        }),
      );
      expectIndexRead(await plan(query), index);
    });

    it.each([
      [{}, 'incidents_entity_started_idx'],
      [
        { environment: 'production' },
        'incidents_entity_environment_started_id_idx',
      ],
    ])('incidents %j read %s in order', async (filter, index) => {
      const query = await captured('incidents', () =>
        deployments.listIncidents({ entityRef: ENTITY, limit: 50, ...filter }),
      );
      expectIndexRead(await plan(query), index);
    });

    it.each([
      [{}, 'releases_entity_created_idx'],
      [
        { environment: 'production' },
        'releases_entity_environment_created_id_idx',
      ],
    ])('releases %j read %s in order', async (filter, index) => {
      const query = await captured('releases', () =>
        releases.listReleases({ entityRef: ENTITY, limit: 50, ...filter }),
      );
      expectIndexRead(await plan(query), index);
    });

    it.each([
      [{}, 'rollbacks_entity_idx'],
      [{ environment: 'production' }, 'rollbacks_history_idx'],
    ])('rollbacks %j read %s in order', async (filter, index) => {
      const query = await captured('rollbacks', () =>
        rollbacks.listRollbacks({ entityRef: ENTITY, limit: 50, ...filter }),
      );
      expectIndexRead(await plan(query), index);
    });
  },
);

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
      await populate();
    });

    /**
     * A history shaped like a busy service's (several environments, most
     * deployments succeeded), with table statistics, so that PostgreSQL's
     * planner chooses between the indexes as it would in production.
     */
    async function populate() {
      const environments = [
        'production',
        'staging',
        'dev',
        'qa',
        'eu',
        'us',
        'ap',
        'sandbox',
      ];
      const statuses = ['succeeded', 'succeeded', 'succeeded', 'failed'];
      const at = (i: number) =>
        new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
      const entityOf = (i: number) =>
        i % 2 === 0 ? ENTITY : `component:default/other-${i % 50}`;
      const deploymentRows = Array.from({ length: 4000 }, (_, i) => ({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        entity_ref: entityOf(i),
        environment: environments[Math.floor(i / 2) % environments.length],
        source: 'ci',
        external_id: `run-${i}`,
        version: `1.0.${i}`,
        kind: 'deploy',
        status: statuses[Math.floor(i / 16) % statuses.length],
        started_at: at(i),
        finished_at: at(i),
        sort_at: at(i),
        revision: 1,
        received_at: at(i),
        updated_at: at(i),
      }));
      const rollbackRows = Array.from({ length: 2000 }, (_, i) => ({
        id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        entity_ref: entityOf(i),
        environment: environments[Math.floor(i / 2) % environments.length],
        state: 'succeeded',
        target_deployment_id: deploymentRows[i].id,
        target_version: '1.0.0',
        reason: 'test',
        initiator: 'user:default/alice',
        automated: false,
        provider: 'ci',
        confirmed_migration_rollback: false,
        idempotency_key: `key-${i}`,
        request_fingerprint: 'f',
        created_at: at(i),
        updated_at: at(i),
      }));
      await knex.batchInsert('deployments', deploymentRows, 250);
      await knex.batchInsert('rollbacks', rollbackRows, 250);
      if (isPostgres(knex)) {
        await knex.raw('ANALYZE deployments, rollbacks, releases, incidents');
      }
    }

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

    /**
     * What is wrong with a plan. SQLite must read `index` in order (no
     * temporary B-tree, no table scan). PostgreSQL chooses by cost, so there
     * the rule is what keeps a page cheap at any history size: no sequential
     * scan, and every filter (`columns`) is an index condition — the rows read
     * are only the matching ones, never the entity's whole history filtered
     * afterwards (a sort of those matching rows is the planner's choice).
     */
    function planProblems(
      text: string,
      index: string,
      columns: string[],
    ): string[] {
      const problems: string[] = [];
      if (isPostgres(knex)) {
        if (/Seq Scan/.test(text)) problems.push('scans the table');
        const conditions = text
          .split('\n')
          .filter(line => /Index Cond:/.test(line))
          .join(' ');
        for (const column of columns) {
          if (!new RegExp(`\\(${column}\\)::text =`).test(conditions)) {
            problems.push(`${column} is not an index condition`);
          }
        }
        // A keyset bound (sort_at, id) may be a filter in index order; the
        // filtered columns may not.
        if (/Filter:.*\((environment|status)\)/.test(text)) {
          problems.push('filters rows after reading them');
        }
      } else {
        if (!text.includes(index)) problems.push(`does not use ${index}`);
        if (/TEMP B-TREE/.test(text)) problems.push('sorts');
        if (/SCAN (TABLE )?\w+$/m.test(text)) problems.push('scans the table');
      }
      return problems.map(p => `${p}:\n${text}`);
    }

    /** The columns an index must match for a list filter. */
    function filterColumns(filter: object): string[] {
      return [
        'entity_ref',
        ...Object.keys(filter).filter(
          k => k === 'environment' || k === 'status',
        ),
      ];
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
      expect(
        planProblems(await plan(query), index, filterColumns(filter)),
      ).toEqual([]);
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
      expect(
        planProblems(await plan(query), index, filterColumns(filter)),
      ).toEqual([]);
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
      expect(
        planProblems(await plan(query), index, filterColumns(filter)),
      ).toEqual([]);
    });

    it.each([
      [{}, 'rollbacks_entity_idx'],
      [{ environment: 'production' }, 'rollbacks_history_idx'],
    ])('rollbacks %j read %s in order', async (filter, index) => {
      const query = await captured('rollbacks', () =>
        rollbacks.listRollbacks({ entityRef: ENTITY, limit: 50, ...filter }),
      );
      expect(
        planProblems(await plan(query), index, filterColumns(filter)),
      ).toEqual([]);
    });
  },
);

import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import path from 'node:path';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { toDbTimestamp } from '../database/timestamps';
import { DatabaseMetricsStore } from './DatabaseMetricsStore';
import { MetricsService } from './MetricsService';

jest.setTimeout(60_000);

const migrationsDir = path.resolve(__dirname, '../../migrations');
const MIGRATION = '20261208100000_metrics_rework.js';
const payments = 'component:default/payments';

const databases = createTestDatabases();

describe('20261208100000_metrics_rework.js', () => {
  it.each(databases.eachSupportedId())(
    'recomputes the stored rollups so that rework is counted, %p',
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
      const database = mockServices.database({
        knex,
        migrations: { skip: true },
      });
      // Raw rows in the schema of that time: today's stores write columns
      // that later migrations added (e.g. incidents.reported_at).
      const at = (iso: string) => toDbTimestamp(new Date(iso));
      await knex('deployments').insert({
        id: '00000000-0000-4000-8000-000000000001',
        entity_ref: payments,
        environment: 'production',
        source: 'test',
        external_id: 'during-incident',
        version: '1.0.0',
        kind: 'deploy',
        status: 'succeeded',
        started_at: at('2026-11-20T10:30:00.000Z'),
        finished_at: at('2026-11-20T10:40:00.000Z'),
        sort_at: at('2026-11-20T10:40:00.000Z'),
        revision: 1,
        received_at: at('2026-11-20T10:40:00.000Z'),
        updated_at: at('2026-11-20T10:40:00.000Z'),
      });
      await knex('incidents').insert({
        id: '00000000-0000-4000-8000-000000000002',
        entity_ref: payments,
        source: 'test',
        external_id: 'outage',
        severity: 'critical',
        title: 'outage',
        environment: null,
        started_at: at('2026-11-20T10:00:00.000Z'),
        resolved_at: at('2026-11-20T11:00:00.000Z'),
        revision: 1,
        received_at: at('2026-11-20T11:00:00.000Z'),
        updated_at: at('2026-11-20T11:00:00.000Z'),
      });
      // As if the rollups had been computed before the migration (without
      // rework), and a roll-up cache filled.
      await knex('metrics_dirty').del();
      await knex('metrics_daily').insert({
        entity_ref: payments,
        environment: 'production',
        day: '2026-11-20',
        succeeded: 1,
        failed: 0,
        failed_in_production: 0,
        rollbacks: 0,
        lead_times: null,
        durations: null,
      });
      await knex('metrics_scope_daily').insert({
        scope_key: 'k',
        environment: 'production',
        day: '2026-11-20',
        version: 0,
        succeeded: 1,
        failed: 0,
        failed_in_production: 0,
        rollbacks: 0,
        lead_times: null,
        durations: null,
      });

      await knex.migrate.up({ directory: migrationsDir, name: MIGRATION });

      const [{ n: cached }] = await knex('metrics_scope_daily').count({
        n: '*',
      });
      expect(Number(cached)).toBe(0);
      const marks = await knex('metrics_dirty').select(
        'entity_ref',
        'environment',
      );
      expect(marks).toEqual([
        { entity_ref: payments, environment: 'production' },
      ]);
      const service = new MetricsService({
        store: await DatabaseMetricsStore.create({
          database,
          skipMigrations: true,
        }),
      });
      const result = await service.compute({
        entityRefs: [payments],
        environment: 'production',
        windowDays: 30,
        end: new Date('2026-11-26T12:00:00.000Z'),
      });
      expect(result.metrics.deploymentReworkRate).toEqual({
        value: 1,
        rework: 1,
        deployments: 1,
      });

      await knex.migrate.down({ directory: migrationsDir, name: MIGRATION });
      expect(
        await knex.schema.hasColumn('metrics_daily', 'rework_deploys'),
      ).toBe(false);
      expect(await knex.schema.hasTable('metrics_rework_deployments')).toBe(
        false,
      );
    },
  );
});

import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { CostRecord } from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseCostStore } from './DatabaseCostStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const payments = 'component:default/payments';
const ledger = 'component:default/ledger';

function cost(overrides: Partial<CostRecord>): CostRecord {
  return {
    entityRef: payments,
    date: '2026-11-20',
    source: 'aws',
    amount: 12.5,
    currency: 'USD',
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseCostStore (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseCostStore;
    let clock: Date;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseCostStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
        now: () => clock,
      });
    });

    beforeEach(async () => {
      clock = new Date('2026-11-26T09:00:00.000Z');
      await knex('cost_records').del();
    });

    it('reports created, unchanged, then updated, keeping one row per (entity, day, source)', async () => {
      expect(await store.upsertCosts([cost({})])).toEqual(['created']);
      expect(await store.upsertCosts([cost({})])).toEqual(['unchanged']);
      expect(await store.upsertCosts([cost({ amount: 14 })])).toEqual([
        'updated',
      ]);
      expect(
        await store.upsertCosts([cost({ amount: 14, currency: 'EUR' })]),
      ).toEqual(['updated']);

      const rows = await knex('cost_records').select();
      expect(rows).toHaveLength(1);
      expect(Number(rows[0].amount)).toBe(14);
      expect(rows[0].currency).toBe('EUR');
    });

    it('keeps several sources of one day apart and applies a repeated key in order', async () => {
      const statuses = await store.upsertCosts([
        cost({ source: 'aws', amount: 10 }),
        cost({ source: 'opencost', amount: 3.25 }),
        cost({ source: 'aws', amount: 11 }),
        cost({ entityRef: ledger, amount: 7 }),
      ]);
      expect(statuses).toEqual(['created', 'created', 'updated', 'created']);

      expect(
        await store.listCosts({
          entityRefs: [payments],
          from: '2026-11-20',
          to: '2026-11-21',
        }),
      ).toEqual([
        cost({ source: 'aws', amount: 11 }),
        cost({ source: 'opencost', amount: 3.25 }),
      ]);
    });

    it('lists the days [from, to) of the entities, ordered by day and source, keeping currencies', async () => {
      await store.upsertCosts([
        cost({ date: '2026-11-18', amount: 1 }),
        cost({ date: '2026-11-19', source: 'gcp', amount: 2, currency: 'EUR' }),
        cost({ date: '2026-11-19', amount: 3 }),
        cost({ date: '2026-11-21', amount: 4 }),
        cost({ entityRef: ledger, date: '2026-11-19', amount: 5 }),
        cost({ entityRef: 'component:default/other', date: '2026-11-19' }),
      ]);
      const rows = await store.listCosts({
        entityRefs: [payments, ledger],
        from: '2026-11-19',
        to: '2026-11-21',
      });
      expect(
        rows.map(r => [r.entityRef, r.date, r.source, r.amount, r.currency]),
      ).toEqual([
        [ledger, '2026-11-19', 'aws', 5, 'USD'],
        [payments, '2026-11-19', 'aws', 3, 'USD'],
        [payments, '2026-11-19', 'gcp', 2, 'EUR'],
      ]);
    });

    it('enforces the key in the database: a concurrent upsert of the same key keeps one row', async () => {
      await Promise.all([
        store.upsertCosts([cost({ amount: 1 })]),
        store.upsertCosts([cost({ amount: 2 })]),
        store.upsertCosts([cost({ amount: 3 })]),
      ]);
      const rows = await knex('cost_records').select();
      expect(rows).toHaveLength(1);
      expect([1, 2, 3]).toContain(Number(rows[0].amount));
    });

    it('stores a full batch of 1000 records in one call', async () => {
      const batch = Array.from({ length: 1000 }, (_, i) =>
        cost({
          entityRef: `component:default/svc-${i % 10}`,
          date: new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 10)))
            .toISOString()
            .slice(0, 10),
          amount: i,
        }),
      );
      const statuses = await store.upsertCosts(batch);
      expect(statuses.every(s => s === 'created')).toBe(true);
      expect(Number((await knex('cost_records').count({ n: '*' }))[0].n)).toBe(
        1000,
      );
    });
  },
);

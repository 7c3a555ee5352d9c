import { DatabaseService } from '@backstage/backend-plugin-api';
import { CostRecord } from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { getMigratedClient } from '../database/migrateDatabase';
import { toDbTimestamp } from '../database/timestamps';
import { chunks } from '../deployments/upsertByExternalId';
import { CostStore, CostUpsertStatus, ListCostsQuery } from './CostStore';

type CostRow = {
  entity_ref: string;
  date: string;
  source: string;
  amount: number;
  currency: string;
  updated_at: Date | string;
};

const KEY_COLUMNS = ['entity_ref', 'date', 'source'];

function keyOf(record: { entityRef: string; date: string; source: string }) {
  return JSON.stringify([record.entityRef, record.date, record.source]);
}

/**
 * Knex implementation of {@link CostStore} on the `cost_records` table
 * (migration 20261126120000), on SQLite and PostgreSQL.
 */
export class DatabaseCostStore implements CostStore {
  /** Creates the store, running the plugin's migrations unless skipped. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    /** Source of the current time; tests pass a fixed clock. */
    now?: () => Date;
  }): Promise<DatabaseCostStore> {
    const client = await getMigratedClient(options);
    return new DatabaseCostStore(client, options.now ?? (() => new Date()));
  }

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {}

  async upsertCosts(records: CostRecord[]): Promise<CostUpsertStatus[]> {
    if (records.length === 0) {
      return [];
    }
    const updatedAt = toDbTimestamp(this.now());
    // The same key twice in a batch is applied in order, in successive
    // statements: one statement cannot update a row twice on PostgreSQL.
    const rounds: number[][] = [];
    const seen = new Map<string, number>();
    records.forEach((record, index) => {
      const round = seen.get(keyOf(record)) ?? 0;
      seen.set(keyOf(record), round + 1);
      (rounds[round] ??= []).push(index);
    });

    return this.db.transaction(async tx => {
      // What is stored before the batch, only to report created / updated /
      // unchanged; the upsert itself is decided by the primary key.
      const current = new Map<string, { amount: number; currency: string }>();
      for (const chunk of chunks([...new Set(records.map(keyOf))], 300)) {
        const keys = chunk.map(key => JSON.parse(key) as string[]);
        const rows: CostRow[] = await tx<CostRow>('cost_records')
          .whereIn(KEY_COLUMNS, keys)
          .select();
        for (const row of rows) {
          current.set(
            keyOf({
              entityRef: row.entity_ref,
              date: row.date,
              source: row.source,
            }),
            { amount: Number(row.amount), currency: row.currency },
          );
        }
      }

      const statuses: CostUpsertStatus[] = new Array(records.length);
      for (const round of rounds) {
        for (const chunk of chunks(round)) {
          await tx<CostRow>('cost_records')
            .insert(
              chunk.map(index => {
                const r = records[index];
                return {
                  entity_ref: r.entityRef,
                  date: r.date,
                  source: r.source,
                  amount: r.amount,
                  currency: r.currency,
                  updated_at: updatedAt,
                };
              }),
            )
            .onConflict(KEY_COLUMNS)
            .merge(['amount', 'currency', 'updated_at']);
        }
        for (const index of round) {
          const record = records[index];
          const before = current.get(keyOf(record));
          if (!before) {
            statuses[index] = 'created';
          } else if (
            before.amount === record.amount &&
            before.currency === record.currency
          ) {
            statuses[index] = 'unchanged';
          } else {
            statuses[index] = 'updated';
          }
          current.set(keyOf(record), {
            amount: record.amount,
            currency: record.currency,
          });
        }
      }
      return statuses;
    });
  }

  async listCosts(query: ListCostsQuery): Promise<CostRecord[]> {
    const out: CostRecord[] = [];
    for (const refs of chunks(query.entityRefs)) {
      const rows: CostRow[] = await this.db<CostRow>('cost_records')
        .whereIn('entity_ref', refs)
        .andWhere('date', '>=', query.from)
        .andWhere('date', '<', query.to)
        .select();
      for (const row of rows) {
        out.push({
          entityRef: row.entity_ref,
          date: row.date,
          source: row.source,
          amount: Number(row.amount),
          currency: row.currency,
        });
      }
    }
    return out.sort(
      (a, b) =>
        a.date.localeCompare(b.date) ||
        a.source.localeCompare(b.source) ||
        a.entityRef.localeCompare(b.entityRef),
    );
  }
}

import { Knex } from 'knex';
import { UpsertOutcome } from './DeploymentStore';
import {
  ColumnTypes,
  insertUnnest,
  isPostgres,
  UNNEST_CHUNK_SIZE,
} from './postgresBatch';

// Rows per statement: well below SQLite's bound-variable limit.
const CHUNK_SIZE = 500;

/** Splits a list into statement-sized chunks. */
export function chunks<T>(items: T[], size = CHUNK_SIZE): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

type SourceKey = { source: string; externalId: string };

/** What the upsert statement returns of each row it wrote. */
type WrittenRow = {
  id: string;
  source: string;
  external_id: string;
  revision: number | string;
};

function keyOf(source: string, externalId: string): string {
  return JSON.stringify([source, externalId]);
}

/**
 * One multi-row `INSERT ... ON CONFLICT (source, external_id) DO UPDATE SET
 * <merge> WHERE <where>`, rows in the given order; returns the rows it wrote
 * (inserted, or merged because the guard let the report win).
 */
async function writeRows<Row extends object>(options: {
  tx: Knex.Transaction;
  table: string;
  rows: Row[];
  columnTypes: ColumnTypes<Row>;
  merge: Record<string, Knex.Raw>;
  where: Knex.Raw;
}): Promise<WrittenRow[]> {
  const { tx, table, rows, columnTypes, merge, where } = options;
  if (!isPostgres(tx)) {
    return tx(table)
      .insert(rows)
      .onConflict(['source', 'external_id'])
      .merge(merge)
      .where(where)
      .returning(['id', 'source', 'external_id', 'revision']);
  }
  const set = Object.keys(merge)
    .map(() => '?? = ?')
    .join(', ');
  const result: { rows: WrittenRow[] } = await tx.raw(
    `? ON CONFLICT (source, external_id) DO UPDATE SET ${set} WHERE ? RETURNING id, source, external_id, revision`,
    [
      insertUnnest(tx, table, rows, columnTypes),
      ...Object.entries(merge).flat(),
      where,
    ],
  );
  return result.rows;
}

/** Per-item outcomes of an upsert, and the stored ids of the keys involved. */
export interface UpsertOutcomes {
  results: UpsertOutcome[];
  /** Stored id of (source, externalId), for the batch and its extra keys. */
  idOf(source: string, externalId: string): string | undefined;
  /** Reports an item that changed after the row upsert as updated. */
  markUpdated(index: number): void;
}

/**
 * Inserts rows keyed by (source, external_id) and, on conflict, merges them
 * with the SQL rules given (`merge` as SET, `where` as the guard), inside the
 * caller's transaction. The outcome of each item comes from the row's
 * `revision` as returned by the statement (1: inserted, more: updated; no
 * row: the guard kept the stored row), so it is right under concurrency.
 *
 * The same key twice in a batch is applied in order, in successive
 * statements (one statement cannot update a row twice on PostgreSQL).
 */
export async function upsertByExternalId<
  T extends SourceKey,
  Row extends { id: string; revision: number },
>(options: {
  tx: Knex.Transaction;
  table: string;
  items: T[];
  toRow: (item: T) => Row;
  /** Every column of a row and its type (PostgreSQL's unnest statement). */
  columnTypes: ColumnTypes<Row>;
  merge: Record<string, Knex.Raw>;
  where: Knex.Raw;
  /** Further keys whose ids the caller needs (e.g. rollback targets). */
  extraKeys: SourceKey[];
}): Promise<UpsertOutcomes> {
  const { tx, table, items, toRow, columnTypes, merge, where, extraKeys } =
    options;
  const postgres = isPostgres(tx);

  const keys = items.map(item => keyOf(item.source, item.externalId));
  const rounds: number[][] = [];
  const occurrences = new Map<string, number>();
  keys.forEach((key, index) => {
    const round = occurrences.get(key) ?? 0;
    occurrences.set(key, round + 1);
    (rounds[round] ??= []).push(index);
  });

  const statuses: UpsertOutcome['status'][] = items.map(() => 'unchanged');
  // Stored ids by key: from the rows the upserts return, then (for rows the
  // guard kept, and extra keys) one select per source and chunk.
  const ids = new Map<string, string>();
  for (const round of rounds) {
    // Rows in key order, so that concurrent batches lock rows in one order.
    const ordered = [...round].sort((a, b) =>
      keys[a] < keys[b] ? -1 : Number(keys[a] > keys[b]),
    );
    for (const chunk of chunks(
      ordered,
      postgres ? UNNEST_CHUNK_SIZE : undefined,
    )) {
      const written = await writeRows({
        tx,
        table,
        rows: chunk.map(index => toRow(items[index])),
        columnTypes,
        merge,
        where,
      });
      const revisions = new Map<string, number>();
      for (const row of written) {
        const key = keyOf(row.source, row.external_id);
        revisions.set(key, Number(row.revision));
        ids.set(key, row.id);
      }
      for (const index of chunk) {
        const revision = revisions.get(keys[index]);
        if (revision !== undefined) {
          statuses[index] = revision === 1 ? 'created' : 'updated';
        }
      }
    }
  }

  const externalIdsBySource = new Map<string, Set<string>>();
  for (const { source, externalId } of [...items, ...extraKeys]) {
    if (ids.has(keyOf(source, externalId))) continue;
    const set = externalIdsBySource.get(source) ?? new Set<string>();
    set.add(externalId);
    externalIdsBySource.set(source, set);
  }
  for (const [source, externalIds] of externalIdsBySource) {
    for (const chunk of chunks(
      [...externalIds],
      postgres ? UNNEST_CHUNK_SIZE : undefined,
    )) {
      const query = tx(table).select('id', 'external_id').where({ source });
      const rows: Array<{ id: string; external_id: string }> = await (postgres
        ? query.whereRaw('external_id = ANY(?)', [chunk])
        : query.whereIn('external_id', chunk));
      for (const row of rows) {
        ids.set(keyOf(source, row.external_id), row.id);
      }
    }
  }

  const results: UpsertOutcome[] = items.map((item, index) => {
    const id = ids.get(keys[index]);
    if (id === undefined) {
      // The row was written in this transaction; it cannot be missing.
      throw new Error(
        `Upserted ${table} row ${item.source}/${item.externalId} not found`,
      );
    }
    return { id, status: statuses[index] };
  });

  return {
    results,
    idOf: (source, externalId) => ids.get(keyOf(source, externalId)),
    markUpdated(index) {
      if (results[index].status === 'unchanged') {
        results[index] = { ...results[index], status: 'updated' };
      }
    },
  };
}

import { CostRecord } from '@release-coordinator/backstage-plugin-common';

/** What an upsert did to one record. */
export type CostUpsertStatus = 'created' | 'updated' | 'unchanged';

/** Which cost rows to read (see {@link CostStore.listCosts}). */
export interface ListCostsQuery {
  /** Stored (lower-case) entity refs. */
  entityRefs: string[];
  /** First UTC day, inclusive, `YYYY-MM-DD`. */
  from: string;
  /** Last UTC day, exclusive, `YYYY-MM-DD`. */
  to: string;
}

/** Storage of daily cost records, one per (entity, UTC day, source). */
export interface CostStore {
  /**
   * Upserts records by (entityRef, date, source) in one transaction; a later
   * report of the same key replaces amount and currency. Records must be
   * validated (stored entity ref, real day) before.
   */
  upsertCosts(records: CostRecord[]): Promise<CostUpsertStatus[]>;
  /** Records of the entities in [from, to), ordered by date, source, entity. */
  listCosts(query: ListCostsQuery): Promise<CostRecord[]>;
}

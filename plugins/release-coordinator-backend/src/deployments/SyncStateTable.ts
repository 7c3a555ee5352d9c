import { ProviderSyncState } from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { toDbTimestamp } from '../database/timestamps';
import { SyncStateKey } from './DeploymentStore';
import { SyncStateRow, toSyncState } from './rows';

/** Sync-state entity refs are compared in lower case, like stored refs. */
function syncRef(entityRef: string): string {
  return entityRef.toLocaleLowerCase('en-US');
}

/**
 * The `provider_sync_state` table: one row per provider and entity, written
 * with single-statement upserts so that concurrent pulls cannot lose a write.
 * Part of {@link DatabaseDeploymentStore}.
 */
export class SyncStateTable {
  constructor(private readonly db: Knex, private readonly now: () => Date) {}

  async list(entityRef: string): Promise<ProviderSyncState[]> {
    const rows = await this.db<SyncStateRow>('provider_sync_state')
      .where({ entity_ref: syncRef(entityRef) })
      .orderBy('provider_id');
    return rows.map(toSyncState);
  }

  async getCursor(key: SyncStateKey): Promise<string | undefined> {
    const row = await this.db<SyncStateRow>('provider_sync_state')
      .select('cursor')
      .where({
        provider_id: key.providerId,
        entity_ref: syncRef(key.entityRef),
      })
      .first();
    return row?.cursor ?? undefined;
  }

  async setCursor(key: SyncStateKey, cursor: string): Promise<void> {
    await this.upsert(key, { cursor });
  }

  async recordSuccess(key: SyncStateKey, cursor?: string): Promise<void> {
    await this.upsert(key, {
      last_success_at: toDbTimestamp(this.now()),
      ...(cursor !== undefined && { cursor }),
    });
  }

  async recordError(key: SyncStateKey, error: string): Promise<void> {
    await this.upsert(key, {
      last_error_at: toDbTimestamp(this.now()),
      // PostgreSQL text cannot hold NUL; errors are for display only.
      last_error: error.replace(/\0/g, '').slice(0, 4000),
    });
  }

  private async upsert(
    key: SyncStateKey,
    values: Partial<Omit<SyncStateRow, 'provider_id' | 'entity_ref'>>,
  ): Promise<void> {
    await this.db<SyncStateRow>('provider_sync_state')
      .insert({
        provider_id: key.providerId,
        entity_ref: syncRef(key.entityRef),
        ...values,
      })
      .onConflict(['provider_id', 'entity_ref'])
      .merge(values);
  }
}

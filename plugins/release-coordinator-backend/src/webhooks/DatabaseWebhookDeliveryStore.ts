import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { getMigratedClient } from '../database/migrateDatabase';
import { toDbTimestamp } from '../database/timestamps';
import {
  WebhookDeliveryKey,
  WebhookDeliveryStore,
} from './WebhookDeliveryStore';

const TABLE = 'webhook_deliveries';

/** {@link WebhookDeliveryStore} on the `webhook_deliveries` table. */
export class DatabaseWebhookDeliveryStore implements WebhookDeliveryStore {
  /** Creates the store, running the plugin's migrations first. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    /** Source of the current time; tests pass a fixed clock. */
    now?: () => Date;
  }): Promise<DatabaseWebhookDeliveryStore> {
    const client = await getMigratedClient(options);
    return new DatabaseWebhookDeliveryStore(
      client,
      options.now ?? (() => new Date()),
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {}

  async claimDelivery(key: WebhookDeliveryKey): Promise<boolean> {
    // The primary key decides: ON CONFLICT DO NOTHING inserts no row for a
    // delivery already claimed, also by a concurrent request.
    const inserted = await this.db(TABLE)
      .insert({
        handler_path: key.handlerPath,
        delivery_id: key.deliveryId,
        received_at: toDbTimestamp(this.now()),
      })
      .onConflict(['handler_path', 'delivery_id'])
      .ignore()
      .returning('delivery_id');
    return inserted.length > 0;
  }

  async releaseDelivery(key: WebhookDeliveryKey): Promise<void> {
    await this.db(TABLE)
      .where({ handler_path: key.handlerPath, delivery_id: key.deliveryId })
      .delete();
  }
}

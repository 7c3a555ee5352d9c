import { TestDatabaseId } from '@backstage/backend-test-utils';
import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseWebhookDeliveryStore } from './DatabaseWebhookDeliveryStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe('DatabaseWebhookDeliveryStore', () => {
  async function createStore(databaseId: TestDatabaseId) {
    const knex: Knex = await databases.init(databaseId);
    const store = await DatabaseWebhookDeliveryStore.create({
      database: mockServices.database({ knex }),
      now: () => new Date('2026-11-26T12:00:00.000Z'),
    });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'claims a delivery once per handler, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const key = { handlerPath: 'github', deliveryId: 'd-1' };

      expect(await store.claimDelivery(key)).toBe(true);
      expect(await store.claimDelivery(key)).toBe(false);
      // The same id from another sender is another delivery.
      expect(
        await store.claimDelivery({ handlerPath: 'gitlab', deliveryId: 'd-1' }),
      ).toBe(true);

      const rows = await knex('webhook_deliveries').orderBy('handler_path');
      expect(rows.map(r => [r.handler_path, r.delivery_id])).toEqual([
        ['github', 'd-1'],
        ['gitlab', 'd-1'],
      ]);
      expect(new Date(rows[0].received_at).toISOString()).toBe(
        '2026-11-26T12:00:00.000Z',
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'lets exactly one of many concurrent claims win, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const key = { handlerPath: 'pagerduty', deliveryId: 'same' };
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store.claimDelivery(key)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'can claim a delivery again after releasing it, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const key = { handlerPath: 'alertmanager', deliveryId: 'g-1' };
      expect(await store.claimDelivery(key)).toBe(true);
      await store.releaseDelivery(key);
      expect(await knex('webhook_deliveries')).toEqual([]);
      expect(await store.claimDelivery(key)).toBe(true);
    },
  );
});

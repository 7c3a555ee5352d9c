import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CostRecordInput } from '@release-coordinator/backstage-plugin-common';
import { CostService } from './CostService';
import { DatabaseCostStore } from './DatabaseCostStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:team-a' },
  };
}

function cost(overrides: Partial<CostRecordInput> = {}): CostRecordInput {
  return {
    entityRef: 'component:default/payments',
    date: '2026-11-20',
    source: 'opencost',
    amount: 10,
    currency: 'USD',
    ...overrides,
  };
}

describe('CostService', () => {
  it('signals each entity whose cost was created or changed, once per batch', async () => {
    const knex = await databases.init('SQLITE_3');
    const signals = {
      publish: jest.fn(async (_message: { channel: string }) => {}),
    };
    const service = new CostService({
      store: await DatabaseCostStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      }),
      catalog: catalogServiceMock({
        entities: [component('payments'), component('ledger')],
      }),
      auth: mockServices.auth(),
      signals,
    });

    await service.ingestCosts([
      cost(),
      cost({ date: '2026-11-21' }),
      cost({ entityRef: 'Component:default/Ledger' }),
    ]);
    expect(signals.publish.mock.calls).toEqual([
      [
        {
          recipients: { type: 'broadcast' },
          channel: 'release-coordinator:costs:component:default/payments',
          message: { entityRef: 'component:default/payments' },
        },
      ],
      [
        expect.objectContaining({
          channel: 'release-coordinator:costs:component:default/ledger',
        }),
      ],
    ]);

    // A pull that repeats the stored amounts announces nothing; a changed
    // amount announces its entity only.
    signals.publish.mockClear();
    await service.ingestCosts([
      cost(),
      cost({ entityRef: 'component:default/ledger' }),
    ]);
    expect(signals.publish).not.toHaveBeenCalled();
    await service.ingestCosts([
      cost({ amount: 11 }),
      cost({ entityRef: 'component:default/ledger' }),
    ]);
    expect(signals.publish.mock.calls.map(([m]) => m.channel)).toEqual([
      'release-coordinator:costs:component:default/payments',
    ]);
  });

  it('stores the cost even when the signal cannot be sent', async () => {
    const knex = await databases.init('SQLITE_3');
    const logger = mockServices.logger.mock();
    const service = new CostService({
      store: await DatabaseCostStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      }),
      catalog: catalogServiceMock({ entities: [component('payments')] }),
      auth: mockServices.auth(),
      signals: {
        publish: async () => {
          throw new Error('signals down');
        },
      },
      logger,
    });
    expect(await service.ingestCosts([cost()])).toEqual([
      { index: 0, status: 'created' },
    ]);
    expect(await knex('cost_records').count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Could not signal the cost change of component:default/payments',
      ),
    );
  });
});

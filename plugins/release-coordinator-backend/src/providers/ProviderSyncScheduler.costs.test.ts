import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CostRecordInput } from '@release-coordinator/backstage-plugin-common';
import {
  CostProvider,
  DeploymentProvider,
} from '@release-coordinator/backstage-plugin-node';
import { ProviderSyncScheduler } from './ProviderSyncScheduler';
import { CostSink, ProviderStateStore } from './types';

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: { 'opencost.io/aggregate': 'label:app=payments' },
  },
  spec: { type: 'service', owner: 'team', lifecycle: 'production' },
};

class MemoryState implements ProviderStateStore {
  readonly cursors = new Map<string, string | undefined>();
  readonly errors = new Map<string, string>();
  async getCursor(providerId: string, entityRef: string) {
    return this.cursors.get(`${providerId}|${entityRef}`);
  }
  async recordSyncSuccess(o: {
    providerId: string;
    entityRef: string;
    cursor?: string;
  }) {
    const key = `${o.providerId}|${o.entityRef}`;
    this.cursors.set(key, o.cursor ?? this.cursors.get(key));
  }
  async recordSyncError(o: {
    providerId: string;
    entityRef: string;
    error: string;
  }) {
    this.errors.set(`${o.providerId}|${o.entityRef}`, o.error);
  }
}

/** Hands out one day per pull; the cursor is the last day handed out. */
const dailyCosts: CostProvider = {
  id: 'demo',
  async pull({ entity, cursor }) {
    const day = cursor === undefined ? 1 : Number(cursor.slice(8)) + 1;
    const date = `2026-11-${String(day).padStart(2, '0')}`;
    return {
      costs: [
        {
          entityRef: `component:default/${entity.metadata.name}`,
          date,
          source: 'demo',
          amount: day,
          currency: 'USD',
        },
      ],
      cursor: date,
    };
  },
};

function setup(costSink?: CostSink & { items: CostRecordInput[] }) {
  const state = new MemoryState();
  const deployments: DeploymentProvider = {
    id: 'demo',
    pull: async () => ({ deployments: [], cursor: 'deployments-cursor' }),
  };
  const scheduler = mockServices.scheduler.mock();
  const sync = new ProviderSyncScheduler({
    config: new ConfigReader({}),
    logger: mockServices.logger.mock(),
    scheduler,
    auth: mockServices.auth(),
    catalog: catalogServiceMock({ entities: [payments] }),
    deploymentProviders: [deployments],
    incidentProviders: [],
    sink: {
      ingestPulledDeployments: async () => ({ skipped: [] }),
      ingestPulledIncidents: async () => ({ skipped: [] }),
    },
    state,
    costProviders: [dailyCosts],
    costSink,
  });
  return { sync, state, scheduler };
}

describe('ProviderSyncScheduler cost providers', () => {
  it('pulls cost providers into the cost sink with their own cursor, one task per id', async () => {
    const items: CostRecordInput[] = [];
    const sink = {
      items,
      ingestCosts: async (costs: CostRecordInput[]) => {
        items.push(...costs);
      },
    };
    const { sync, state, scheduler } = setup(sink);
    await sync.start();
    expect(scheduler.scheduleTask).toHaveBeenCalledTimes(1);

    const signal = new AbortController().signal;
    const first = await sync.syncProvider('demo', signal);
    expect(first).toMatchObject({ succeeded: 2, failed: 0, items: 1 });
    await sync.syncProvider('demo', signal);

    expect(items.map(i => [i.date, i.amount])).toEqual([
      ['2026-11-01', 1],
      ['2026-11-02', 2],
    ]);
    expect(state.cursors.get('demo:costs|component:default/payments')).toBe(
      '2026-11-02',
    );
    expect(
      state.cursors.get('demo:deployments|component:default/payments'),
    ).toBe('deployments-cursor');
  });

  it('records a failing cost ingestion and keeps the cursor', async () => {
    const sink = {
      items: [],
      ingestCosts: async () => {
        throw new Error(
          'entity component:default/payments is not in the catalog',
        );
      },
    };
    const { sync, state } = setup(sink);
    const summary = await sync.syncProvider(
      'demo',
      new AbortController().signal,
    );
    expect(summary.failed).toBe(1);
    expect(state.errors.get('demo:costs|component:default/payments')).toMatch(
      /not in the catalog/,
    );
    expect(state.cursors.get('demo:costs|component:default/payments')).toBe(
      undefined,
    );
  });

  it('refuses cost providers without a cost sink', () => {
    expect(() => setup(undefined)).toThrow(/no cost sink/);
  });
});

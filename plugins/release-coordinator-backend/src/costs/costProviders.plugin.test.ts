import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CostProvider,
  releaseCoordinatorCostProvidersExtensionPoint,
} from '@release-coordinator/backstage-plugin-node';
import { Knex } from 'knex';
import request from 'supertest';
import { releaseCoordinatorPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Two sources' worth of cost per pull: one day per pull after the cursor. */
const cloud: CostProvider = {
  id: 'cloud',
  async pull({ entity, cursor }) {
    const day = Number(cursor ?? '19') + 1;
    const entityRef = `component:default/${entity.metadata.name}`;
    return {
      costs: [
        {
          entityRef,
          date: `2026-11-${day}`,
          source: 'cloud',
          amount: 10 * (day - 19),
          currency: 'USD',
        },
        {
          entityRef,
          date: `2026-11-${day}`,
          source: 'cloud-storage',
          amount: 1,
          currency: 'USD',
        },
      ],
      cursor: String(day),
    };
  },
};

let pluginScheduler: SchedulerService | undefined;

const costModule = createBackendModule({
  pluginId: 'release-coordinator',
  moduleId: 'test-costs',
  register(reg) {
    reg.registerInit({
      deps: {
        costs: releaseCoordinatorCostProvidersExtensionPoint,
        scheduler: coreServices.scheduler,
      },
      async init({ costs, scheduler }) {
        pluginScheduler = scheduler;
        costs.addCostProviders(cloud);
      },
    });
  },
});

describe('cost providers in the plugin', () => {
  it('schedules a cost provider, stores its pulls and the metrics count them', async () => {
    const knex: Knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        costModule,
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'payments',
                namespace: 'default',
                annotations: { 'opencost.io/aggregate': 'label:app=payments' },
              },
              spec: { type: 'service', lifecycle: 'production', owner: 'team' },
            },
          ],
        }),
      ],
    });
    const scheduler = pluginScheduler as SchedulerService;
    expect(
      (await scheduler.getScheduledTasks()).map(t => t.id).sort(),
    ).toEqual([
      'release-coordinator.metrics.rollups',
      'release-coordinator.sync.cloud',
    ]);
    await scheduler.triggerTask('release-coordinator.sync.cloud');
    await scheduler.triggerTask('release-coordinator.sync.cloud');

    const base = '/api/release-coordinator/entities/component/default/payments';
    const costs = await request(server).get(
      `${base}/costs?from=2026-11-01&to=2026-11-30`,
    );
    expect(
      costs.body.items.map(
        (c: { date: string; source: string; amount: number }) => [
          c.date,
          c.source,
          c.amount,
        ],
      ),
    ).toEqual([
      ['2026-11-20', 'cloud', 10],
      ['2026-11-20', 'cloud-storage', 1],
      ['2026-11-21', 'cloud', 20],
      ['2026-11-21', 'cloud-storage', 1],
    ]);

    // 7 whole days before 2026-11-26: 11-19..11-25 → 32.
    const metrics = await request(server).get(
      `${base}/metrics?window=7d&end=2026-11-26T12:00:00.000Z`,
    );
    expect(metrics.status).toBe(200);
    expect(metrics.body.metrics.infrastructureCost).toMatchObject({
      total: 32,
      currency: 'USD',
    });
  });
});

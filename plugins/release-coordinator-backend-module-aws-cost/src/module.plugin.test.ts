import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import releaseCoordinatorPlugin from '@release-coordinator/backstage-plugin-backend';
import { CostRecord } from '@release-coordinator/backstage-plugin-common';
import { AddressInfo } from 'node:net';
import {
  CostLineItem,
  LocalCostExplorer,
  startCostExplorer,
  TEST_ACCESS_KEY_ID,
  TEST_SECRET_ACCESS_KEY,
} from './__testUtils__/costExplorerServer';
import awsCostModule from './index';

jest.setTimeout(60_000);

const DAY_MS = 24 * 60 * 60 * 1000;
/** The UTC day `offset` days from today. */
const dayOf = (offset: number) =>
  new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + offset * DAY_MS)
    .toISOString()
    .slice(0, 10);

function component(name: string, tags: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'aws.amazon.com/cost-insights-tags': tags },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team' },
  };
}

let pluginScheduler: SchedulerService | undefined;

/** Hands the test the plugin's scheduler, to trigger the pull. */
const schedulerProbe = createBackendModule({
  pluginId: 'release-coordinator',
  moduleId: 'scheduler-probe',
  register(reg) {
    reg.registerInit({
      deps: { scheduler: coreServices.scheduler },
      async init({ scheduler }) {
        pluginScheduler = scheduler;
      },
    });
  },
});

describe('aws-cost module in the Release Coordinator backend', () => {
  let ce: LocalCostExplorer;

  afterEach(async () => {
    await ce?.close();
  });

  it('pulls on the schedule, one request for the grouped entities, and serves the stored cost', async () => {
    // Three whole days before today, and today (never asked for: End is exclusive).
    const items: CostLineItem[] = [-3, -2, -1, 0].flatMap((offset): CostLineItem[] => [
      {
        date: dayOf(offset),
        tags: { app: 'payments' },
        amounts: { UnblendedCost: 20 + offset, AmortizedCost: 1 },
      },
      {
        date: dayOf(offset),
        tags: { app: 'checkout' },
        amounts: { UnblendedCost: 4, AmortizedCost: 1 },
      },
      { date: dayOf(offset), tags: {}, amounts: { UnblendedCost: 50 } },
    ]);
    ce = await startCostExplorer({ items, estimatedFrom: dayOf(-1) });

    const { server } = await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        awsCostModule,
        schedulerProbe,
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.rootConfig.factory({
          data: {
            aws: {
              mainAccount: {
                accessKeyId: TEST_ACCESS_KEY_ID,
                secretAccessKey: TEST_SECRET_ACCESS_KEY,
              },
            },
            releaseCoordinator: {
              awsCost: { endpoint: ce.endpoint, lookbackDays: 3 },
            },
          },
        }),
        catalogServiceMock.factory({
          entities: [
            component('payments', 'app=payments'),
            component('checkout', 'app=checkout'),
            component('broken', 'app'),
          ],
        }),
      ],
    });
    const scheduler = pluginScheduler as SchedulerService;
    expect((await scheduler.getScheduledTasks()).map(t => t.id)).toContain(
      'release-coordinator.sync.aws-cost',
    );
    await scheduler.triggerTask('release-coordinator.sync.aws-cost');

    // payments and checkout share one request; broken fails on its own.
    expect(ce.requests.map(r => r.body.TimePeriod)).toEqual([
      { Start: dayOf(-3), End: dayOf(0) },
    ]);

    const { port } = server.address() as AddressInfo;
    const costsOf = async (name: string) => {
      const response = await fetch(
        `http://127.0.0.1:${port}/api/release-coordinator/entities/component/default/${name}/costs?from=${dayOf(
          -10,
        )}&to=${dayOf(0)}`,
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as { items: CostRecord[] };
      return body.items.map(c => [c.date, c.source, c.amount, c.currency]);
    };
    expect(await costsOf('payments')).toEqual([
      [dayOf(-3), 'aws-cost:UnblendedCost', 17, 'USD'],
      [dayOf(-2), 'aws-cost:UnblendedCost', 18, 'USD'],
      [dayOf(-1), 'aws-cost:UnblendedCost', 19, 'USD'],
    ]);
    expect(await costsOf('checkout')).toEqual([
      [dayOf(-3), 'aws-cost:UnblendedCost', 4, 'USD'],
      [dayOf(-2), 'aws-cost:UnblendedCost', 4, 'USD'],
      [dayOf(-1), 'aws-cost:UnblendedCost', 4, 'USD'],
    ]);
    expect(await costsOf('broken')).toEqual([]);

    // The next run re-asks only for the estimated day, from the cache.
    await scheduler.triggerTask('release-coordinator.sync.aws-cost');
    expect(ce.requests).toHaveLength(1);
  });
});

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
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DeploymentProvider,
  IncidentProvider,
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  releaseCoordinatorIncidentProvidersExtensionPoint,
} from '@release-coordinator/backstage-plugin-node';
import { Knex } from 'knex';
import request from 'supertest';
import { releaseCoordinatorPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:team-a' },
  };
}

/** A CI system that fails for `broken` and hands out one deploy per pull otherwise. */
const ci: DeploymentProvider = {
  id: 'ci',
  async pull({ entity, cursor }) {
    if (entity.metadata.name === 'broken') {
      throw new Error('project not found');
    }
    const n = Number(cursor ?? '0') + 1;
    return {
      deployments: [
        {
          entityRef: `component:default/${entity.metadata.name}`,
          environment: 'production',
          source: 'ci',
          externalId: `${entity.metadata.name}-${n}`,
          version: `1.0.${n}`,
          kind: 'deploy',
          status: 'succeeded',
          startedAt: `2026-11-2${n}T10:00:00.000Z`,
          finishedAt: `2026-11-2${n}T10:05:00.000Z`,
        },
      ],
      cursor: String(n),
    };
  },
};

const pager: IncidentProvider = {
  id: 'pager',
  appliesTo: entity => entity.metadata.name === 'payments',
  async pull() {
    return {
      incidents: [
        {
          entityRef: 'component:default/payments',
          source: 'pager',
          externalId: 'P1',
          severity: 'major',
          title: 'Errors above 5 %',
          environment: 'production',
          startedAt: '2026-11-21T10:20:00.000Z',
        },
      ],
    };
  },
};

/** The plugin's scheduler, captured to trigger its tasks by hand. */
let pluginScheduler: SchedulerService | undefined;

const providersModule = createBackendModule({
  pluginId: 'release-coordinator',
  moduleId: 'test-providers',
  register(reg) {
    reg.registerInit({
      deps: {
        deployments: releaseCoordinatorDeploymentProvidersExtensionPoint,
        incidents: releaseCoordinatorIncidentProvidersExtensionPoint,
        scheduler: coreServices.scheduler,
      },
      async init({ deployments, incidents, scheduler }) {
        pluginScheduler = scheduler;
        deployments.addDeploymentProviders(ci);
        incidents.addIncidentProviders(pager);
      },
    });
  },
});

describe('provider sync in the plugin', () => {
  let knex: Knex;

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
  });

  it('schedules each provider and stores what the pulls return, cursors and errors', async () => {
    const { server } = await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        providersModule,
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({
          entities: [
            component('payments', {
              'github.com/project-slug': 'acme/payments',
            }),
            component('broken', { 'gitlab.com/project-id': '7' }),
            component('plain', {}),
          ],
        }),
      ],
    });
    const scheduler = pluginScheduler!;
    expect((await scheduler.getScheduledTasks()).map(t => t.id).sort()).toEqual(
      [
        'release-coordinator.metrics.rollups',
        'release-coordinator.sync.ci',
        'release-coordinator.sync.pager',
      ],
    );

    await scheduler.triggerTask('release-coordinator.sync.ci');
    await scheduler.triggerTask('release-coordinator.sync.ci');
    await scheduler.triggerTask('release-coordinator.sync.pager');

    const base = '/api/release-coordinator/entities/component/default';
    const deployments = await request(server).get(
      `${base}/payments/deployments`,
    );
    expect(deployments.status).toBe(200);
    expect(
      deployments.body.items.map((d: { externalId: string }) => d.externalId),
    ).toEqual(['payments-2', 'payments-1']);

    const incidents = await request(server).get(`${base}/payments/incidents`);
    expect(
      incidents.body.items.map((i: { externalId: string }) => i.externalId),
    ).toEqual(['P1']);

    const payments = await request(server).get(`${base}/payments/environments`);
    expect(payments.body.sync).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          providerId: 'ci:deployments',
          lastSuccessAt: expect.any(String),
        }),
        expect.objectContaining({
          providerId: 'pager:incidents',
          lastSuccessAt: expect.any(String),
        }),
      ]),
    );
    const broken = await request(server).get(`${base}/broken/environments`);
    expect(broken.body.sync).toEqual([
      expect.objectContaining({
        providerId: 'ci:deployments',
        lastError: 'Error: project not found',
      }),
    ]);
  });
});

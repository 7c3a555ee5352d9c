import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  CostProvider,
  releaseCoordinatorCostProvidersExtensionPoint,
} from '@release-coordinator/backstage-plugin-node';
import awsCostModule from './index';

/**
 * Starts a backend with the module and a stand-in for the Release
 * Coordinator plugin that collects the cost providers added to it.
 */
async function registered(config: object) {
  const providers: CostProvider[] = [];
  const hostPlugin = createBackendPlugin({
    pluginId: 'release-coordinator',
    register(env) {
      env.registerExtensionPoint(
        releaseCoordinatorCostProvidersExtensionPoint,
        {
          addCostProviders: (...p) => providers.push(...p),
        },
      );
      env.registerInit({ deps: {}, async init() {} });
    },
  });
  const backend = await startTestBackend({
    features: [
      hostPlugin,
      awsCostModule,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  await backend.stop();
  return providers.map(p => p.id);
}

describe('aws-cost module', () => {
  it('adds the aws-cost provider once releaseCoordinator.awsCost is set', async () => {
    expect(
      await registered({
        releaseCoordinator: { awsCost: { metric: 'AmortizedCost' } },
      }),
    ).toEqual(['aws-cost']);
  });

  it('stays inert without configuration', async () => {
    expect(await registered({})).toEqual([]);
    expect(await registered({ releaseCoordinator: {} })).toEqual([]);
  });

  it.each([
    [{ metric: 'UsageQuantity' }, 'releaseCoordinator.awsCost.metric'],
    [{ accountId: '12345' }, 'releaseCoordinator.awsCost.accountId'],
    [{ lookbackDays: 0 }, 'releaseCoordinator.awsCost.lookbackDays'],
    [{ lookbackDays: 400 }, 'releaseCoordinator.awsCost.lookbackDays'],
    [{ endpoint: 'ftp://ce' }, 'releaseCoordinator.awsCost.endpoint'],
    [{ region: 'Virginia' }, 'releaseCoordinator.awsCost.region'],
    [{ cacheTtl: 'soon' }, 'releaseCoordinator.awsCost.cacheTtl'],
  ])(
    'fails the start on bad config %j, naming the key',
    async (awsCost, key) => {
      await expect(
        registered({ releaseCoordinator: { awsCost } }),
      ).rejects.toThrow(key);
    },
  );
});

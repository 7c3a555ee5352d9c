import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  CostProvider,
  DeploymentProvider,
  IncidentProvider,
  releaseCoordinatorCostProvidersExtensionPoint,
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  releaseCoordinatorIncidentProvidersExtensionPoint,
} from '@release-coordinator/backstage-plugin-node';
import demoModule from './index';

/**
 * Starts a backend with the demo module and a stand-in for the Release
 * Coordinator plugin that only collects what is added to its extension
 * points (the module must not depend on the backend package).
 */
async function registeredProviders(config: object) {
  const deployments: DeploymentProvider[] = [];
  const incidents: IncidentProvider[] = [];
  const costs: CostProvider[] = [];
  const hostPlugin = createBackendPlugin({
    pluginId: 'release-coordinator',
    register(env) {
      env.registerExtensionPoint(
        releaseCoordinatorDeploymentProvidersExtensionPoint,
        { addDeploymentProviders: (...p) => deployments.push(...p) },
      );
      env.registerExtensionPoint(
        releaseCoordinatorIncidentProvidersExtensionPoint,
        { addIncidentProviders: (...p) => incidents.push(...p) },
      );
      env.registerExtensionPoint(
        releaseCoordinatorCostProvidersExtensionPoint,
        {
          addCostProviders: (...p) => costs.push(...p),
        },
      );
      env.registerInit({
        deps: { logger: coreServices.logger },
        async init() {},
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      hostPlugin,
      demoModule,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  await backend.stop();
  return { deployments, incidents, costs };
}

describe('demo module', () => {
  it('registers the demo deployment and incident providers when enabled', async () => {
    const { deployments, incidents, costs } = await registeredProviders({
      releaseCoordinator: { demo: { enabled: true } },
    });
    expect(deployments.map(p => p.id)).toEqual(['demo']);
    expect(incidents.map(p => p.id)).toEqual(['demo']);
    expect(costs.map(p => p.id)).toEqual(['demo']);
  });

  it.each([
    ['absent', {}],
    ['false', { releaseCoordinator: { demo: { enabled: false } } }],
  ])('registers nothing when enabled is %s', async (_name, config) => {
    const { deployments, incidents, costs } = await registeredProviders(config);
    expect(deployments).toEqual([]);
    expect(incidents).toEqual([]);
    expect(costs).toEqual([]);
  });
});

import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  DeploymentProvider,
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  supportsRollback,
} from '@release-coordinator/backstage-plugin-node';
import argoCdModule from './index';

/**
 * Starts a backend with the module and a stand-in for the Release
 * Coordinator plugin that only collects the providers added to its
 * extension point (a module never depends on the backend package).
 */
async function registeredProviders(config: object) {
  const deployments: DeploymentProvider[] = [];
  const hostPlugin = createBackendPlugin({
    pluginId: 'release-coordinator',
    register(env) {
      env.registerExtensionPoint(
        releaseCoordinatorDeploymentProvidersExtensionPoint,
        { addDeploymentProviders: (...p) => deployments.push(...p) },
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
      argoCdModule,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  await backend.stop();
  return deployments;
}

describe('argocd module', () => {
  it('registers the argocd provider, with rollback, when an instance is configured', async () => {
    const providers = await registeredProviders({
      releaseCoordinator: {
        argocd: {
          instances: [
            { name: 'eu', url: 'https://argocd.eu.example.com', token: 't' },
          ],
        },
      },
    });
    expect(providers.map(p => p.id)).toEqual(['argocd']);
    expect(supportsRollback(providers[0])).toBe(true);
  });

  it.each([
    ['no argocd config', {}],
    [
      'an empty instance list',
      { releaseCoordinator: { argocd: { instances: [] } } },
    ],
  ])('is inert with %s', async (_name, config) => {
    expect(await registeredProviders(config)).toEqual([]);
  });

  it('fails the start on a bad instance config', async () => {
    await expect(
      registeredProviders({
        releaseCoordinator: {
          argocd: { instances: [{ name: 'eu', url: 'ftp://x', token: 't' }] },
        },
      }),
    ).rejects.toThrow(
      "Invalid config at 'releaseCoordinator.argocd.instances[0].url'",
    );
  });
});

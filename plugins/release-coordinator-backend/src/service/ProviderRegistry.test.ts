import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DeploymentProvider,
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  releaseCoordinatorWebhookHandlersExtensionPoint,
  WebhookHandler,
} from '@release-coordinator/backstage-plugin-node';
import { releaseCoordinatorPlugin } from '../plugin';
import { ProviderRegistry } from './ProviderRegistry';

const github: DeploymentProvider = {
  id: 'github',
  pull: async () => ({ deployments: [] }),
};
const gitlabHook: WebhookHandler = {
  path: 'gitlab',
  handle: async () => ({}),
};

describe('ProviderRegistry', () => {
  it('keeps what modules add, in order', () => {
    const registry = new ProviderRegistry();
    const argocd: DeploymentProvider = { ...github, id: 'argocd' };
    registry.deploymentProvidersExtension.addDeploymentProviders(github);
    registry.deploymentProvidersExtension.addDeploymentProviders(argocd);
    registry.webhookHandlersExtension.addWebhookHandlers(gitlabHook);
    expect(registry.deploymentProviders).toEqual([github, argocd]);
    expect(registry.webhookHandlers).toEqual([gitlabHook]);
    expect(registry.incidentProviders).toEqual([]);
    expect(registry.costProviders).toEqual([]);
  });

  it('refuses a second provider with the same id', () => {
    const registry = new ProviderRegistry();
    registry.deploymentProvidersExtension.addDeploymentProviders(github);
    expect(() =>
      registry.deploymentProvidersExtension.addDeploymentProviders({
        ...github,
      }),
    ).toThrow("A deployment provider with id 'github' is already registered");
  });

  it('refuses a second webhook handler for the same path', () => {
    const registry = new ProviderRegistry();
    expect(() =>
      registry.webhookHandlersExtension.addWebhookHandlers(
        gitlabHook,
        gitlabHook,
      ),
    ).toThrow("A webhook handler with id 'gitlab' is already registered");
  });

  it('refuses a provider without an id', () => {
    const registry = new ProviderRegistry();
    expect(() =>
      registry.costProvidersExtension.addCostProviders({
        id: '',
        pull: async () => ({ costs: [] }),
      }),
    ).toThrow('A cost provider must have a non-empty id');
  });
});

describe('release-coordinator extension points', () => {
  it('accept providers from a backend module', async () => {
    const logger = mockServices.logger.mock();
    await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        logger.factory,
        catalogServiceMock.factory(),
        createBackendModule({
          pluginId: 'release-coordinator',
          moduleId: 'test-providers',
          register(reg) {
            reg.registerInit({
              deps: {
                deployments:
                  releaseCoordinatorDeploymentProvidersExtensionPoint,
                webhooks: releaseCoordinatorWebhookHandlersExtensionPoint,
              },
              async init({ deployments, webhooks }) {
                deployments.addDeploymentProviders(github);
                webhooks.addWebhookHandlers(gitlabHook);
              },
            });
          },
        }),
      ],
    });
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('deployments [github]'),
    );
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('webhooks [gitlab]'),
    );
  });
});

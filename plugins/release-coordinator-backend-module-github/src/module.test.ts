import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  DeploymentProvider,
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  releaseCoordinatorWebhookHandlersExtensionPoint,
  WebhookHandler,
} from '@release-coordinator/backstage-plugin-node';
import githubModule from './index';

/**
 * Starts a backend with the github module and a stand-in for the Release
 * Coordinator plugin that only collects what is added to its extension
 * points (the module must not depend on the backend package).
 */
async function registered(config: object) {
  const providers: DeploymentProvider[] = [];
  const handlers: WebhookHandler[] = [];
  const hostPlugin = createBackendPlugin({
    pluginId: 'release-coordinator',
    register(env) {
      env.registerExtensionPoint(
        releaseCoordinatorDeploymentProvidersExtensionPoint,
        { addDeploymentProviders: (...p) => providers.push(...p) },
      );
      env.registerExtensionPoint(
        releaseCoordinatorWebhookHandlersExtensionPoint,
        { addWebhookHandlers: (...h) => handlers.push(...h) },
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
      githubModule,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  await backend.stop();
  return {
    providers: providers.map(p => p.id),
    handlers: handlers.map(h => h.path),
  };
}

describe('github module', () => {
  it('registers nothing without a GitHub token, App, workflows or webhook secret', async () => {
    expect(await registered({})).toEqual({ providers: [], handlers: [] });
    expect(
      await registered({
        integrations: { github: [{ host: 'github.com' }] },
        releaseCoordinator: { webhooks: { github: { secret: '  ' } } },
      }),
    ).toEqual({ providers: [], handlers: [] });
  });

  it('registers the provider when a token is configured for the host', async () => {
    expect(
      await registered({
        integrations: { github: [{ host: 'github.com', token: 'ghp_x' }] },
      }),
    ).toEqual({ providers: ['github'], handlers: [] });
  });

  it('registers the provider for configured deploy workflows', async () => {
    expect(
      await registered({
        releaseCoordinator: {
          github: { workflows: [{ workflow: 'deploy.yml' }] },
        },
      }),
    ).toEqual({ providers: ['github'], handlers: [] });
  });

  it('registers the webhook handler once its secret is set', async () => {
    expect(
      await registered({
        releaseCoordinator: { webhooks: { github: { secret: 's3cret' } } },
      }),
    ).toEqual({ providers: [], handlers: ['github'] });
  });

  it('fails the start on bad config, naming the key', async () => {
    await expect(
      registered({
        releaseCoordinator: {
          github: { checks: { 'tests-pasing': ['unit'] } },
        },
      }),
    ).rejects.toThrow(/releaseCoordinator\.github\.checks\.tests-pasing/);
  });
});

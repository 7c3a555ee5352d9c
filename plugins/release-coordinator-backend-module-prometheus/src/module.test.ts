import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  releaseCoordinatorWebhookHandlersExtensionPoint,
  WebhookHandler,
} from '@release-coordinator/backstage-plugin-node';
import prometheusModule from './index';

/**
 * Starts a backend with the module and a stand-in for the Release
 * Coordinator plugin that only collects the webhook handlers added to its
 * extension point (the module must not depend on the backend package).
 */
async function registeredHandlers(config: object) {
  const handlers: WebhookHandler[] = [];
  const hostPlugin = createBackendPlugin({
    pluginId: 'release-coordinator',
    register(env) {
      env.registerExtensionPoint(
        releaseCoordinatorWebhookHandlersExtensionPoint,
        {
          addWebhookHandlers: (...h) => handlers.push(...h),
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
      prometheusModule,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  await backend.stop();
  return handlers;
}

describe('prometheus module', () => {
  it('registers the alertmanager webhook once a token is configured', async () => {
    const handlers = await registeredHandlers({
      releaseCoordinator: { webhooks: { alertmanager: { token: 'secret' } } },
    });
    expect(handlers.map(h => h.path)).toEqual(['alertmanager']);
  });

  it('registers nothing without a token (the route answers 404)', async () => {
    expect(await registeredHandlers({})).toEqual([]);
    expect(
      await registeredHandlers({
        releaseCoordinator: {
          webhooks: { alertmanager: { entityLabel: 'app' } },
        },
      }),
    ).toEqual([]);
  });

  it('fails the start on a blank token, naming the key', async () => {
    await expect(
      registeredHandlers({
        releaseCoordinator: { webhooks: { alertmanager: { token: '  ' } } },
      }),
    ).rejects.toThrow(
      'releaseCoordinator.webhooks.alertmanager.token must not be empty',
    );
  });
});

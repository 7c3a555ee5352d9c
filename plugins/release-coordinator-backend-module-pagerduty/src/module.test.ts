import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  IncidentProvider,
  releaseCoordinatorIncidentProvidersExtensionPoint,
  releaseCoordinatorWebhookHandlersExtensionPoint,
  WebhookHandler,
} from '@release-coordinator/backstage-plugin-node';
import pagerDutyModule from './index';

/**
 * Starts a backend with the module and a stand-in for the Release
 * Coordinator plugin that collects what is added to its extension points.
 */
async function registered(config: object) {
  const handlers: WebhookHandler[] = [];
  const providers: IncidentProvider[] = [];
  const hostPlugin = createBackendPlugin({
    pluginId: 'release-coordinator',
    register(env) {
      env.registerExtensionPoint(
        releaseCoordinatorWebhookHandlersExtensionPoint,
        {
          addWebhookHandlers: (...h) => handlers.push(...h),
        },
      );
      env.registerExtensionPoint(
        releaseCoordinatorIncidentProvidersExtensionPoint,
        {
          addIncidentProviders: (...p) => providers.push(...p),
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
      pagerDutyModule,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  await backend.stop();
  return {
    paths: handlers.map(h => h.path),
    providerIds: providers.map(p => p.id),
  };
}

describe('pagerduty module', () => {
  it('registers the webhook when a secret is set and the pull when a token is set', async () => {
    expect(
      await registered({
        releaseCoordinator: {
          webhooks: { pagerduty: { secret: 's' } },
          pagerduty: { token: 't' },
        },
      }),
    ).toEqual({ paths: ['pagerduty'], providerIds: ['pagerduty'] });
    expect(
      await registered({
        releaseCoordinator: { webhooks: { pagerduty: { secret: 's' } } },
      }),
    ).toEqual({ paths: ['pagerduty'], providerIds: [] });
    expect(
      await registered({ releaseCoordinator: { pagerduty: { token: 't' } } }),
    ).toEqual({ paths: [], providerIds: ['pagerduty'] });
  });

  it('stays inert without configuration', async () => {
    expect(await registered({})).toEqual({ paths: [], providerIds: [] });
  });

  it.each([
    [
      { pagerduty: { token: 't', baseUrl: 'ftp://pd' } },
      'releaseCoordinator.pagerduty.baseUrl',
    ],
    [
      { pagerduty: { token: 't', lookbackDays: 400 } },
      'releaseCoordinator.pagerduty.lookbackDays',
    ],
    [{ pagerduty: { token: ' ' } }, 'releaseCoordinator.pagerduty.token'],
    [
      { webhooks: { pagerduty: { secret: '' } } },
      'releaseCoordinator.webhooks.pagerduty.secret',
    ],
  ])(
    'fails the start on bad config %j, naming the key',
    async (releaseCoordinator, key) => {
      await expect(registered({ releaseCoordinator })).rejects.toThrow(key);
    },
  );
});

import {
  BackendFeature,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import {
  CostProvider,
  DeploymentProvider,
  IncidentProvider,
  releaseCoordinatorCostProvidersExtensionPoint,
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  releaseCoordinatorIncidentProvidersExtensionPoint,
  releaseCoordinatorWebhookHandlersExtensionPoint,
  WebhookHandler,
} from '../extensions';

/**
 * What a module added to the Release Coordinator extension points.
 *
 * @public
 */
export interface RegisteredExtensions {
  deploymentProviders: DeploymentProvider[];
  incidentProviders: IncidentProvider[];
  costProviders: CostProvider[];
  webhookHandlers: WebhookHandler[];
}

/**
 * Starts a test backend with the given module and a stand-in for the Release
 * Coordinator plugin that collects what the module adds to each extension
 * point, stops it, and returns what was added. For module tests: "is the
 * provider registered with this config, and inert without it?"
 *
 * @public
 */
export async function registeredExtensions(options: {
  module: BackendFeature;
  /** The root config the backend starts with (`{}` when absent). */
  config?: object;
}): Promise<RegisteredExtensions> {
  const registered: RegisteredExtensions = {
    deploymentProviders: [],
    incidentProviders: [],
    costProviders: [],
    webhookHandlers: [],
  };
  const hostPlugin = createBackendPlugin({
    pluginId: 'release-coordinator',
    register(env) {
      env.registerExtensionPoint(
        releaseCoordinatorDeploymentProvidersExtensionPoint,
        {
          addDeploymentProviders: (...providers) =>
            registered.deploymentProviders.push(...providers),
        },
      );
      env.registerExtensionPoint(
        releaseCoordinatorIncidentProvidersExtensionPoint,
        {
          addIncidentProviders: (...providers) =>
            registered.incidentProviders.push(...providers),
        },
      );
      env.registerExtensionPoint(
        releaseCoordinatorCostProvidersExtensionPoint,
        {
          addCostProviders: (...providers) =>
            registered.costProviders.push(...providers),
        },
      );
      env.registerExtensionPoint(
        releaseCoordinatorWebhookHandlersExtensionPoint,
        {
          addWebhookHandlers: (...handlers) =>
            registered.webhookHandlers.push(...handlers),
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
      options.module,
      mockServices.rootConfig.factory({
        data: (options.config ?? {}) as JsonObject,
      }),
    ],
  });
  await backend.stop();
  return registered;
}

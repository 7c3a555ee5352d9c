import {
  BackendFeature,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  DeploymentProvider,
  releaseCoordinatorDeploymentProvidersExtensionPoint,
} from '@release-coordinator/backstage-plugin-node';

/** A backend module that registers a deployment provider, as a CI module does. */
export function deploymentProviderModule(
  provider: DeploymentProvider,
): BackendFeature {
  return createBackendModule({
    pluginId: 'release-coordinator',
    moduleId: `test-provider-${provider.id}`,
    register(env) {
      env.registerInit({
        deps: {
          providers: releaseCoordinatorDeploymentProvidersExtensionPoint,
        },
        async init({ providers }) {
          providers.addDeploymentProviders(provider);
        },
      });
    },
  });
}

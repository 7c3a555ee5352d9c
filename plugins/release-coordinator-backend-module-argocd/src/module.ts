import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { releaseCoordinatorDeploymentProvidersExtensionPoint } from '@release-coordinator/backstage-plugin-node';
import { ArgoCdDeploymentProvider } from './ArgoCdDeploymentProvider';
import { readArgoCdConfig } from './config';

/**
 * Adds the `argocd` deployment provider (with rollback) to the Release
 * Coordinator backend when `releaseCoordinator.argocd.instances` lists at
 * least one Argo CD server; registers nothing otherwise.
 *
 * @public
 */
export const releaseCoordinatorModuleArgoCd = createBackendModule({
  pluginId: 'release-coordinator',
  moduleId: 'argocd',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        deploymentProviders:
          releaseCoordinatorDeploymentProvidersExtensionPoint,
      },
      async init({ config, logger, deploymentProviders }) {
        const argoCdConfig = readArgoCdConfig(config);
        if (argoCdConfig.instances.length === 0) {
          logger.info(
            'Release Coordinator Argo CD module is off (no releaseCoordinator.argocd.instances configured)',
          );
          return;
        }
        deploymentProviders.addDeploymentProviders(
          new ArgoCdDeploymentProvider({ config: argoCdConfig }),
        );
        logger.info(
          `Release Coordinator Argo CD module reads ${argoCdConfig.instances
            .map(instance => `'${instance.name}'`)
            .join(', ')}`,
        );
      },
    });
  },
});

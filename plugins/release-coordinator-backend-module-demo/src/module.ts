import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  releaseCoordinatorIncidentProvidersExtensionPoint,
} from '@release-coordinator/backstage-plugin-node';
import { DemoDeploymentProvider, DemoIncidentProvider } from './DemoProviders';

/**
 * Adds the `demo` deployment and incident providers to the Release
 * Coordinator backend when `releaseCoordinator.demo.enabled` is true.
 *
 * @public
 */
export const releaseCoordinatorModuleDemo = createBackendModule({
  pluginId: 'release-coordinator',
  moduleId: 'demo',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        deploymentProviders:
          releaseCoordinatorDeploymentProvidersExtensionPoint,
        incidentProviders: releaseCoordinatorIncidentProvidersExtensionPoint,
      },
      async init({ config, logger, deploymentProviders, incidentProviders }) {
        if (!config.getOptionalBoolean('releaseCoordinator.demo.enabled')) {
          logger.info(
            'Release Coordinator demo data is off (releaseCoordinator.demo.enabled is not true)',
          );
          return;
        }
        deploymentProviders.addDeploymentProviders(
          new DemoDeploymentProvider({ config }),
        );
        incidentProviders.addIncidentProviders(
          new DemoIncidentProvider({ config }),
        );
        logger.info('Release Coordinator demo data is on');
      },
    });
  },
});

import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  releaseCoordinatorCostProvidersExtensionPoint,
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  releaseCoordinatorIncidentProvidersExtensionPoint,
} from '@release-coordinator/backstage-plugin-node';
import { DemoDeploymentProvider, DemoIncidentProvider } from './DemoProviders';
import { DemoCostProvider } from './DemoCosts';
import { scheduleDemoReleaseSeeding } from './DemoReleaseSeeder';

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
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        deploymentProviders:
          releaseCoordinatorDeploymentProvidersExtensionPoint,
        incidentProviders: releaseCoordinatorIncidentProvidersExtensionPoint,
        costProviders: releaseCoordinatorCostProvidersExtensionPoint,
      },
      async init({
        config,
        logger,
        scheduler,
        auth,
        discovery,
        deploymentProviders,
        incidentProviders,
        costProviders,
      }) {
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
        costProviders.addCostProviders(new DemoCostProvider({ config }));
        // Demo releases go through the plugin's own HTTP API, as CI would.
        await scheduleDemoReleaseSeeding({
          scheduler,
          auth,
          discovery,
          logger,
        });
        logger.info('Release Coordinator demo data is on');
      },
    });
  },
});

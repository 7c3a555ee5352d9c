import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { releaseCoordinatorCostProvidersExtensionPoint } from '@release-coordinator/backstage-plugin-node';
import { readOpenCostSettings } from './config';
import { OpenCostCostProvider } from './OpenCostCostProvider';

/**
 * Adds the `opencost` cost provider to the Release Coordinator backend once
 * `releaseCoordinator.opencost.baseUrl` is configured; without that section
 * it registers nothing.
 *
 * @public
 */
export const releaseCoordinatorModuleOpenCost = createBackendModule({
  pluginId: 'release-coordinator',
  moduleId: 'opencost',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        costProviders: releaseCoordinatorCostProvidersExtensionPoint,
      },
      async init({ config, logger, costProviders }) {
        const settings = readOpenCostSettings(config);
        if (!settings) {
          logger.info(
            'OpenCost cost pull is off (set releaseCoordinator.opencost.baseUrl)',
          );
          return;
        }
        costProviders.addCostProviders(new OpenCostCostProvider({ settings }));
        logger.info(
          `OpenCost cost pull is on (${settings.baseUrl}, ${settings.currency})`,
        );
      },
    });
  },
});

import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { releaseCoordinatorWebhookHandlersExtensionPoint } from '@release-coordinator/backstage-plugin-node';
import { AlertmanagerWebhookHandler } from './AlertmanagerWebhookHandler';
import { readAlertmanagerWebhookSettings } from './config';

/**
 * Adds the Alertmanager webhook (`POST /webhooks/alertmanager`) to the
 * Release Coordinator backend once `releaseCoordinator.webhooks.alertmanager.token`
 * is configured.
 *
 * @public
 */
export const releaseCoordinatorModulePrometheus = createBackendModule({
  pluginId: 'release-coordinator',
  moduleId: 'prometheus',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        webhooks: releaseCoordinatorWebhookHandlersExtensionPoint,
      },
      async init({ config, logger, webhooks }) {
        const settings = readAlertmanagerWebhookSettings(config);
        if (!settings) {
          logger.info(
            'Alertmanager webhook is off: set releaseCoordinator.webhooks.alertmanager.token to turn it on',
          );
          return;
        }
        webhooks.addWebhookHandlers(
          new AlertmanagerWebhookHandler({ settings, logger }),
        );
        logger.info(
          `Alertmanager webhook is on (entity label '${settings.entityLabel}', severity label '${settings.severityLabel}')`,
        );
      },
    });
  },
});

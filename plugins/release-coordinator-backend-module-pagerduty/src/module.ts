import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  releaseCoordinatorIncidentProvidersExtensionPoint,
  releaseCoordinatorWebhookHandlersExtensionPoint,
} from '@release-coordinator/backstage-plugin-node';
import { readPagerDutyApiSettings, readPagerDutyWebhookSecret } from './config';
import { PagerDutyIncidentProvider } from './PagerDutyIncidentProvider';
import { PagerDutyWebhookHandler } from './PagerDutyWebhookHandler';

/**
 * Adds PagerDuty to the Release Coordinator backend: the webhooks v3
 * receiver (`POST /webhooks/pagerduty`) once
 * `releaseCoordinator.webhooks.pagerduty.secret` is set, and the scheduled
 * REST pull of incidents once `releaseCoordinator.pagerduty.token` is set.
 *
 * @public
 */
export const releaseCoordinatorModulePagerDuty = createBackendModule({
  pluginId: 'release-coordinator',
  moduleId: 'pagerduty',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        webhooks: releaseCoordinatorWebhookHandlersExtensionPoint,
        incidentProviders: releaseCoordinatorIncidentProvidersExtensionPoint,
      },
      async init({ config, logger, webhooks, incidentProviders }) {
        const secret = readPagerDutyWebhookSecret(config);
        const apiSettings = readPagerDutyApiSettings(config);
        if (secret) {
          webhooks.addWebhookHandlers(
            new PagerDutyWebhookHandler({ secret, logger }),
          );
        }
        if (apiSettings) {
          incidentProviders.addIncidentProviders(
            new PagerDutyIncidentProvider({ settings: apiSettings }),
          );
        }
        logger.info(
          `PagerDuty webhook is ${
            secret
              ? 'on'
              : 'off (set releaseCoordinator.webhooks.pagerduty.secret)'
          }; incident pull is ${
            apiSettings
              ? `on (${apiSettings.baseUrl})`
              : 'off (set releaseCoordinator.pagerduty.token)'
          }`,
        );
      },
    });
  },
});

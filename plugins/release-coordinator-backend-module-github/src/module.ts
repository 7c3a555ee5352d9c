import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  releaseCoordinatorWebhookHandlersExtensionPoint,
} from '@release-coordinator/backstage-plugin-node';
import { GithubClientFactory } from './client/GithubClientFactory';
import { readGithubModuleConfig } from './config';
import { GithubDeploymentProvider } from './deployments/GithubDeploymentProvider';
import { GithubWebhookHandler } from './webhooks/GithubWebhookHandler';

/**
 * Adds the `github` deployment provider (when a GitHub token or App is
 * configured in `integrations.github`, or deploy workflows are configured)
 * and the `github` webhook handler (when
 * `releaseCoordinator.webhooks.github.secret` is set) to the Release
 * Coordinator backend. With neither, it registers nothing.
 *
 * @public
 */
export const releaseCoordinatorModuleGithub = createBackendModule({
  pluginId: 'release-coordinator',
  moduleId: 'github',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        deploymentProviders:
          releaseCoordinatorDeploymentProvidersExtensionPoint,
        webhookHandlers: releaseCoordinatorWebhookHandlersExtensionPoint,
      },
      async init({ config, logger, deploymentProviders, webhookHandlers }) {
        const moduleConfig = readGithubModuleConfig(config);
        const clients = GithubClientFactory.fromConfig(config, { logger });

        if (
          clients.hasCredentials(moduleConfig.host) ||
          moduleConfig.workflows.length > 0
        ) {
          deploymentProviders.addDeploymentProviders(
            new GithubDeploymentProvider({
              clients,
              config: moduleConfig,
              logger,
            }),
          );
          logger.info(
            `Release Coordinator GitHub deployment provider is on for ${
              moduleConfig.host
            }; rollbacks ${
              moduleConfig.rollback
                ? `dispatch the workflow ${moduleConfig.rollback.workflow}`
                : 'create GitHub deployments (no releaseCoordinator.github.rollback.workflow)'
            }`,
          );
        } else {
          logger.info(
            `Release Coordinator GitHub deployment provider is off: no token or GitHub App for ${moduleConfig.host} in integrations.github and no releaseCoordinator.github.workflows`,
          );
        }

        const { webhookSecret } = moduleConfig;
        if (webhookSecret) {
          webhookHandlers.addWebhookHandlers(
            new GithubWebhookHandler({
              config: { ...moduleConfig, webhookSecret },
              logger,
            }),
          );
        } else {
          logger.info(
            'Release Coordinator GitHub webhook is off: releaseCoordinator.webhooks.github.secret is not set',
          );
        }
      },
    });
  },
});

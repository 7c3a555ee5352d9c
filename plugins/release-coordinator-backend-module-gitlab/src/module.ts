import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  releaseCoordinatorWebhookHandlersExtensionPoint,
} from '@release-coordinator/backstage-plugin-node';
import { Config } from '@backstage/config';
import { GitlabClient } from './GitlabClient';
import { GitlabDeploymentProvider } from './GitlabDeploymentProvider';
import { GitlabWebhookHandler } from './GitlabWebhookHandler';
import { PipelineDeploymentsOptions } from './pipelines';

/** `releaseCoordinator.gitlab.pipelines`, when set. */
function readPipelineOptions(
  options: Config | undefined,
): PipelineDeploymentsOptions | undefined {
  const pipelines = options?.getOptionalConfig('pipelines');
  if (!pipelines) {
    return undefined;
  }
  return {
    environment: pipelines.getString('environment'),
    ref: pipelines.getOptionalString('ref'),
  };
}

/**
 * Adds the `gitlab` deployment provider (when a GitLab integration is
 * configured) and the `gitlab` webhook handler (when
 * `releaseCoordinator.webhooks.gitlab.token` is set) to the Release
 * Coordinator backend. With neither, it does nothing.
 *
 * @public
 */
export const releaseCoordinatorModuleGitlab = createBackendModule({
  pluginId: 'release-coordinator',
  moduleId: 'gitlab',
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
        const options = config.getOptionalConfig('releaseCoordinator.gitlab');
        const host = options?.getOptionalString('host');
        const integration = GitlabClient.findIntegration(config, host);
        let provider: GitlabDeploymentProvider | undefined;
        if (integration) {
          provider = new GitlabDeploymentProvider({
            client: GitlabClient.fromIntegration(integration),
            initialLookbackDays: options?.getOptionalNumber(
              'initialLookbackDays',
            ),
            maxPagesPerPull: options?.getOptionalNumber('maxPagesPerPull'),
            compareCommits: options?.getOptionalBoolean('compareCommits'),
            pipelines: readPipelineOptions(options),
          });
          deploymentProviders.addDeploymentProviders(provider);
          logger.info(
            `Release Coordinator GitLab deployments are pulled from ${integration.apiBaseUrl}`,
          );
        } else if (host) {
          throw new Error(
            `releaseCoordinator.gitlab.host is ${host}, but integrations.gitlab has no entry for that host`,
          );
        } else {
          logger.info(
            'Release Coordinator GitLab pulls are off (no integrations.gitlab configured)',
          );
        }

        const token = config.getOptionalString(
          'releaseCoordinator.webhooks.gitlab.token',
        );
        if (token) {
          webhookHandlers.addWebhookHandlers(
            new GitlabWebhookHandler({
              token,
              pipelines: readPipelineOptions(options),
              ...(provider && {
                projectHasDeployments:
                  provider.projectHasDeployments.bind(provider),
              }),
            }),
          );
        } else {
          logger.info(
            'Release Coordinator GitLab webhook is off (releaseCoordinator.webhooks.gitlab.token is not set)',
          );
        }
      },
    });
  },
});

import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { releaseCoordinatorCostProvidersExtensionPoint } from '@release-coordinator/backstage-plugin-node';
import { AwsCostProvider } from './AwsCostProvider';
import { readAwsCostSettings } from './config';
import { CostExplorerDailyCosts } from './CostExplorerDailyCosts';
import { createCostExplorerClient } from './createCostExplorerClient';

/**
 * Adds the `aws-cost` cost provider (AWS Cost Explorer) to the Release
 * Coordinator backend once `releaseCoordinator.awsCost` is configured;
 * without it the module adds nothing.
 *
 * @public
 */
export const releaseCoordinatorModuleAwsCost = createBackendModule({
  pluginId: 'release-coordinator',
  moduleId: 'aws-cost',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        costProviders: releaseCoordinatorCostProvidersExtensionPoint,
      },
      async init({ config, logger, costProviders }) {
        const settings = readAwsCostSettings(config);
        if (!settings) {
          logger.info(
            'AWS Cost Explorer cost pull is off (set releaseCoordinator.awsCost)',
          );
          return;
        }
        // Reads and checks the `aws` integration config now, so a bad one fails the start.
        const credentialsManager =
          DefaultAwsCredentialsManager.fromConfig(config);
        let client: ReturnType<typeof createCostExplorerClient> | undefined;
        const costs = new CostExplorerDailyCosts({
          getClient: () => {
            if (!client) {
              client = createCostExplorerClient({
                settings,
                credentialsManager,
              });
              // A failed credential lookup is tried again on the next pull.
              client.catch(() => {
                client = undefined;
              });
            }
            return client;
          },
          logger,
          cacheTtlMs: settings.cacheTtlMs,
          retainDays: settings.lookbackDays,
        });
        const provider = new AwsCostProvider({
          costs,
          metric: settings.metric,
          lookbackDays: settings.lookbackDays,
          logger,
        });
        costProviders.addCostProviders(provider);
        logger.info(
          `AWS Cost Explorer cost pull is on: ${settings.metric} as source ${
            provider.source
          }, ${settings.lookbackDays} days back, account ${
            settings.accountId ?? 'of the main AWS credentials'
          }${settings.endpoint ? `, endpoint ${settings.endpoint}` : ''}`,
        );
      },
    });
  },
});

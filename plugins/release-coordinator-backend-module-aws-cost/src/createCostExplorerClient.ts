import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { AwsCredentialsManager } from '@backstage/integration-aws-node';
import { AwsCostSettings } from './config';

/**
 * A Cost Explorer client with credentials from `@backstage/integration-aws-node`
 * (the configured `accountId`'s, else the main account's). The SDK's own
 * retries are off (`maxAttempts: 1`): throttling is backed off by
 * {@link CostExplorerDailyCosts}, so each billed request is counted, and
 * other failures go to the Release Coordinator scheduler's retry policy.
 *
 * @public
 */
export async function createCostExplorerClient(options: {
  settings: AwsCostSettings;
  credentialsManager: AwsCredentialsManager;
}): Promise<CostExplorerClient> {
  const { settings, credentialsManager } = options;
  const { sdkCredentialProvider } =
    await credentialsManager.getCredentialProvider(
      settings.accountId ? { accountId: settings.accountId } : undefined,
    );
  return new CostExplorerClient({
    region: settings.region,
    credentials: sdkCredentialProvider,
    maxAttempts: 1,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  });
}

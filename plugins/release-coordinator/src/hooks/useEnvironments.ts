import { useApi } from '@backstage/core-plugin-api';
import {
  Deployment,
  EnvironmentSummary,
  ProviderSyncState,
} from '@release-coordinator/backstage-plugin-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { releaseCoordinatorApiRef } from '../api';

/** The environment whose versions are promoted to the others. */
export const STAGING_ENVIRONMENT = 'staging';

/** How many recent staging deployments are searched for a promotion. */
const PROMOTION_LOOKBACK = 100;

/** What runs in each environment of an entity, and where it came from. */
export interface EntityEnvironments {
  environments: EnvironmentSummary[];
  sync: ProviderSyncState[];
  /**
   * Per environment name: the staging deployment its current version was
   * promoted from, when that version succeeded in staging before it was
   * deployed there.
   */
  promotedFrom: Record<string, Deployment>;
}

/**
 * Loads what runs now in each environment of one entity, its providers' sync
 * state, and which current versions were promoted from staging.
 */
export function useEnvironments(entityRef: string) {
  const api = useApi(releaseCoordinatorApiRef);
  return useAsyncRetry(async (): Promise<EntityEnvironments> => {
    const { items, sync } = await api.getEnvironments({ entityRef });
    const needsStagingHistory =
      items.some(summary => summary.environment === STAGING_ENVIRONMENT) &&
      items.some(
        summary =>
          summary.environment !== STAGING_ENVIRONMENT &&
          summary.current?.kind === 'deploy',
      );
    const stagingDeployments = needsStagingHistory
      ? (
          await api.listDeployments({
            entityRef,
            environment: STAGING_ENVIRONMENT,
            status: 'succeeded',
            limit: PROMOTION_LOOKBACK,
          })
        ).items
      : [];
    return {
      environments: items,
      sync,
      promotedFrom: findPromotions(items, stagingDeployments),
    };
  }, [api, entityRef]);
}

/**
 * For each non-staging environment whose current deployment is a deploy (not
 * a rollback): the latest succeeded staging deployment of the same version
 * that had finished by the time it started there.
 *
 * @param stagingDeployments - succeeded staging deployments, newest first
 */
export function findPromotions(
  environments: EnvironmentSummary[],
  stagingDeployments: Deployment[],
): Record<string, Deployment> {
  const promotions: Record<string, Deployment> = {};
  for (const { environment, current } of environments) {
    if (
      environment === STAGING_ENVIRONMENT ||
      !current ||
      current.kind !== 'deploy'
    ) {
      continue;
    }
    const deployedAt = timeOf(current.startedAt);
    const source = stagingDeployments.find(
      staging =>
        staging.version === current.version &&
        staging.status === 'succeeded' &&
        timeOf(staging.finishedAt ?? staging.startedAt) <= deployedAt,
    );
    if (source) {
      promotions[environment] = source;
    }
  }
  return promotions;
}

/** Milliseconds since the epoch; an unknown time sorts last. */
function timeOf(timestamp: string | undefined): number {
  return timestamp ? Date.parse(timestamp) : Number.POSITIVE_INFINITY;
}

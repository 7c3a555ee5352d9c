/**
 * Release Coordinator for Backstage's new frontend system.
 *
 * @packageDocumentation
 */

export { default } from './alpha/plugin';
export {
  releaseCoordinatorApi,
  entityReleaseReadinessContent,
  entityDeploymentsContent,
  entityDeliveryMetricsContent,
  entityDeliveryOverviewContent,
  entityReleaseStatusCard,
} from './alpha/plugin';

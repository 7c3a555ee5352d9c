/**
 * Release Coordinator frontend plugin: release readiness, deployments and
 * delivery metrics on Backstage entity pages (legacy frontend system).
 *
 * @packageDocumentation
 */

export {
  releaseCoordinatorPlugin,
  EntityReleaseReadinessContent,
  EntityDeploymentsContent,
  EntityDeliveryMetricsContent,
  EntityDeliveryOverviewContent,
  EntityReleaseStatusCard,
} from './plugin';
export {
  isReleaseCoordinatorAvailable,
  isDeliveryOverviewAvailable,
} from './isReleaseCoordinatorAvailable';
export { releaseCoordinatorApiRef, ReleaseCoordinatorClient } from './api';
export type {
  CreateRollbackOptions,
  GetEnvironmentsOptions,
  GetMetricsOptions,
  GetMetricsSeriesOptions,
  GetRollbackPlanOptions,
  ListCostsOptions,
  ListDeploymentsOptions,
  ListIncidentsOptions,
  ListReleasesOptions,
  ListRollbacksOptions,
  ReleaseCoordinatorApi,
} from './api';

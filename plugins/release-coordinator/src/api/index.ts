export { releaseCoordinatorApiRef } from './ReleaseCoordinatorApi';
export type {
  GetEnvironmentsOptions,
  GetMetricsOptions,
  GetMetricsSeriesOptions,
  ListCostsOptions,
  ListDeploymentsOptions,
  ListIncidentsOptions,
  ListReleasesOptions,
  ReleaseCoordinatorApi,
} from './ReleaseCoordinatorApi';
export { ReleaseCoordinatorClient } from './ReleaseCoordinatorClient';
export { entityApiPath } from './entityApiPath';

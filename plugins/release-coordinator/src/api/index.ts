export { releaseCoordinatorApiRef } from './ReleaseCoordinatorApi';
export type {
  CreateRollbackOptions,
  GetEnvironmentsOptions,
  GetMetricsEvidenceOptions,
  GetMetricsOptions,
  GetMetricsSeriesOptions,
  GetRollbackPlanOptions,
  ListCostsOptions,
  ListDeploymentsOptions,
  ListIncidentsOptions,
  ListReleasesOptions,
  ListRollbacksOptions,
  ReleaseCoordinatorApi,
} from './ReleaseCoordinatorApi';
export { ReleaseCoordinatorClient } from './ReleaseCoordinatorClient';
export { entityApiPath } from './entityApiPath';

export { useBackendHealth } from './useBackendHealth';
export { useReleases } from './useReleases';
export { useDeployments, DEPLOYMENTS_PAGE_SIZE } from './useDeployments';
export type { DeploymentFilters, DeploymentHistory } from './useDeployments';
export {
  deploymentsSignalChannel,
  useDeploymentsSignal,
} from './useDeploymentsSignal';
export { useSignalRefresh } from './useSignalRefresh';
export { useCostsSignal } from './useCostsSignal';
export { useCoalesced } from './useCoalesced';
export {
  useEnvironments,
  findPromotions,
  STAGING_ENVIRONMENT,
} from './useEnvironments';
export type { EntityEnvironments } from './useEnvironments';
export { useMetrics } from './useMetrics';
export type { MetricsQuery } from './useMetrics';
export { useMetricsBreakdown } from './useMetricsBreakdown';
export {
  useMetricsSeries,
  bucketForWindow,
  CHARTED_METRICS,
} from './useMetricsSeries';
export type { ChartedMetric } from './useMetricsSeries';

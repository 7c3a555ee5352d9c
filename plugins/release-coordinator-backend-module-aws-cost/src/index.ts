/**
 * AWS Cost Explorer daily cost per entity for Release Coordinator.
 *
 * @packageDocumentation
 */

export { releaseCoordinatorModuleAwsCost as default } from './module';
export {
  AWS_COST_PROVIDER_ID,
  AwsCostProvider,
  awsCostSource,
  tagGroupQueryOf,
} from './AwsCostProvider';
export { CostExplorerDailyCosts } from './CostExplorerDailyCosts';
export type { DailyTagCosts, MetricAmount } from './CostExplorerDailyCosts';
export { DEFAULT_THROTTLE_BACKOFF } from './sendGetCostAndUsage';
export type { CostExplorerUsage, ThrottleBackoff } from './sendGetCostAndUsage';
export {
  getCostAndUsageInput,
  tagFilterExpression,
} from './getCostAndUsageInput';
export type { TagGroupQuery } from './getCostAndUsageInput';
export {
  AwsCostRequestError,
  AwsCostResponseError,
  AwsCostThrottledError,
} from './AwsCostExplorerError';
export { AWS_COST_METRICS, readAwsCostSettings } from './config';
export type { AwsCostMetric, AwsCostSettings } from './config';
export {
  COST_INSIGHTS_TAGS_ANNOTATION,
  parseCostInsightsTags,
} from './costInsightsTags';
export type { CostTag } from './costInsightsTags';
export { createCostExplorerClient } from './createCostExplorerClient';

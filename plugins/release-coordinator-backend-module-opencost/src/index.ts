/**
 * OpenCost allocation cost per entity for Release Coordinator: a scheduled
 * pull of `GET /allocation`, mapped through `opencost.io/aggregate`.
 *
 * @packageDocumentation
 */

export { releaseCoordinatorModuleOpenCost as default } from './module';
export {
  OpenCostCostProvider,
  OPENCOST_SOURCE,
  ALLOCATION_CACHE_TTL_MS,
} from './OpenCostCostProvider';
export { OpenCostClient, OpenCostApiError } from './OpenCostClient';
export type { OpenCostAllocation, AllocationQuery } from './OpenCostClient';
export type { OpenCostSettings } from './config';
export {
  parseOpenCostAggregate,
  isUnassignedAllocationName,
} from './aggregate';
export type { OpenCostAggregate } from './aggregate';

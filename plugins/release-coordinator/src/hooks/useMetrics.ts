import { useApi } from '@backstage/core-plugin-api';
import { MetricsResponse } from '@release-coordinator/backstage-plugin-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { releaseCoordinatorApiRef } from '../api';

/** Which metrics to load: the entity, the window length and the environment. */
export interface MetricsQuery {
  entityRef: string;
  windowDays: number;
  environment: string;
}

/**
 * Loads the delivery metrics of one entity (or the roll-up of a
 * Group/System/Domain) for a window; reloads when the query changes.
 */
export function useMetrics(query: MetricsQuery) {
  const api = useApi(releaseCoordinatorApiRef);
  const { entityRef, windowDays, environment } = query;
  return useAsyncRetry(
    (): Promise<MetricsResponse> =>
      api.getMetrics({ entityRef, windowDays, environment }),
    [api, entityRef, windowDays, environment],
  );
}

import { useApi } from '@backstage/core-plugin-api';
import { MetricsBreakdownResponse } from '@release-coordinator/backstage-plugin-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { releaseCoordinatorApiRef } from '../api';
import { MetricsQuery } from './useMetrics';

/** Loads one row of metrics per member entity of a Group/System/Domain. */
export function useMetricsBreakdown(query: MetricsQuery) {
  const api = useApi(releaseCoordinatorApiRef);
  const { entityRef, windowDays, environment } = query;
  return useAsyncRetry(
    (): Promise<MetricsBreakdownResponse> =>
      api.getMetricsBreakdown({ entityRef, windowDays, environment }),
    [api, entityRef, windowDays, environment],
  );
}

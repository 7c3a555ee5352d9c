import { useApi } from '@backstage/core-plugin-api';
import {
  MetricName,
  MetricsSeriesResponse,
  SeriesBucket,
} from '@release-coordinator/backstage-plugin-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { releaseCoordinatorApiRef } from '../api';
import { MetricsQuery } from './useMetrics';

/** The metrics whose series the Delivery metrics charts draw. */
export const CHARTED_METRICS = [
  'deploymentFrequency',
  'leadTimeForChanges',
  'deploymentDuration',
  'uptime',
] as const satisfies readonly MetricName[];

/** One of {@link CHARTED_METRICS}. */
export type ChartedMetric = (typeof CHARTED_METRICS)[number];

/** Day buckets up to 30 days, week buckets beyond (a 90-day window has 13). */
export function bucketForWindow(windowDays: number): SeriesBucket {
  return windowDays <= 30 ? 'day' : 'week';
}

/** Loads the series of every charted metric for a window, in parallel. */
export function useMetricsSeries(query: MetricsQuery) {
  const api = useApi(releaseCoordinatorApiRef);
  const { entityRef, windowDays, environment } = query;
  return useAsyncRetry(async (): Promise<
    Record<ChartedMetric, MetricsSeriesResponse>
  > => {
    const bucket = bucketForWindow(windowDays);
    const responses = await Promise.all(
      CHARTED_METRICS.map(metric =>
        api.getMetricsSeries({
          entityRef,
          metric,
          windowDays,
          environment,
          bucket,
        }),
      ),
    );
    return Object.fromEntries(
      CHARTED_METRICS.map((metric, index) => [metric, responses[index]]),
    ) as Record<ChartedMetric, MetricsSeriesResponse>;
  }, [api, entityRef, windowDays, environment]);
}

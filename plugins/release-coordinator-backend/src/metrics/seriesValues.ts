import {
  DeliveryMetrics,
  MetricName,
} from '@release-coordinator/backstage-plugin-common';
import { TimeRange } from './computeDeliveryMetrics';
import { MetricsWindowData } from './MetricsStore';

type SeriesValues = Record<string, number | null>;

/**
 * The values of one series point: the chartable numbers of one metric over
 * a bucket (its metrics computed as a window of its own).
 */
export function seriesValues(
  metric: MetricName,
  metrics: DeliveryMetrics,
  data: MetricsWindowData,
  bucket: TimeRange,
): SeriesValues {
  switch (metric) {
    case 'deploymentFrequency':
      return {
        succeeded: metrics.deploymentFrequency.count,
        failed: metrics.deploymentSuccessRate.failed,
        rollbacks: metrics.rollbackFrequency.count,
      };
    case 'deploymentSuccessRate':
      return { ...metrics.deploymentSuccessRate };
    case 'leadTimeForChanges': {
      const { medianSeconds, count } = metrics.leadTimeForChanges;
      return { medianSeconds, count };
    }
    case 'changeFailureRate': {
      const { value, failedDeployments, deployments } =
        metrics.changeFailureRate;
      return { value, failedDeployments, deployments };
    }
    case 'meanTimeToRecovery': {
      const { meanSeconds, medianSeconds, count } = metrics.meanTimeToRecovery;
      return { meanSeconds, medianSeconds, count };
    }
    case 'uptime':
      return {
        ...metrics.uptime,
        // Critical and major incidents that started in the bucket.
        incidents: data.incidents.filter(
          i => i.startedAt >= bucket.start && i.startedAt < bucket.end,
        ).length,
      };
    case 'deploymentDuration':
      return { ...metrics.deploymentDuration };
    case 'deploymentReworkRate':
      return { ...metrics.deploymentReworkRate };
    case 'rollbackFrequency':
      return { count: metrics.rollbackFrequency.count };
    case 'infrastructureCost': {
      const cost = metrics.infrastructureCost;
      const values: SeriesValues = {
        total: cost.total,
        perDeployment: cost.perDeployment,
      };
      for (const entry of cost.byCurrency ?? []) {
        values[entry.currency] = entry.total;
      }
      if (cost.currency !== null) {
        values[cost.currency] = cost.total;
      }
      return values;
    }
    default:
      throw new Error(`Unknown metric ${String(metric)}`);
  }
}

import {
  METRIC_DEFINITIONS,
  MetricName,
} from '@release-coordinator/backstage-plugin-common';

/** One delivery metric as the Delivery metrics tab names and explains it. */
export interface DeliveryMetricDescription {
  /** The metric's key in the metrics API response (METRICS.md). */
  id: MetricName;
  title: string;
  /** One line on what is counted, from METRICS.md. */
  summary: string;
}

/** The metrics of METRICS.md, in the order the tab shows them. */
export const deliveryMetrics: readonly DeliveryMetricDescription[] = [
  {
    id: 'deploymentFrequency',
    title: METRIC_DEFINITIONS.deploymentFrequency.title,
    summary: 'Successful deployments in the window, and per day.',
  },
  {
    id: 'deploymentSuccessRate',
    title: METRIC_DEFINITIONS.deploymentSuccessRate.title,
    summary: 'Succeeded deployments out of succeeded and failed ones.',
  },
  {
    id: 'leadTimeForChanges',
    title: METRIC_DEFINITIONS.leadTimeForChanges.title,
    summary: 'Median time from commit to its successful deployment.',
  },
  {
    id: 'changeFailureRate',
    title: METRIC_DEFINITIONS.changeFailureRate.title,
    summary:
      'Share of deployments later rolled back or followed by a critical or major incident.',
  },
  {
    id: 'meanTimeToRecovery',
    title: METRIC_DEFINITIONS.meanTimeToRecovery.title,
    summary: 'Mean and median time to resolve critical and major incidents.',
  },
  {
    id: 'uptime',
    title: METRIC_DEFINITIONS.uptime.title,
    summary: 'Share of the window without an open critical incident.',
  },
  {
    id: 'deploymentDuration',
    title: METRIC_DEFINITIONS.deploymentDuration.title,
    summary: 'Median and 95th percentile of how long a deployment takes.',
  },
  {
    id: 'rollbackFrequency',
    title: METRIC_DEFINITIONS.rollbackFrequency.title,
    summary: 'Successful rollbacks per week and per deployment.',
  },
  {
    id: 'infrastructureCost',
    title: METRIC_DEFINITIONS.infrastructureCost.title,
    summary:
      'Cost per day and per deployment, and its change against the previous window.',
  },
  {
    id: 'deploymentReworkRate',
    title: METRIC_DEFINITIONS.deploymentReworkRate.title,
    summary:
      'Share of deployments that were unplanned: rollbacks, and deployments during a critical or major incident.',
  },
];

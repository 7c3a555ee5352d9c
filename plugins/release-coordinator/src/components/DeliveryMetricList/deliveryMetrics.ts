/** One delivery metric as the Delivery metrics tab names and explains it. */
export interface DeliveryMetricDescription {
  /** The metric's key in the metrics API response (METRICS.md). */
  id: string;
  title: string;
  /** One line on what is counted, from METRICS.md. */
  summary: string;
}

/** The nine metrics of METRICS.md, in the order the tab shows them. */
export const deliveryMetrics: readonly DeliveryMetricDescription[] = [
  {
    id: 'deploymentFrequency',
    title: 'Deployment frequency',
    summary: 'Successful deployments in the window, and per day.',
  },
  {
    id: 'deploymentSuccessRate',
    title: 'Deployment success rate',
    summary: 'Succeeded deployments out of succeeded and failed ones.',
  },
  {
    id: 'leadTimeForChanges',
    title: 'Lead time for changes',
    summary: 'Median time from commit to its successful deployment.',
  },
  {
    id: 'changeFailureRate',
    title: 'Change failure rate',
    summary:
      'Share of deployments later rolled back or followed by a critical or major incident.',
  },
  {
    id: 'meanTimeToRecovery',
    title: 'Time to recovery',
    summary: 'Mean and median time to resolve critical and major incidents.',
  },
  {
    id: 'uptime',
    title: 'Uptime',
    summary: 'Share of the window without an open critical incident.',
  },
  {
    id: 'deploymentDuration',
    title: 'Deployment duration',
    summary: 'Median and 95th percentile of how long a deployment takes.',
  },
  {
    id: 'rollbackFrequency',
    title: 'Rollback frequency',
    summary: 'Successful rollbacks per week and per deployment.',
  },
  {
    id: 'infrastructureCost',
    title: 'Infrastructure cost',
    summary:
      'Cost per day and per deployment, and its change against the previous window.',
  },
];

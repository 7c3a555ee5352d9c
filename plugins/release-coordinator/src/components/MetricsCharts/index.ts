export { MetricsCharts } from './MetricsCharts';
export type { MetricsChartsProps, MetricsChartsSeries } from './MetricsCharts';
export {
  bucketLabel,
  deploymentBuckets,
  durationTrend,
  incidentBuckets,
} from './chartData';

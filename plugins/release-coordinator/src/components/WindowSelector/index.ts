export {
  WindowSelector,
  METRICS_WINDOW_DAYS,
  DEFAULT_METRICS_WINDOW_DAYS,
} from './WindowSelector';
export type { WindowSelectorProps } from './WindowSelector';
export {
  metricsEnvironments,
  defaultMetricsEnvironment,
  DEFAULT_METRICS_ENVIRONMENT,
} from './metricsEnvironments';

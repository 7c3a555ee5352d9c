export { MetricCard, ChangeIndicator, showRowsLabel } from './MetricCard';
export type { MetricCardProps } from './MetricCard';
export { MetricCardGrid, COST_EMPTY_NOTE } from './MetricCardGrid';
export { metricCardModels, COST_SCOPE } from './metricCardModels';
export type { MetricCardModel } from './metricCardModels';
export { metricChange } from './metricChange';
export type { MetricChange, GoodDirection, ChangeKind } from './metricChange';
export * from './formatters';

export { DeliveryMetricList } from './DeliveryMetricList';
export { deliveryMetrics } from './deliveryMetrics';
export type { DeliveryMetricDescription } from './deliveryMetrics';

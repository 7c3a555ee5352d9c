export { DeliveryMetricsContent } from './DeliveryMetricsContent';

export { DeliveryOverviewContent } from './DeliveryOverviewContent';

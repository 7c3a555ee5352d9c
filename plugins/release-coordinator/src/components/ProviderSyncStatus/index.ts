export { ProviderSyncStatus, isFailing } from './ProviderSyncStatus';

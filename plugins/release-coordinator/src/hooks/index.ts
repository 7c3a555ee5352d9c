export { useBackendHealth } from './useBackendHealth';
export { useReleases } from './useReleases';

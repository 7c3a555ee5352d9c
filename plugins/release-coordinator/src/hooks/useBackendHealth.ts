import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { releaseCoordinatorApiRef } from '../api';

/**
 * Checks that the Release Coordinator backend is installed and answering, for
 * tabs whose data routes do not exist yet: an empty state that explains how to
 * feed data is only honest when there is a backend to feed.
 */
export function useBackendHealth() {
  const api = useApi(releaseCoordinatorApiRef);
  return useAsyncRetry(() => api.getHealth(), [api]);
}

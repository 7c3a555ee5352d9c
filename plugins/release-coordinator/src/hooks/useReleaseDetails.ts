import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { releaseCoordinatorApiRef } from '../api';
import { useReleaseSignal } from './useReleaseSignal';

/**
 * Loads one release with its checklist, approvals and stages, and reloads it
 * when the backend signals a change. While reloading, the previous value is
 * kept, so the tab does not flicker.
 */
export function useReleaseDetails(releaseId: string) {
  const api = useApi(releaseCoordinatorApiRef);
  const state = useAsyncRetry(
    () => api.getRelease(releaseId),
    [api, releaseId],
  );
  useReleaseSignal(releaseId, state.retry);
  return state;
}

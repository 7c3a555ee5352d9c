import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { releaseCoordinatorApiRef } from '../api';
import { useReleaseSignal } from './useReleaseSignal';

/** Loads the audit trail of one release, reloading it on the release's signal. */
export function useAuditTrail(releaseId: string) {
  const api = useApi(releaseCoordinatorApiRef);
  const state = useAsyncRetry(
    async () => (await api.getAuditTrail(releaseId)).items,
    [api, releaseId],
  );
  useReleaseSignal(releaseId, state.retry);
  return state;
}

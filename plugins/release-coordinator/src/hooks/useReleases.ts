import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { releaseCoordinatorApiRef } from '../api';

/**
 * Loads the releases of one entity, newest first.
 *
 * @param entityRef - the entity, e.g. `component:default/payments`
 */
export function useReleases(entityRef: string) {
  const api = useApi(releaseCoordinatorApiRef);
  return useAsyncRetry(
    async () => (await api.listReleases({ entityRef })).items,
    [api, entityRef],
  );
}

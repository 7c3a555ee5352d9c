import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { releaseCoordinatorApiRef } from '../../api';

/**
 * The rollback plan of one environment with the backend's default target;
 * reloads when `refreshKey` changes (the tab's refresh).
 */
export function useRollbackPlan(options: {
  entityRef: string;
  environment: string;
  refreshKey?: number;
}) {
  const { entityRef, environment, refreshKey } = options;
  const api = useApi(releaseCoordinatorApiRef);
  return useAsync(
    () => api.getRollbackPlan({ entityRef, environment }),
    [api, entityRef, environment, refreshKey],
  );
}

import { ReactNode } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useBackendHealth } from '../../hooks';

/**
 * Renders its children once the Release Coordinator backend has answered its
 * health check; a progress bar meanwhile and the error when it is unreachable
 * (e.g. the backend plugin is not installed).
 */
export function RequireBackend(props: { children: ReactNode }) {
  const { loading, error } = useBackendHealth();

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  return <>{props.children}</>;
}

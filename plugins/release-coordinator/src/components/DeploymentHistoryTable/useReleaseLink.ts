import { useRouteRef } from '@backstage/core-plugin-api';
import { releaseReadinessRouteRef } from '../../routes';

/**
 * A function from release id to the Release readiness tab of this entity
 * showing that release, or undefined when that tab is not mounted in the app
 * (then releases are shown as plain ids).
 */
export function useReleaseLink(): ((releaseId: string) => string) | undefined {
  let releaseReadinessPath: string | undefined;
  try {
    // useRouteRef throws when the app has no route for the Release readiness
    // tab; it calls all of its own hooks before throwing, so the hook order
    // stays the same on every render.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    releaseReadinessPath = useRouteRef(releaseReadinessRouteRef)();
  } catch {
    releaseReadinessPath = undefined;
  }
  if (!releaseReadinessPath) {
    return undefined;
  }
  const base = releaseReadinessPath;
  return releaseId => `${base}?release=${encodeURIComponent(releaseId)}`;
}

import { createApiRef } from '@backstage/core-plugin-api';
import {
  HealthResponse,
  ListResponse,
  Release,
} from '@release-coordinator/backstage-plugin-common';

/**
 * Options of {@link ReleaseCoordinatorApi.listReleases}.
 *
 * @public
 */
export interface ListReleasesOptions {
  /** Full or short ref of the catalog entity, e.g. `component:default/payments`. */
  entityRef: string;
  /** Only releases headed for this environment. */
  environment?: string;
}

/**
 * Client of the Release Coordinator backend (`/api/release-coordinator`).
 *
 * @public
 */
export interface ReleaseCoordinatorApi {
  /** Checks that the backend plugin is installed and answering. */
  getHealth(): Promise<HealthResponse>;
  /** Lists the releases of one entity, newest first. */
  listReleases(options: ListReleasesOptions): Promise<ListResponse<Release>>;
}

/**
 * API reference of {@link ReleaseCoordinatorApi}.
 *
 * @public
 */
export const releaseCoordinatorApiRef = createApiRef<ReleaseCoordinatorApi>({
  id: 'plugin.release-coordinator.service',
});

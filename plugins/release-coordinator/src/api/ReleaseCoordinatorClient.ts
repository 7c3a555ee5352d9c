import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  HealthResponse,
  ListResponse,
  Release,
} from '@release-coordinator/backstage-plugin-common';
import {
  ListReleasesOptions,
  ReleaseCoordinatorApi,
} from './ReleaseCoordinatorApi';
import { entityApiPath } from './entityApiPath';

/**
 * Default {@link ReleaseCoordinatorApi} implementation, talking to the
 * backend through the discovery and fetch APIs (so requests carry the user's
 * Backstage token).
 *
 * @public
 */
export class ReleaseCoordinatorClient implements ReleaseCoordinatorApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getHealth(): Promise<HealthResponse> {
    return this.get<HealthResponse>('/health');
  }

  async listReleases(
    options: ListReleasesOptions,
  ): Promise<ListResponse<Release>> {
    const query = new URLSearchParams();
    if (options.environment) {
      query.set('environment', options.environment);
    }
    return this.get<ListResponse<Release>>(
      `${entityApiPath(options.entityRef)}/releases`,
      query,
    );
  }

  private async get<T>(path: string, query?: URLSearchParams): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('release-coordinator');
    const search = query?.toString();
    const url = `${baseUrl}${path}${search ? `?${search}` : ''}`;
    const response = await this.fetchApi.fetch(url);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

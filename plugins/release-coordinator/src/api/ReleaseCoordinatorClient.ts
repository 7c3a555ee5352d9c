import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ApprovalRequest,
  AuditTrailResponse,
  ChecklistItemUpdateRequest,
  CostRecord,
  CreateReleaseRequest,
  Deployment,
  EnvironmentsResponse,
  HealthResponse,
  Incident,
  ListResponse,
  MetricsBreakdownResponse,
  MetricsEvidenceResponse,
  MetricsResponse,
  MetricsSeriesResponse,
  Release,
  ReleaseDetails,
  Rollback,
  RollbackPlan,
  RollbackResponse,
} from '@release-coordinator/backstage-plugin-common';
import {
  CreateRollbackOptions,
  GetEnvironmentsOptions,
  GetMetricsEvidenceOptions,
  GetMetricsOptions,
  GetMetricsSeriesOptions,
  GetRollbackPlanOptions,
  ListCostsOptions,
  ListDeploymentsOptions,
  ListIncidentsOptions,
  ListReleasesOptions,
  ListRollbacksOptions,
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

  async listDeployments(
    options: ListDeploymentsOptions,
  ): Promise<ListResponse<Deployment>> {
    const { entityRef, environment, status, limit, cursor } = options;
    return this.get<ListResponse<Deployment>>(
      `${entityApiPath(entityRef)}/deployments`,
      searchParams({ environment, status, limit, cursor }),
    );
  }

  async listIncidents(
    options: ListIncidentsOptions,
  ): Promise<ListResponse<Incident>> {
    const { entityRef, environment, since, limit, cursor } = options;
    return this.get<ListResponse<Incident>>(
      `${entityApiPath(entityRef)}/incidents`,
      searchParams({ environment, since, limit, cursor }),
    );
  }

  async listCosts(
    options: ListCostsOptions,
  ): Promise<ListResponse<CostRecord>> {
    const { entityRef, from, to } = options;
    return this.get<ListResponse<CostRecord>>(
      `${entityApiPath(entityRef)}/costs`,
      searchParams({ from, to }),
    );
  }

  async getEnvironments(
    options: GetEnvironmentsOptions,
  ): Promise<EnvironmentsResponse> {
    return this.get<EnvironmentsResponse>(
      `${entityApiPath(options.entityRef)}/environments`,
    );
  }

  async createRelease(
    entityRef: string,
    body: CreateReleaseRequest,
  ): Promise<ReleaseDetails> {
    const response = await this.sendJson(
      'POST',
      `${entityApiPath(entityRef)}/releases`,
      body,
    );
    return (await response.json()) as ReleaseDetails;
  }

  async getRelease(releaseId: string): Promise<ReleaseDetails> {
    return this.get<ReleaseDetails>(releaseApiPath(releaseId));
  }

  async updateChecklistItem(
    releaseId: string,
    itemId: string,
    body: ChecklistItemUpdateRequest,
  ): Promise<void> {
    await this.sendJson(
      'PUT',
      `${releaseApiPath(releaseId)}/checklist/${encodeURIComponent(itemId)}`,
      body,
    );
  }

  async submitApproval(
    releaseId: string,
    body: ApprovalRequest,
  ): Promise<void> {
    await this.sendJson('POST', `${releaseApiPath(releaseId)}/approvals`, body);
  }

  async notifyTeam(releaseId: string): Promise<void> {
    await this.sendJson('POST', `${releaseApiPath(releaseId)}/notify-team`, {});
  }

  async getAuditTrail(releaseId: string): Promise<AuditTrailResponse> {
    return this.get<AuditTrailResponse>(`${releaseApiPath(releaseId)}/audit`);
  }

  async getMetrics(options: GetMetricsOptions): Promise<MetricsResponse> {
    return this.get<MetricsResponse>(
      `${entityApiPath(options.entityRef)}/metrics`,
      metricsQuery(options),
    );
  }

  async getMetricsBreakdown(
    options: GetMetricsOptions,
  ): Promise<MetricsBreakdownResponse> {
    return this.get<MetricsBreakdownResponse>(
      `${entityApiPath(options.entityRef)}/metrics/breakdown`,
      metricsQuery(options),
    );
  }

  async getMetricsSeries(
    options: GetMetricsSeriesOptions,
  ): Promise<MetricsSeriesResponse> {
    const query = metricsQuery(options);
    query.set('metric', options.metric);
    if (options.bucket) {
      query.set('bucket', options.bucket);
    }
    return this.get<MetricsSeriesResponse>(
      `${entityApiPath(options.entityRef)}/metrics/series`,
      query,
    );
  }

  async getMetricsEvidence(
    options: GetMetricsEvidenceOptions,
  ): Promise<MetricsEvidenceResponse> {
    return this.get<MetricsEvidenceResponse>(
      `${entityApiPath(options.entityRef)}/metrics/evidence`,
      evidenceQuery(options),
    );
  }

  async getMetricsEvidenceCsv(
    options: GetMetricsEvidenceOptions,
  ): Promise<string> {
    const query = evidenceQuery({ ...options, cursor: undefined });
    query.delete('limit');
    query.set('format', 'csv');
    const baseUrl = await this.discoveryApi.getBaseUrl('release-coordinator');
    const response = await this.fetchApi.fetch(
      `${baseUrl}${entityApiPath(
        options.entityRef,
      )}/metrics/evidence?${query.toString()}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.text();
  }

  async createRollback(options: CreateRollbackOptions): Promise<Rollback> {
    const response = await this.sendJson(
      'POST',
      `${entityApiPath(options.entityRef)}/rollbacks`,
      options.request,
      { 'Idempotency-Key': options.idempotencyKey },
    );
    return ((await response.json()) as RollbackResponse).rollback;
  }

  async getRollbackPlan(
    options: GetRollbackPlanOptions,
  ): Promise<RollbackPlan> {
    const { entityRef, environment, targetDeploymentId } = options;
    return this.get<RollbackPlan>(
      `${entityApiPath(entityRef)}/rollbacks/plan`,
      searchParams({ environment, targetDeploymentId }),
    );
  }

  async listRollbacks(
    options: ListRollbacksOptions,
  ): Promise<ListResponse<Rollback>> {
    const { entityRef, environment, limit, cursor } = options;
    return this.get<ListResponse<Rollback>>(
      `${entityApiPath(entityRef)}/rollbacks`,
      searchParams({ environment, limit, cursor }),
    );
  }

  async getRollback(rollbackId: string): Promise<Rollback> {
    const { rollback } = await this.get<RollbackResponse>(
      `/rollbacks/${encodeURIComponent(rollbackId)}`,
    );
    return rollback;
  }

  /** Sends a JSON body; returns the (ok) response, its body unread. */
  private async sendJson(
    method: 'POST' | 'PUT' | 'PATCH',
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('release-coordinator');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
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

/** The `/releases/:id` part of the backend's release routes. */
function releaseApiPath(releaseId: string): string {
  return `/releases/${encodeURIComponent(releaseId)}`;
}

/** `window=<N>d` and `environment=` of the metrics routes, leaving out unset ones. */
function metricsQuery(options: GetMetricsOptions): URLSearchParams {
  return searchParams({
    window:
      options.windowDays === undefined ? undefined : `${options.windowDays}d`,
    environment: options.environment,
  });
}

/** The query of `GET …/metrics/evidence`, leaving out unset values. */
function evidenceQuery(options: GetMetricsEvidenceOptions): URLSearchParams {
  const query = metricsQuery(options);
  const extra = searchParams({
    metric: options.metric,
    end: options.end,
    bucket: options.bucket,
    bucketStart: options.bucketStart,
    cursor: options.cursor,
    limit: options.limit,
  });
  extra.forEach((value, name) => query.set(name, value));
  return query;
}

/** Query parameters from the given values, leaving out unset and empty ones. */
function searchParams(
  values: Record<string, string | number | undefined>,
): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== '') {
      query.set(name, String(value));
    }
  }
  return query;
}

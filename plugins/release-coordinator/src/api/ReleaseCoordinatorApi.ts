import { createApiRef } from '@backstage/core-plugin-api';
import {
  ApprovalRequest,
  AuditTrailResponse,
  ChecklistItemUpdateRequest,
  CostRecord,
  CreateReleaseRequest,
  CreateRollbackRequest,
  Deployment,
  DeploymentStatus,
  EnvironmentsResponse,
  HealthResponse,
  Incident,
  ListResponse,
  MetricName,
  MetricsBreakdownResponse,
  MetricsEvidenceResponse,
  MetricsResponse,
  MetricsSeriesResponse,
  Release,
  ReleaseDetails,
  Rollback,
  RollbackPlan,
  SeriesBucket,
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
 * Options of {@link ReleaseCoordinatorApi.listDeployments}.
 *
 * @public
 */
export interface ListDeploymentsOptions {
  /** Full or short ref of the catalog entity, e.g. `component:default/payments`. */
  entityRef: string;
  /** Only deployments to this environment. */
  environment?: string;
  /** Only deployments in this status. */
  status?: DeploymentStatus;
  /** Page size; the backend applies its own default and maximum. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * Options of {@link ReleaseCoordinatorApi.listIncidents}.
 *
 * @public
 */
export interface ListIncidentsOptions {
  /** Full or short ref of the catalog entity, e.g. `component:default/payments`. */
  entityRef: string;
  /** Only incidents in this environment. */
  environment?: string;
  /** Only incidents that started at or after this ISO-8601 time. */
  since?: string;
  /** Page size; the backend applies its own default and maximum. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * Options of {@link ReleaseCoordinatorApi.getEnvironments}.
 *
 * @public
 */
export interface GetEnvironmentsOptions {
  /** Full or short ref of the catalog entity, e.g. `component:default/payments`. */
  entityRef: string;
}

/**
 * Options of {@link ReleaseCoordinatorApi.getMetrics} and
 * {@link ReleaseCoordinatorApi.getMetricsBreakdown}.
 *
 * @public
 */
export interface GetMetricsOptions {
  /** Full or short ref of the catalog entity, e.g. `component:default/payments`. */
  entityRef: string;
  /** Length of the window in days (sent as `window=<N>d`); the backend defaults to 30. */
  windowDays?: number;
  /** Environment the metrics are computed for; the backend defaults to `production`. */
  environment?: string;
}

/**
 * Options of {@link ReleaseCoordinatorApi.getMetricsSeries}.
 *
 * @public
 */
export interface GetMetricsSeriesOptions extends GetMetricsOptions {
  /** The metric whose time series is wanted. */
  metric: MetricName;
  /** Bucket size of the series. */
  bucket?: SeriesBucket;
}

/**
 * Options of {@link ReleaseCoordinatorApi.getMetricsEvidence} and
 * {@link ReleaseCoordinatorApi.getMetricsEvidenceCsv}.
 *
 * @public
 */
export interface GetMetricsEvidenceOptions extends GetMetricsOptions {
  /** The metric whose rows are wanted. */
  metric: MetricName;
  /** End of the window (ISO-8601): pass the `window.end` of the card's metrics so both count the same window. */
  end?: string;
  /** One series point: its bucket size and start. */
  bucket?: SeriesBucket;
  bucketStart?: string;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Rows per page, 1..500 (the backend defaults to 100). */
  limit?: number;
}

/**
 * Options of {@link ReleaseCoordinatorApi.listCosts}.
 *
 * @public
 */
export interface ListCostsOptions {
  /** Full or short ref of the catalog entity, e.g. `component:default/payments`. */
  entityRef: string;
  /** First UTC day, inclusive, `YYYY-MM-DD`; the backend defaults to 89 days before `to`. */
  from?: string;
  /** Last UTC day, inclusive, `YYYY-MM-DD`; the backend defaults to today. */
  to?: string;
}

/**
 * Options of {@link ReleaseCoordinatorApi.createRollback}.
 *
 * @public
 */
export interface CreateRollbackOptions {
  /** Full or short ref of the catalog entity, e.g. `component:default/payments`. */
  entityRef: string;
  request: CreateRollbackRequest;
  /**
   * Sent as the `Idempotency-Key` header: the same key returns the same
   * rollback and never executes twice, so a retry after a network error is
   * safe when it reuses the key.
   */
  idempotencyKey: string;
}

/**
 * Options of {@link ReleaseCoordinatorApi.getRollbackPlan}.
 *
 * @public
 */
export interface GetRollbackPlanOptions {
  /** Full or short ref of the catalog entity, e.g. `component:default/payments`. */
  entityRef: string;
  environment: string;
  /** An earlier succeeded deployment to roll back to; the backend's default target otherwise. */
  targetDeploymentId?: string;
}

/**
 * Options of {@link ReleaseCoordinatorApi.listRollbacks}.
 *
 * @public
 */
export interface ListRollbacksOptions {
  /** Full or short ref of the catalog entity, e.g. `component:default/payments`. */
  entityRef: string;
  /** Only rollbacks of this environment. */
  environment?: string;
  /** Page size; the backend applies its own default and maximum. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
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
  /** Lists the deployments of one entity, newest first, one page at a time. */
  listDeployments(
    options: ListDeploymentsOptions,
  ): Promise<ListResponse<Deployment>>;
  /** Lists the incidents attributed to one entity, newest first, one page at a time. */
  listIncidents(options: ListIncidentsOptions): Promise<ListResponse<Incident>>;
  /** What runs now in each environment of one entity, and its providers' sync state. */
  getEnvironments(
    options: GetEnvironmentsOptions,
  ): Promise<EnvironmentsResponse>;
  /** Creates a release of one entity; the backend builds its checklist from the plan. */
  createRelease(
    entityRef: string,
    body: CreateReleaseRequest,
  ): Promise<ReleaseDetails>;
  /** Loads one release with its checklist, approvals, stages and state. */
  getRelease(releaseId: string): Promise<ReleaseDetails>;
  /** Attests (`passed`) or waives (`waived`, reason in `comment`) one checklist item. */
  updateChecklistItem(
    releaseId: string,
    itemId: string,
    body: ChecklistItemUpdateRequest,
  ): Promise<void>;
  /** Records the current user's approve or reject decision on a release. */
  submitApproval(releaseId: string, body: ApprovalRequest): Promise<void>;
  /** Loads the audit trail of one release. */
  getAuditTrail(releaseId: string): Promise<AuditTrailResponse>;
  /** Sends the "Notify team" notification to the entity's owner group (passes `team-communication-sent`). */
  notifyTeam(releaseId: string): Promise<void>;
  /** Delivery metrics of one entity (or the roll-up of a Group/System/Domain) over a window (METRICS.md). */
  getMetrics(options: GetMetricsOptions): Promise<MetricsResponse>;
  /** One row of metrics per member entity of a Group/System/Domain. */
  getMetricsBreakdown(
    options: GetMetricsOptions,
  ): Promise<MetricsBreakdownResponse>;
  /** A day- or week-bucketed time series of one metric, for charts. */
  getMetricsSeries(
    options: GetMetricsSeriesOptions,
  ): Promise<MetricsSeriesResponse>;
  /** The rows behind one metric (drill-down), one page, with the metric recounted from all rows. */
  getMetricsEvidence(
    options: GetMetricsEvidenceOptions,
  ): Promise<MetricsEvidenceResponse>;
  /** Every row behind one metric as CSV text (no pages). */
  getMetricsEvidenceCsv(options: GetMetricsEvidenceOptions): Promise<string>;
  /** Daily cost records of one entity (or of what a Group/System owns), by day and source. */
  listCosts(options: ListCostsOptions): Promise<ListResponse<CostRecord>>;
  /** Requests a rollback of one environment (202: accepted, executed through the provider). */
  createRollback(options: CreateRollbackOptions): Promise<Rollback>;
  /** What a rollback of one environment would do: current and target version, commits, migrations. */
  getRollbackPlan(options: GetRollbackPlanOptions): Promise<RollbackPlan>;
  /** Lists the rollbacks of one entity, newest first, one page at a time. */
  listRollbacks(options: ListRollbacksOptions): Promise<ListResponse<Rollback>>;
  /** Loads one rollback, e.g. to follow its progress. */
  getRollback(rollbackId: string): Promise<Rollback>;
}

/**
 * API reference of {@link ReleaseCoordinatorApi}.
 *
 * @public
 */
export const releaseCoordinatorApiRef = createApiRef<ReleaseCoordinatorApi>({
  id: 'plugin.release-coordinator.service',
});

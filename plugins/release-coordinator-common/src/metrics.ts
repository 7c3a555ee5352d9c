/*
 * Wire types of the metrics API (METRICS.md, "Response shape"). The pure
 * definitions (tiers, texts) live in metricDefinitions.ts.
 */

/** DORA performance tier. */
export type DoraTier = 'elite' | 'high' | 'medium' | 'low';

/** Report years whose tier bands are supported (METRICS.md "Tier tables"). */
export type DoraReportYear = 2021 | 2023;

/** Names of the metrics, in display order. */
export const METRIC_NAMES = [
  'deploymentFrequency',
  'deploymentSuccessRate',
  'leadTimeForChanges',
  'changeFailureRate',
  'meanTimeToRecovery',
  'uptime',
  'deploymentDuration',
  'rollbackFrequency',
  'infrastructureCost',
  'deploymentReworkRate',
] as const;

/** One of {@link METRIC_NAMES}. */
export type MetricName = (typeof METRIC_NAMES)[number];

/** Deployment frequency: succeeded deploys in the window. */
export interface DeploymentFrequencyMetric {
  count: number;
  perDay: number;
  tier: DoraTier | null;
}

/** Deployment success rate: succeeded / (succeeded + failed). */
export interface DeploymentSuccessRateMetric {
  value: number | null;
  succeeded: number;
  failed: number;
}

/** Lead time for changes: median commit → succeeded deploy. */
export interface LeadTimeForChangesMetric {
  medianSeconds: number | null;
  count: number;
  tier: DoraTier | null;
}

/** Change failure rate: failed-in-production deploys / succeeded deploys. */
export interface ChangeFailureRateMetric {
  value: number | null;
  failedDeployments: number;
  deployments: number;
  tier: DoraTier | null;
}

/** Time to recovery of critical and major incidents resolved in the window. */
export interface MeanTimeToRecoveryMetric {
  meanSeconds: number | null;
  medianSeconds: number | null;
  count: number;
  tier: DoraTier | null;
}

/** Uptime: 1 − union of critical incident intervals / window length. */
export interface UptimeMetric {
  value: number | null;
  downtimeSeconds: number;
}

/** Deployment duration: finishedAt − startedAt of finished deploys. */
export interface DeploymentDurationMetric {
  medianSeconds: number | null;
  p95Seconds: number | null;
  count: number;
}

/** Rollback frequency: succeeded rollbacks in the window. */
export interface RollbackFrequencyMetric {
  count: number;
  perWeek: number;
  perDeploy: number | null;
}

/**
 * Deployment rework rate (DORA 2024): of the succeeded deploys and
 * rollbacks, the share that were rollbacks or started while a critical or
 * major incident was open. No tier.
 */
export interface DeploymentReworkRateMetric {
  value: number | null;
  rework: number;
  deployments: number;
}

/** Infrastructure cost over the N whole days before the day of `end`. */
export interface InfrastructureCostMetric {
  /** null when there are several currencies (see byCurrency) or no records. */
  total: number | null;
  currency: string | null;
  perDay: number | null;
  perDeployment: number | null;
  changeRatio: number | null;
  /** One entry per currency when more than one currency is present. */
  byCurrency?: Array<{ currency: string; total: number }>;
}

/** The metrics object of one window. */
export interface DeliveryMetrics {
  deploymentFrequency: DeploymentFrequencyMetric;
  deploymentSuccessRate: DeploymentSuccessRateMetric;
  leadTimeForChanges: LeadTimeForChangesMetric;
  changeFailureRate: ChangeFailureRateMetric;
  meanTimeToRecovery: MeanTimeToRecoveryMetric;
  uptime: UptimeMetric;
  deploymentDuration: DeploymentDurationMetric;
  rollbackFrequency: RollbackFrequencyMetric;
  infrastructureCost: InfrastructureCostMetric;
  deploymentReworkRate: DeploymentReworkRateMetric;
}

/** `GET /entities/:kind/:namespace/:name/metrics` response. */
export interface MetricsResponse {
  entityRef: string;
  environment: string;
  window: { start: string; end: string; days: number };
  definitionsVersion: 2;
  metrics: DeliveryMetrics;
  previous: DeliveryMetrics;
  /** For Group/System/Domain: the member entities aggregated. */
  memberEntityRefs?: string[];
}

/** One row of `GET …/metrics/breakdown` (roll-ups). */
export interface MetricsBreakdownRow {
  entityRef: string;
  title?: string;
  metrics: DeliveryMetrics;
}

/** `GET …/metrics/breakdown` response. */
export interface MetricsBreakdownResponse {
  entityRef: string;
  environment: string;
  window: { start: string; end: string; days: number };
  items: MetricsBreakdownRow[];
}

/** Bucket size of `GET …/metrics/series`. */
export type SeriesBucket = 'day' | 'week';

/** One bucket of a time series. */
export interface SeriesPoint {
  /** Start of the bucket (ISO-8601 UTC). */
  start: string;
  /** Metric-specific values, e.g. { succeeded: 3, failed: 1, rollbacks: 0 }. */
  values: Record<string, number | null>;
}

/** `GET …/metrics/series?metric=&window=&bucket=` response. */
export interface MetricsSeriesResponse {
  entityRef: string;
  environment: string;
  metric: MetricName;
  bucket: SeriesBucket;
  window: { start: string; end: string; days: number };
  points: SeriesPoint[];
}

/**
 * Why a row of `GET …/metrics/evidence` is or is not counted, as a machine
 * code (the `why` text says the same in words).
 */
export type EvidenceReason =
  | 'counted'
  | 'notSucceeded'
  | 'notDeploy'
  | 'notRollback'
  | 'noStartedAt'
  | 'leadNotPositive'
  | 'unresolved'
  | 'notCritical'
  | 'resolvedOutsideWindow';

/** What made a deployment a change failure (METRICS.md 4). */
export interface EvidenceAttribution {
  type: 'incident' | 'rollback';
  id: string;
  title?: string;
  severity?: string;
  /** The incident's startedAt, or the rollback's finishedAt. */
  at: string;
  link?: string;
}

/** A deployment behind a deployment metric. */
export interface EvidenceDeploymentRow {
  type: 'deployment';
  id: string;
  entityRef: string;
  version: string;
  kind: 'deploy' | 'rollback';
  status: string;
  startedAt?: string;
  finishedAt?: string;
  link?: string;
  /** Whether the metric counts this row. */
  counted: boolean;
  reason: EvidenceReason;
  /** Why, in words. */
  why: string;
  /** Status `failed` (deployment success rate). */
  failed: boolean;
  /** A succeeded deploy that failed in production (METRICS.md 4). */
  changeFailure: boolean;
  /** The incidents and rollbacks that attributed the change failure. */
  attributedTo: EvidenceAttribution[];
  /** Rework (METRICS.md 10). */
  rework: boolean;
  /** Why rework: a rollback, or the incidents open at its start. */
  reworkWhy?: string;
  reworkIncidentIds?: string[];
  /** A rollback (kind `rollback`). */
  rollback: boolean;
  rollbackOf?: string;
  /** finishedAt − startedAt, seconds (deployment duration). */
  durationSeconds?: number;
}

/** An incident behind recovery time or uptime. */
export interface EvidenceIncidentRow {
  type: 'incident';
  id: string;
  entityRef: string;
  title: string;
  severity: string;
  startedAt: string;
  resolvedAt?: string;
  link?: string;
  counted: boolean;
  reason: EvidenceReason;
  why: string;
  /** resolvedAt − startedAt, seconds (recovery time). */
  recoverySeconds?: number;
  /** Its downtime inside the window before overlaps are merged (uptime). */
  downtimeSeconds?: number;
  /** The succeeded deploy it is attributed to (METRICS.md 4b). */
  attributedDeploymentId?: string;
}

/** A commit behind a deployment's lead time. */
export interface EvidenceCommitRow {
  type: 'commit';
  deploymentId: string;
  entityRef: string;
  version: string;
  sha: string;
  committedAt: string;
  deploymentFinishedAt: string;
  /** deployment finishedAt − committedAt, seconds. */
  leadSeconds: number;
  counted: boolean;
  reason: EvidenceReason;
  why: string;
}

/** A cost record behind infrastructure cost. */
export interface EvidenceCostRow {
  type: 'cost';
  entityRef: string;
  date: string;
  source: string;
  amount: number;
  currency: string;
  counted: boolean;
  reason: EvidenceReason;
  why: string;
}

/** One row of `GET …/metrics/evidence`. */
export type EvidenceRow =
  | EvidenceDeploymentRow
  | EvidenceIncidentRow
  | EvidenceCommitRow
  | EvidenceCostRow;

/** `GET …/metrics/evidence?metric=` response. */
export interface MetricsEvidenceResponse {
  entityRef: string;
  environment: string;
  metric: MetricName;
  /** The window, or the series bucket clipped to the window. */
  window: { start: string; end: string; days: number };
  /** The start of the series bucket asked for (`bucket=`), if any. */
  bucket?: { start: string; size: SeriesBucket };
  definitionsVersion: 2;
  /**
   * The metric recounted from the rows: equal to
   * `GET …/metrics` → `metrics[metric]` for the same query.
   */
  summary: DeliveryMetrics[MetricName];
  /** All rows of the query (every page), and how many of them count. */
  total: number;
  counted: number;
  items: EvidenceRow[];
  /** Pass as `cursor=` for the next page; absent on the last page. */
  nextCursor?: string;
  memberEntityRefs?: string[];
}

/*
 * Wire types of the Release Coordinator (docs/product.md §3 and §7): what the backend's
 * HTTP API returns and accepts. Timestamps are ISO-8601 UTC strings, entity
 * references are full refs such as `component:default/payments`.
 */

/**
 * A JSON value, as stored in audit events.
 *
 * @public
 */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * The states of a release, in lifecycle order.
 *
 * @public
 */
export const RELEASE_STATES = [
  'draft',
  'ready',
  'approved',
  'deploying',
  'deployed',
  'rejected',
  'failed',
  'rolled-back',
  'superseded',
] as const;

/**
 * The state of a release.
 *
 * @public
 */
export type ReleaseState = (typeof RELEASE_STATES)[number];

/**
 * How a release is rolled out.
 *
 * @public
 */
export const DEPLOYMENT_STRATEGIES = [
  'rolling',
  'blue-green',
  'canary',
] as const;

/**
 * How a release is rolled out.
 *
 * @public
 */
export type DeploymentStrategy = (typeof DEPLOYMENT_STRATEGIES)[number];

/**
 * The plan of a release; it decides which checklist items and approvals apply.
 *
 * @public
 */
export interface ReleasePlan {
  strategy: DeploymentStrategy;
  zeroDowntime: boolean;
  hasDatabaseMigrations: boolean;
  hasConfigChanges: boolean;
  notes?: string;
}

/**
 * One candidate version of one entity headed for one environment.
 *
 * @public
 */
export interface Release {
  id: string;
  entityRef: string;
  environment: string;
  version: string;
  commitSha?: string;
  artifactDigest?: string;
  plan: ReleasePlan;
  state: ReleaseState;
  /** User entity ref of the creator. */
  createdBy: string;
  /** User entity refs of the authors of the release's commits. */
  commitAuthors: string[];
  /**
   * Commit authors (e-mails such as `carol@example.com`, SCM logins such as
   * `github:carol`) that no catalog user carried when the release was
   * created. They block approval by any user whose e-mail or login matches.
   */
  unresolvedCommitAuthors?: string[];
  createdAt: string;
  updatedAt: string;
}

/**
 * The pipeline stages a release moves through, in order.
 *
 * @public
 */
export const PIPELINE_STAGES = [
  'commit',
  'tests',
  'build',
  'staging',
  'production',
] as const;

/**
 * A pipeline stage.
 *
 * @public
 */
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/**
 * The ids of the default checklist items (stable API values).
 *
 * @public
 */
export const CHECKLIST_ITEM_IDS = [
  'tests-passing',
  'code-coverage',
  'security-scan',
  'secrets-not-exposed',
  'image-scanned',
  'db-migration-tested',
  'migration-rollback-plan',
  'config-rollout-plan',
  'deployment-plan-documented',
  'rollback-procedure-tested',
  'monitoring-alerts-configured',
  'team-communication-sent',
] as const;

/**
 * The id of a default checklist item.
 *
 * @public
 */
export type ChecklistItemId = (typeof CHECKLIST_ITEM_IDS)[number];

/**
 * Whether a checklist item is fed by evidence or attested by a person.
 *
 * @public
 */
export const CHECKLIST_ITEM_KINDS = ['automatic', 'manual'] as const;

/**
 * Whether a checklist item is fed by evidence or attested by a person.
 *
 * @public
 */
export type ChecklistItemKind = (typeof CHECKLIST_ITEM_KINDS)[number];

/**
 * The statuses of a checklist item.
 *
 * @public
 */
export const CHECKLIST_ITEM_STATUSES = [
  'pending',
  'passed',
  'failed',
  'waived',
  'expired',
] as const;

/**
 * The status of a checklist item.
 *
 * @public
 */
export type ChecklistItemStatus = (typeof CHECKLIST_ITEM_STATUSES)[number];

/**
 * What a checklist item's status rests on.
 *
 * @public
 */
export interface ChecklistEvidence {
  url?: string;
  value?: string;
  /** What an uploaded report said (`POST /releases/:id/reports`). */
  report?: EvidenceReport;
  /** Where the evidence came from, e.g. `github` or `user`. */
  source?: string;
  /** User entity ref (manual items) or provider id (automatic items). */
  recordedBy?: string;
  recordedAt?: string;
}

/**
 * Severities of findings, highest first.
 *
 * @public
 */
export const FINDING_SEVERITIES = [
  'critical',
  'high',
  'medium',
  'low',
  'none',
] as const;

/**
 * Severity of a finding of a scanner.
 *
 * @public
 */
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/**
 * One finding of a scanner kept as evidence.
 *
 * @public
 */
export interface ReportFinding {
  /** Rule or vulnerability id, e.g. `js/sql-injection` or `CVE-2024-1234`. */
  ruleId: string;
  severity: FindingSeverity;
  /** `file:line`, or `package@version` for an image scan. */
  location?: string;
  message: string;
}

/**
 * Test totals of one suite or of a whole JUnit report.
 *
 * @public
 */
export interface TestTotals {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/**
 * The summary of a report kept on the checklist item (docs/evidence.md).
 *
 * @public
 */
export type EvidenceReport =
  | {
      type: 'tests';
      format: string;
      totals: TestTotals;
      /** Totals per kind (unit, integration, e2e) configured in the mapping. */
      kinds?: Record<string, TestTotals>;
      /** Kinds the mapping requires that no report has delivered yet. */
      missingKinds?: string[];
      /** Names of the suites with failures or errors (at most 20). */
      failingSuites: Array<{ name: string; kind?: string } & TestTotals>;
    }
  | {
      type: 'coverage';
      format: string;
      linePct: number;
      branchPct?: number;
      threshold: number;
    }
  | {
      type: 'findings';
      format: string;
      tool: string;
      /** Findings counted by severity. */
      counts: Record<FindingSeverity, number>;
      /** Findings at or above this severity fail the item. */
      failAt: FindingSeverity;
      /** The most severe findings (at most 10). */
      top: ReportFinding[];
      /** Image digest the scan was for (image scans). */
      artifactDigest?: string;
    };

/**
 * One gate on a release.
 *
 * @public
 */
export interface ChecklistItem {
  id: string;
  title: string;
  stage: PipelineStage;
  kind: ChecklistItemKind;
  status: ChecklistItemStatus;
  evidence?: ChecklistEvidence;
  /** Role whose members may attest the item, e.g. `database-admin`. */
  requiredRole?: string;
  /** Written reason, present when the item was waived. */
  waiverReason?: string;
}

/**
 * The decisions an approver can take.
 *
 * @public
 */
export const APPROVAL_DECISIONS = ['approve', 'reject'] as const;

/**
 * The decision of an approver.
 *
 * @public
 */
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/**
 * A decision by a user on a release.
 *
 * @public
 */
export interface Approval {
  id: string;
  releaseId: string;
  decision: ApprovalDecision;
  /** User entity ref of the approver. */
  approver: string;
  comment?: string;
  decidedAt: string;
}

/**
 * The kinds of deployment.
 *
 * @public
 */
export const DEPLOYMENT_KINDS = ['deploy', 'rollback'] as const;

/**
 * The kind of a deployment.
 *
 * @public
 */
export type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

/**
 * The statuses of a deployment.
 *
 * @public
 */
export const DEPLOYMENT_STATUSES = [
  'queued',
  'in_progress',
  'succeeded',
  'failed',
  'cancelled',
] as const;

/**
 * The status of a deployment.
 *
 * @public
 */
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/**
 * A commit shipped by a deployment.
 *
 * @public
 */
export interface DeploymentCommit {
  sha: string;
  committedAt: string;
}

/**
 * One attempt to put a version of an entity into an environment.
 *
 * @public
 */
export interface Deployment {
  id: string;
  entityRef: string;
  environment: string;
  /** The system that ran it, e.g. `github`, `argocd`, `demo`. */
  source: string;
  /** Its id in the source; unique together with `source`. */
  externalId: string;
  version: string;
  commitSha?: string;
  /** Digest of the shipped artifact, e.g. `sha256:…`, when reported. */
  artifactDigest?: string;
  kind: DeploymentKind;
  status: DeploymentStatus;
  startedAt?: string;
  finishedAt?: string;
  initiator?: string;
  url?: string;
  /**
   * The release this deployment shipped: set when its entity, environment,
   * version (and commit and digest, when the release has them) match an
   * approved release (docs/gates.md).
   */
  releaseId?: string;
  /** Id of the deployment this one rolled back (kind `rollback` only). */
  rollbackOf?: string;
  commits: DeploymentCommit[];
  /**
   * The rollback request that started this deployment, when it was started
   * from Release Coordinator (kind `rollback` only): who asked and why.
   */
  rollbackRequest?: RollbackRequestSummary;
}

/**
 * Who started a rollback from Release Coordinator, and why; shown on the
 * rollback's row in the deployment history.
 *
 * @public
 */
export interface RollbackRequestSummary {
  /** Id of the {@link Rollback}. */
  id: string;
  reason: string;
  /** User entity ref, or {@link AUTOMATION_ACTOR} for automated rollbacks. */
  initiator: string;
  automated: boolean;
  /** The incident that triggered an automated rollback. */
  incidentId?: string;
}

/**
 * The actor recorded for automated rollbacks.
 *
 * @public
 */
export const AUTOMATION_ACTOR = 'release-coordinator:automation';

/**
 * The states of a rollback request.
 *
 * `pending`: accepted, the provider is being asked; `running`: the provider
 * started it and its deployment has not finished; `succeeded` / `failed`:
 * done (a provider refusal is `failed` with its error); `dry-run`: an
 * automated rollback in dry-run mode, which only notified.
 * `pending` and `running` are active: they hold the entity's and
 * environment's rollback lock.
 *
 * @public
 */
export const ROLLBACK_STATES = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'dry-run',
] as const;

/**
 * The state of a rollback request.
 *
 * @public
 */
export type RollbackState = (typeof ROLLBACK_STATES)[number];

/**
 * A request to put an earlier version of an entity back into an
 * environment, made by a user or by the automation, and its outcome.
 *
 * @public
 */
export interface Rollback {
  id: string;
  entityRef: string;
  environment: string;
  state: RollbackState;
  /** The deployment that ran when the rollback was requested. */
  fromDeploymentId?: string;
  fromVersion?: string;
  /** The earlier succeeded deployment whose version is put back. */
  targetDeploymentId: string;
  targetVersion: string;
  reason: string;
  /** User entity ref, or {@link AUTOMATION_ACTOR}. */
  initiator: string;
  automated: boolean;
  /** The incident that triggered an automated rollback. */
  incidentId?: string;
  /** Id of the provider that executes it (the source of the deployments). */
  provider: string;
  /** The deployment of kind `rollback` recorded once the provider started it. */
  deploymentId?: string;
  /** Link to the provider's run. */
  url?: string;
  /** The provider's error when it failed. */
  error?: string;
  /** Whether the user confirmed rolling back across database migrations. */
  confirmedMigrationRollback: boolean;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

/**
 * A deployment as pushed to `POST /events/deployments` or returned by a
 * deployment provider; upserted by (source, externalId).
 *
 * @public
 */
export interface DeploymentInput {
  entityRef: string;
  environment: string;
  source: string;
  externalId: string;
  version: string;
  commitSha?: string;
  /** Digest of the shipped artifact, e.g. `sha256:…`. */
  artifactDigest?: string;
  kind: DeploymentKind;
  status: DeploymentStatus;
  startedAt?: string;
  finishedAt?: string;
  initiator?: string;
  url?: string;
  /** `externalId` of the rolled-back deployment from the same `source`. */
  rollbackOf?: string;
  commits?: DeploymentCommit[];
}

/**
 * The severities of an incident.
 *
 * @public
 */
export const INCIDENT_SEVERITIES = ['critical', 'major', 'minor'] as const;

/**
 * The severity of an incident.
 *
 * @public
 */
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

/**
 * A production problem attributed to an entity.
 *
 * @public
 */
export interface Incident {
  id: string;
  entityRef: string;
  source: string;
  externalId: string;
  severity: IncidentSeverity;
  title: string;
  environment?: string;
  startedAt: string;
  resolvedAt?: string;
  url?: string;
}

/**
 * An incident as pushed to `POST /events/incidents` or returned by an
 * incident provider; upserted by (source, externalId).
 *
 * @public
 */
export interface IncidentInput {
  entityRef: string;
  source: string;
  externalId: string;
  severity: IncidentSeverity;
  title: string;
  environment?: string;
  startedAt: string;
  resolvedAt?: string;
  url?: string;
  /**
   * When the source observed what this report says (e.g. the time of the
   * PagerDuty event). Reports are then ordered by it: a report newer than
   * the stored one decides whether the incident is resolved (without
   * `resolvedAt` it reopens a resolved incident), an older one changes
   * nothing. Without it a resolved incident stays resolved.
   */
  reportedAt?: string;
}

/**
 * The cost of an entity for one UTC day from one source.
 *
 * @public
 */
export interface CostRecord {
  entityRef: string;
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
  source: string;
  amount: number;
  /** ISO 4217 code, e.g. `USD`. */
  currency: string;
}

/**
 * A cost record as pushed to `POST /events/costs` or returned by a cost
 * provider; upserted by (entityRef, date, source).
 *
 * @public
 */
export type CostRecordInput = CostRecord;

/**
 * A recorded state change, with who made it, when, and why.
 *
 * @public
 */
export interface AuditEvent {
  id: string;
  releaseId?: string;
  entityRef: string;
  /** User entity ref, service subject, or provider id. */
  actor: string;
  /** What happened, e.g. `release.created` or `checklist.waived`. */
  action: string;
  before?: JsonValue;
  after?: JsonValue;
  reason?: string;
  createdAt: string;
}

/**
 * A page of a list response.
 *
 * @public
 */
export interface ListResponse<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * Body of `GET /health`.
 *
 * @public
 */
export interface HealthResponse {
  /** `unavailable` (with 503 and Retry-After) while the database does not answer. */
  status: 'ok' | 'unavailable';
  message?: string;
}

/*
 * Response and request shapes of the HTTP API (docs/product.md §7) that are not domain
 * objects themselves. Shared by the backend router and the frontend client.
 */
import {
  Approval,
  ApprovalDecision,
  AuditEvent,
  ChecklistItem,
  ChecklistItemStatus,
  Deployment,
  DeploymentCommit,
  PipelineStage,
  Release,
  ReleasePlan,
  ReleaseState,
  Rollback,
} from './types';

/** Status of one pipeline stage on the Release readiness tab. */
export type StageStatus = 'pending' | 'passed' | 'failed';

/** One stage of the commit → tests → build → staging → production pipeline. */
export interface ReleaseStage {
  stage: PipelineStage;
  status: StageStatus;
  /** Ids of the checklist items that belong to this stage. */
  itemIds: string[];
}

/** A freeze window that currently blocks approval for an environment. */
export interface ActiveFreeze {
  name: string;
  start: string;
  end: string;
}

/** Who may decide on a release (docs/product.md §4.3), shown by the approvals panel. */
export interface ApproverInfo {
  /**
   * The environment's approver rules: `owner` (members of the entity's owner
   * group) or group entity refs.
   */
  rules: string[];
  /** Groups of the database-admin role, when one approval must come from it. */
  databaseAdminGroups: string[];
  /** Users who may not decide: the release's creator and its commit authors. */
  excluded: string[];
}

/** `GET /releases/:id`: a release with everything the readiness tab shows. */
export interface ReleaseDetails {
  release: Release;
  checklist: ChecklistItem[];
  approvals: Approval[];
  stages: ReleaseStage[];
  /** Approvals the environment requires (0 when none are needed). */
  approvalsRequired: number;
  /** Approvals still missing (0 when approved or none needed). */
  approvalsRemaining: number;
  /** Whether one approval must still come from the `database-admin` role. */
  databaseAdminApprovalMissing: boolean;
  /** Ids of applicable items that are neither passed nor waived. */
  openItemIds: string[];
  /** The freeze window in force for the release's environment, if any. */
  activeFreeze?: ActiveFreeze;
  /** Who may approve or reject (absent from backends before this field). */
  approvers?: ApproverInfo;
}

/** `POST /entities/:kind/:namespace/:name/releases` body. */
export interface CreateReleaseRequest {
  version: string;
  environment: string;
  commitSha?: string;
  artifactDigest?: string;
  plan: ReleasePlan;
  commitAuthors?: string[];
}

/** `PATCH /releases/:id` body. */
export interface UpdateReleaseRequest {
  commitSha?: string;
  artifactDigest?: string;
  plan?: ReleasePlan;
}

/** `PUT /releases/:id/checklist/:itemId` body. */
export interface ChecklistItemUpdateRequest {
  status: Extract<ChecklistItemStatus, 'passed' | 'failed' | 'waived'>;
  evidenceUrl?: string;
  comment?: string;
}

/** `POST /releases/:id/evidence` body. */
export interface EvidenceRequest {
  items: Array<{
    itemId: string;
    status: Extract<ChecklistItemStatus, 'passed' | 'failed'>;
    /** Text, or a number (coverage `79`), stored as its text. */
    value?: string | number;
    url?: string;
    source: string;
    /** The commit the evidence was produced for; must match the release's. */
    commitSha?: string;
    /** The artifact digest the evidence was produced for. */
    artifactDigest?: string;
  }>;
}

/** `POST /releases/:id/approvals` body. */
export interface ApprovalRequest {
  decision: ApprovalDecision;
  comment?: string;
  /** Emergency override of an active freeze (needs the override permission). */
  overrideFreeze?: { reason: string };
}

/** `GET /releases/:id/audit` response. */
export interface AuditTrailResponse {
  items: AuditEvent[];
}

/** Outcome of one item of a pushed batch (`POST /events/*`). */
export interface EventItemResult {
  /** Position of the item in the request (0 for a single object). */
  index: number;
  status: 'created' | 'updated' | 'unchanged' | 'rejected';
  /** The stored id (deployment or incident id) when accepted. */
  id?: string;
  /** Why the item was rejected: names the field or the unknown entity. */
  error?: { message: string; field?: string };
}

/** Response of `POST /events/deployments` and `POST /events/incidents`. */
export interface EventBatchResponse {
  items: EventItemResult[];
}

/** Sync state of one provider for one entity (Deployments tab footer). */
export interface ProviderSyncState {
  providerId: string;
  entityRef: string;
  lastSuccessAt?: string;
  lastErrorAt?: string;
  lastError?: string;
}

/** One environment of an entity: what runs there now (Deployments tab). */
export interface EnvironmentSummary {
  environment: string;
  /** The latest succeeded deployment (deploy or rollback): what runs now. */
  current?: Deployment;
  /** The latest deployment of any status. */
  latest?: Deployment;
}

/** `GET /entities/:kind/:namespace/:name/environments` response. */
export interface EnvironmentsResponse {
  items: EnvironmentSummary[];
  /** Sync state of every provider that serves this entity. */
  sync: ProviderSyncState[];
}

/**
 * `POST /entities/:kind/:namespace/:name/rollbacks` body; the request also
 * carries an `Idempotency-Key` header (required, 1-200 printable ASCII).
 */
export interface CreateRollbackRequest {
  environment: string;
  /**
   * An earlier succeeded deployment of the entity in the environment; when
   * absent the backend resolves the default target (docs/product.md §5).
   */
  targetDeploymentId?: string;
  /** Why; required, shown in the history and the audit trail. */
  reason: string;
  /**
   * Must be true when the rollback crosses a release with database
   * migrations; otherwise the request gets a 409 naming them.
   */
  confirmMigrationRollback?: boolean;
}

/** `POST .../rollbacks` (202) and `GET /rollbacks/:id` response. */
export interface RollbackResponse {
  rollback: Rollback;
}

/** A release between the target and the current version that migrated the database. */
export interface RollbackMigration {
  releaseId: string;
  version: string;
  /** The deployment that shipped it. */
  deploymentId: string;
  /** The release plan's notes, which describe the migration when given. */
  notes?: string;
}

/**
 * `GET /entities/:kind/:namespace/:name/rollbacks/plan?environment=&targetDeploymentId=`:
 * what a rollback of the environment would do, for the Rollback dialog.
 */
export interface RollbackPlan {
  environment: string;
  /** What runs now (latest succeeded deployment), if anything. */
  current?: Deployment;
  /** The requested target, or the default one; absent when there is none. */
  target?: Deployment;
  /** Why there is no default target, when `target` is absent. */
  noTargetReason?: string;
  /** Earlier succeeded deployments the user may pick instead, newest first (at most 20). */
  candidates: Deployment[];
  /** Commits shipped after the target up to the current deployment, newest first. */
  commitsUndone: DeploymentCommit[];
  /** Releases with database migrations that the rollback crosses. */
  migrations: RollbackMigration[];
  /** The provider that would execute it (source of the current deployment). */
  provider?: string;
  /** Whether that provider can execute rollbacks. */
  providerCanRollback: boolean;
  /** The rollback that holds the environment's lock now, if any. */
  active?: Rollback;
}

/**
 * Why a gate answered as it did (docs/gates.md): `approved`,
 * `no-approval-rule` (both allow), `no-release`, `commit-mismatch`,
 * `digest-mismatch`, `not-approved`, `rejected`, `closed`, `frozen`,
 * `item-expired`.
 *
 * @public
 */
export type GateReasonCode =
  | 'approved'
  | 'no-approval-rule'
  | 'no-release'
  | 'commit-mismatch'
  | 'digest-mismatch'
  | 'not-approved'
  | 'rejected'
  | 'closed'
  | 'frozen'
  | 'item-expired';

/**
 * One reason of a gate answer, in plain words: what is missing and who can act.
 *
 * @public
 */
export interface GateReason {
  code: GateReasonCode;
  message: string;
}

/**
 * `GET /entities/:kind/:namespace/:name/gate?environment=&version=[&commitSha=][&artifactDigest=]`:
 * whether a deploy of that version to that environment may start now.
 *
 * @public
 */
export interface GateResponse {
  allowed: boolean;
  /** The release the answer is about, when there is one. */
  release: { id: string; state: ReleaseState; version: string } | null;
  reasons: GateReason[];
}

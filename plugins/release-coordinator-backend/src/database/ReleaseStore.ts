import {
  Approval,
  ApprovalDecision,
  AuditEvent,
  ChecklistItem,
  JsonValue,
  Release,
  ReleasePlan,
  ReleaseState,
} from '@release-coordinator/backstage-plugin-common';

/**
 * What is needed to create a release; the store assigns id and timestamps.
 */
export interface NewRelease {
  entityRef: string;
  environment: string;
  version: string;
  commitSha?: string;
  artifactDigest?: string;
  plan: ReleasePlan;
  /** Defaults to `draft`. */
  state?: ReleaseState;
  createdBy: string;
  commitAuthors?: string[];
  /** Commit author e-mails and `scm:login`s no catalog user carries. */
  unresolvedCommitAuthors?: string[];
  /** The checklist, stored in the same transaction as the release. */
  checklist?: ChecklistItem[];
  /** An audit event of the creation, stored in the same transaction. */
  audit?: Omit<NewAuditEvent, 'releaseId' | 'entityRef'>;
}

/**
 * Filter of {@link ReleaseStore.listReleases}.
 */
export interface ListReleasesOptions {
  entityRef: string;
  environment?: string;
  /** Maximum number of releases to return. */
  limit?: number;
}

/**
 * An audit event to record; the store assigns id and time.
 */
export interface NewAuditEvent {
  releaseId?: string;
  entityRef: string;
  actor: string;
  action: string;
  before?: JsonValue;
  after?: JsonValue;
  reason?: string;
}

/**
 * An approval or rejection to record; the store assigns id and time.
 */
export interface NewApproval {
  approver: string;
  decision: ApprovalDecision;
  comment?: string;
  /** Whether the approver held the `database-admin` role when deciding. */
  databaseAdmin: boolean;
}

/** A stored approval with the role the approver held when deciding. */
export interface StoredApproval extends Approval {
  databaseAdmin: boolean;
}

/** Changes of {@link ReleaseTransaction.updateRelease}. */
export interface ReleaseChanges {
  commitSha?: string;
  artifactDigest?: string;
  plan?: ReleasePlan;
}

/**
 * Work on one release inside a database transaction that holds a lock on the
 * release row, so concurrent changes to the same release are serialized.
 */
export interface ReleaseTransaction {
  /** The release as read under the lock. */
  readonly release: Release;
  /** The stored checklist in display order (statuses as stored). */
  listChecklistItems(): Promise<ChecklistItem[]>;
  /** Replaces the whole checklist. */
  replaceChecklist(items: ChecklistItem[]): Promise<void>;
  /** Writes one item's status, evidence and waiver reason. */
  updateChecklistItem(item: ChecklistItem): Promise<void>;
  /** Changes commit, digest or plan; returns the release as stored. */
  updateRelease(changes: ReleaseChanges): Promise<Release>;
  /**
   * Moves the release to `to` only if its state is one of `from`
   * (`update ... where state in (...)`); true if this call moved it.
   */
  transitionState(from: ReleaseState[], to: ReleaseState): Promise<boolean>;
  /** The release's approvals, oldest first. */
  listApprovals(): Promise<StoredApproval[]>;
  /**
   * Records a decision. A second decision by the same person fails with a
   * ConflictError (unique constraint).
   */
  insertApproval(approval: NewApproval): Promise<StoredApproval>;
  /** Deletes every approval of the release and returns what was deleted. */
  deleteApprovals(): Promise<StoredApproval[]>;
  /** Records an emergency approval during a freeze window. */
  insertFreezeOverride(override: {
    actor: string;
    reason: string;
    windowName: string;
  }): Promise<void>;
  /** Appends an event to the release's audit trail. */
  appendAuditEvent(
    event: Omit<NewAuditEvent, 'releaseId' | 'entityRef'>,
  ): Promise<AuditEvent>;
}

/**
 * Persistence of releases and their audit trail.
 */
export interface ReleaseStore {
  /** Stores a new release and returns it as stored. */
  createRelease(release: NewRelease): Promise<Release>;
  /** The release with this id, or undefined. */
  getRelease(id: string): Promise<Release | undefined>;
  /** Releases of an entity, newest first. */
  listReleases(options: ListReleasesOptions): Promise<Release[]>;
  /** Appends an event to the audit trail and returns it as stored. */
  appendAuditEvent(event: NewAuditEvent): Promise<AuditEvent>;
  /** The audit trail of a release, oldest first. */
  listAuditEvents(releaseId: string): Promise<AuditEvent[]>;
  /** The checklist of a release in display order (statuses as stored). */
  listChecklistItems(releaseId: string): Promise<ChecklistItem[]>;
  /** The approvals of a release, oldest first. */
  listApprovals(releaseId: string): Promise<StoredApproval[]>;
  /** Names of the freeze windows an override was recorded for on a release. */
  listFreezeOverrides(releaseId: string): Promise<string[]>;
  /**
   * Runs `work` in a transaction holding a lock on the release row; throws
   * NotFoundError when there is no such release. Everything `work` writes
   * commits or rolls back together.
   */
  inReleaseTransaction<T>(
    releaseId: string,
    work: (tx: ReleaseTransaction) => Promise<T>,
  ): Promise<T>;
}

import {
  Deployment,
  DeploymentCommit,
  DeploymentInput,
  DeploymentStatus,
  EnvironmentSummary,
  Incident,
  IncidentInput,
  ListResponse,
  ProviderSyncState,
} from '@release-coordinator/backstage-plugin-common';
import type { ReleaseTransition } from '../releases/releaseLifecycle';

/**
 * A validated deployment report, ready to upsert: the entity ref is in its
 * stored (lower-case) form and timestamps are ISO-8601 UTC strings.
 */
export interface DeploymentUpsert
  extends Omit<DeploymentInput, 'rollbackOf' | 'commits'> {
  /** `externalId` of the rolled-back deployment in the same `source`. */
  rollbackOfExternalId?: string;
  commits: DeploymentCommit[];
}

/** A validated incident report, ready to upsert (same fields as pushed). */
export type IncidentUpsert = IncidentInput;

/** What an upsert did to one item, in the order of the input. */
export interface UpsertOutcome {
  id: string;
  status: 'created' | 'updated' | 'unchanged';
  /**
   * Releases this deployment moved (docs/gates.md), stored in the same
   * transaction; only on the last item of a deployment that moved any.
   */
  releaseTransitions?: ReleaseTransition[];
}

/** Filter and page of {@link DeploymentStore.listDeployments}. */
export interface ListDeploymentsOptions {
  entityRef: string;
  environment?: string;
  status?: DeploymentStatus;
  /** Only the deployments linked to this release. */
  releaseId?: string;
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** Filter and page of {@link DeploymentStore.listIncidents}. */
export interface ListIncidentsOptions {
  entityRef: string;
  environment?: string;
  /** Only incidents that started at or after this ISO-8601 time. */
  since?: string;
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** Identity of one provider's sync state for one entity. */
export interface SyncStateKey {
  providerId: string;
  entityRef: string;
}

/** A deployment as found by (source, externalId). */
export interface DeploymentReference {
  id: string;
  entityRef: string;
  environment: string;
  externalId: string;
}

/** An incident as found by (source, externalId). */
export interface IncidentReference {
  id: string;
  entityRef: string;
  externalId: string;
}

/**
 * Persistence of deployments, incidents and provider sync state.
 */
export interface DeploymentStore {
  /**
   * Upserts deployments by (source, externalId) in one transaction. Status
   * only moves forward (queued → in_progress → succeeded | failed |
   * cancelled); between two terminal statuses the report with the later
   * finishedAt wins. Optional fields a report leaves out keep their stored
   * value; `rollbackOf` is set once and never changed.
   */
  upsertDeployments(items: DeploymentUpsert[]): Promise<UpsertOutcome[]>;
  /**
   * Upserts incidents by (source, externalId) in one transaction. A report
   * newer by `reportedAt` decides whether the incident is resolved (and so
   * can reopen it), an older one changes nothing; without `reportedAt` a
   * resolved incident stays resolved (see `incidentMerge`).
   */
  upsertIncidents(items: IncidentUpsert[]): Promise<UpsertOutcome[]>;
  /** Stored deployments of one source with these external ids. */
  findDeployments(
    source: string,
    externalIds: string[],
  ): Promise<DeploymentReference[]>;
  /** Stored incidents of one source with these external ids. */
  findIncidents(
    source: string,
    externalIds: string[],
  ): Promise<IncidentReference[]>;
  /** Deployments of an entity, newest first, one page at a time. */
  listDeployments(
    options: ListDeploymentsOptions,
  ): Promise<ListResponse<Deployment>>;
  /** Incidents of an entity, newest first by startedAt, one page at a time. */
  listIncidents(options: ListIncidentsOptions): Promise<ListResponse<Incident>>;
  /** What runs now, and the latest attempt, in each environment of an entity. */
  getEnvironmentSummaries(entityRef: string): Promise<EnvironmentSummary[]>;
  /** Sync state of every provider that has synced this entity. */
  getSyncStates(entityRef: string): Promise<ProviderSyncState[]>;
  /** The cursor stored by the provider's last successful pull, if any. */
  getCursor(providerId: string, entityRef: string): Promise<string | undefined>;
  /** Stores a provider's cursor without touching its success/error times. */
  setCursor(
    providerId: string,
    entityRef: string,
    cursor: string,
  ): Promise<void>;
  /** Records a successful pull, and its new cursor when given. */
  recordSyncSuccess(options: SyncStateKey & { cursor?: string }): Promise<void>;
  /** Records a failed pull; the cursor is kept. */
  recordSyncError(options: SyncStateKey & { error: string }): Promise<void>;
}

import {
  Deployment,
  ListResponse,
  Rollback,
} from '@release-coordinator/backstage-plugin-common';
import { DeploymentUpsert } from '../deployments/DeploymentStore';

/** A rollback to store; the store assigns id and timestamps. */
export interface NewRollback {
  entityRef: string;
  environment: string;
  /**
   * `pending` takes the entity's and environment's lock (and fails to insert
   * while another rollback holds it); `failed` and `dry-run` are recorded
   * without it.
   */
  state: 'pending' | 'failed' | 'dry-run';
  fromDeploymentId?: string;
  fromVersion?: string;
  targetDeploymentId: string;
  targetVersion: string;
  reason: string;
  initiator: string;
  automated: boolean;
  incidentId?: string;
  provider: string;
  error?: string;
  confirmedMigrationRollback: boolean;
  idempotencyKey: string;
  /** Hash of the request, to tell a retry from a reused key. */
  requestFingerprint: string;
  /** The deployment an automated rollback was started for (unique). */
  automatedForDeploymentId?: string;
}

/** A stored rollback with what the store keeps besides the wire fields. */
export interface StoredRollback extends Rollback {
  idempotencyKey: string;
  requestFingerprint: string;
}

/** Filter and page of {@link RollbackStore.listRollbacks}. */
export interface ListRollbacksOptions {
  entityRef: string;
  environment?: string;
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * The answer the request that created a rollback got (see the migration
 * 20261208300000_rollbacks_answer.js): the rollback it answered with (202),
 * or the error (409, 502); neither means "the rollback as stored".
 */
export interface RollbackAnswer {
  rollback?: Rollback;
  error?: { name: string; message: string };
}

/**
 * Why a pending rollback was not inserted although no unique constraint
 * refused it: its plan is stale, the environment no longer runs the
 * deployment it would roll back.
 */
export interface StalePlan {
  /** The deployment that is current now, if any succeeded. */
  current?: { id: string; version: string };
}

/** A critical incident, as target resolution needs it. */
export interface CriticalIncident {
  id: string;
  startedAt: string;
}

/**
 * Persistence of rollback requests. The constraints that make rollbacks safe
 * under concurrency live in the database (see the migration): inserts that
 * collide with them report `inserted: false` and the caller re-reads to see
 * which one it was.
 */
export interface RollbackStore {
  /**
   * The pending, running or succeeded rollback that moved (or is moving)
   * the environment away from the deployment, if any.
   */
  findMovedFrom(deploymentId: string): Promise<StoredRollback | undefined>;

  /**
   * Inserts a rollback unless it collides with a unique constraint (same
   * idempotency key, the environment's lock, an automated rollback of the
   * same deployment, or an effective rollback — pending, running or
   * succeeded — away from the same deployment); then nothing is written.
   * A `pending` rollback is also only inserted while its `fromDeploymentId`
   * is still the current deployment of the entity and environment, checked
   * under a lock in the same transaction; otherwise `stale` says what runs.
   */
  insertRollback(
    rollback: NewRollback,
  ): Promise<
    | { inserted: true; rollback: StoredRollback }
    | { inserted: false; stale?: StalePlan }
  >;
  /** Records the answer of the request that created the rollback. */
  recordAnswer(rollbackId: string, answer: RollbackAnswer): Promise<void>;
  /**
   * The recorded answer of the request that created the rollback; undefined
   * while that request is still running (or when it never answered).
   */
  getAnswer(rollbackId: string): Promise<RollbackAnswer | undefined>;
  getRollback(id: string): Promise<StoredRollback | undefined>;
  findByIdempotencyKey(
    entityRef: string,
    idempotencyKey: string,
  ): Promise<StoredRollback | undefined>;
  findAutomatedFor(deploymentId: string): Promise<StoredRollback | undefined>;
  /** The pending or running rollback of the entity and environment, if any. */
  findActive(
    entityRef: string,
    environment: string,
  ): Promise<StoredRollback | undefined>;
  /**
   * Marks the active rollback of the entity and environment failed with
   * `error`, releasing the lock, if it was created before `createdBefore`.
   */
  expireStale(options: {
    entityRef: string;
    environment: string;
    createdBefore: Date;
    error: string;
  }): Promise<StoredRollback | undefined>;
  /** Rollbacks of an entity, newest first, one page at a time. */
  listRollbacks(options: ListRollbacksOptions): Promise<ListResponse<Rollback>>;
  /**
   * In one transaction: upserts the deployment the provider started and
   * moves the pending rollback to the state of that deployment as stored
   * (running, or succeeded/failed when it already finished, releasing the
   * lock), with its deployment id and url.
   */
  recordExecution(
    rollbackId: string,
    deployment: DeploymentUpsert,
  ): Promise<StoredRollback>;
  /** Marks an active rollback failed and releases its lock. */
  markFailed(rollbackId: string, error: string): Promise<StoredRollback>;
  /**
   * Moves active rollbacks whose deployment (one of `deploymentIds`) has
   * finished to succeeded or failed, releasing their locks; returns those
   * this call moved.
   */
  settleFromDeployments(deploymentIds: string[]): Promise<StoredRollback[]>;
  /**
   * Succeeded deployments (any kind) of the entity in the environment,
   * latest finished first, at most `limit`.
   */
  listSucceededDeployments(options: {
    entityRef: string;
    environment: string;
    limit: number;
  }): Promise<Deployment[]>;
  getDeployment(id: string): Promise<Deployment | undefined>;
  /**
   * Critical incidents of the entity in the environment (no environment
   * counts as production) that started at or after `since`.
   */
  listCriticalIncidents(options: {
    entityRef: string;
    environment: string;
    since?: string;
  }): Promise<CriticalIncident[]>;
}

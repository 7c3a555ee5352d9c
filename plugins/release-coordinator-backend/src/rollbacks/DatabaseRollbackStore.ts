import { DatabaseService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  Deployment,
  DeploymentStatus,
  ListResponse,
  Rollback,
  RollbackState,
} from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { isPostgres } from '../database/client';
import { getMigratedClient } from '../database/migrateDatabase';
import { fromDbTimestamp, toDbTimestamp } from '../database/timestamps';
import { decodeCursor, encodeCursor, olderThan } from '../deployments/cursor';
import {
  upsertDeploymentsInTransaction,
  withDeploymentDetails,
} from '../deployments/DatabaseDeploymentStore';
import { DeploymentUpsert } from '../deployments/DeploymentStore';
import { DbTimestamp, DeploymentRow } from '../deployments/rows';
import {
  CriticalIncident,
  ListRollbacksOptions,
  NewRollback,
  RollbackAnswer,
  RollbackStore,
  StalePlan,
  StoredRollback,
} from './RollbackStore';

type RollbackRow = {
  id: string;
  entity_ref: string;
  environment: string;
  state: string;
  from_deployment_id: string | null;
  from_version: string | null;
  target_deployment_id: string;
  target_version: string;
  reason: string;
  initiator: string;
  automated: boolean | number;
  incident_id: string | null;
  provider: string;
  deployment_id: string | null;
  url: string | null;
  error: string | null;
  confirmed_migration_rollback: boolean | number;
  idempotency_key: string;
  request_fingerprint: string;
  active_lock: string | null;
  moved_from_deployment_id: string | null;
  automated_for_deployment_id: string | null;
  /** JSON {@link RollbackAnswer}; NULL while the creating request runs. */
  answer: string | null;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
  finished_at: DbTimestamp | null;
};

const ACTIVE_STATES: RollbackState[] = ['pending', 'running'];

/** The lock value of an entity and environment (unique while active). */
export function activeLockOf(entityRef: string, environment: string): string {
  return `${entityRef}|${environment}`;
}

/** The rollback state that follows from its deployment's status. */
export function rollbackStateOf(status: DeploymentStatus): RollbackState {
  switch (status) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
    case 'cancelled':
      return 'failed';
    default:
      return 'running';
  }
}

function toRollback(row: RollbackRow): StoredRollback {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    environment: row.environment,
    state: row.state as RollbackState,
    ...(row.from_deployment_id !== null && {
      fromDeploymentId: row.from_deployment_id,
    }),
    ...(row.from_version !== null && { fromVersion: row.from_version }),
    targetDeploymentId: row.target_deployment_id,
    targetVersion: row.target_version,
    reason: row.reason,
    initiator: row.initiator,
    automated: Boolean(row.automated),
    ...(row.incident_id !== null && { incidentId: row.incident_id }),
    provider: row.provider,
    ...(row.deployment_id !== null && { deploymentId: row.deployment_id }),
    ...(row.url !== null && { url: row.url }),
    ...(row.error !== null && { error: row.error }),
    confirmedMigrationRollback: Boolean(row.confirmed_migration_rollback),
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
    ...(row.finished_at !== null && {
      finishedAt: fromDbTimestamp(row.finished_at),
    }),
    idempotencyKey: row.idempotency_key,
    requestFingerprint: row.request_fingerprint,
  };
}

/** Strips what the store keeps besides the wire fields. */
export function toWireRollback(rollback: StoredRollback): Rollback {
  const {
    idempotencyKey: _key,
    requestFingerprint: _fingerprint,
    ...wire
  } = rollback;
  return wire;
}

/**
 * Knex implementation of {@link RollbackStore}, on SQLite and PostgreSQL.
 */
export class DatabaseRollbackStore implements RollbackStore {
  /** Creates the store, running the plugin's migrations unless skipped. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    /** Source of the current time; tests pass a fixed clock. */
    now?: () => Date;
  }): Promise<DatabaseRollbackStore> {
    const client = await getMigratedClient(options);
    return new DatabaseRollbackStore(client, options.now ?? (() => new Date()));
  }

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {}

  async insertRollback(
    rollback: NewRollback,
  ): Promise<
    | { inserted: true; rollback: StoredRollback }
    | { inserted: false; stale?: StalePlan }
  > {
    const timestamp = toDbTimestamp(this.now());
    const terminal = rollback.state !== 'pending';
    const row: RollbackRow = {
      id: randomUUID(),
      entity_ref: rollback.entityRef,
      environment: rollback.environment,
      state: rollback.state,
      from_deployment_id: rollback.fromDeploymentId ?? null,
      from_version: rollback.fromVersion ?? null,
      target_deployment_id: rollback.targetDeploymentId,
      target_version: rollback.targetVersion,
      reason: rollback.reason,
      initiator: rollback.initiator,
      automated: rollback.automated,
      incident_id: rollback.incidentId ?? null,
      provider: rollback.provider,
      deployment_id: null,
      url: null,
      error: rollback.error ?? null,
      confirmed_migration_rollback: rollback.confirmedMigrationRollback,
      idempotency_key: rollback.idempotencyKey,
      request_fingerprint: rollback.requestFingerprint,
      active_lock: terminal
        ? null
        : activeLockOf(rollback.entityRef, rollback.environment),
      // One effective rollback per deployment (unique): see the migration
      // 20261207020000_rollbacks_moved_from.js.
      moved_from_deployment_id: terminal
        ? null
        : rollback.fromDeploymentId ?? null,
      automated_for_deployment_id: rollback.automatedForDeploymentId ?? null,
      // Recorded in its final state, the row is its own answer.
      answer: terminal ? '{}' : null,
      created_at: timestamp,
      updated_at: timestamp,
      finished_at: terminal ? timestamp : null,
    };
    // ON CONFLICT DO NOTHING without a target covers every unique
    // constraint on both databases; the caller re-reads to learn which.
    const insert = (db: Knex): Promise<Array<{ id: string }>> =>
      db('rollbacks').insert(row).onConflict().ignore().returning('id');
    const from = rollback.fromDeploymentId;
    if (terminal || from === undefined) {
      const written = await insert(this.db);
      return written.length === 0
        ? { inserted: false }
        : { inserted: true, rollback: await this.mustGet(row.id) };
    }
    // A rollback executes only from the deployment that is current when it
    // is inserted (docs/product.md §5, never two rollbacks of one
    // deployment): a plan resolved before another rollback (or a deploy)
    // moved the environment is refused here, in the inserting transaction.
    const outcome = await this.db.transaction(async tx => {
      await this.lockDeployment(tx, from);
      // Read after the lock, in a statement of its own, so that on
      // PostgreSQL it sees what the previous lock holder committed.
      const current = await tx<DeploymentRow>('deployments')
        .select('id', 'version')
        .where({
          entity_ref: rollback.entityRef,
          environment: rollback.environment,
          status: 'succeeded',
        })
        .orderByRaw('COALESCE(finished_at, sort_at) DESC, id DESC')
        .first();
      if (current?.id !== from) {
        const stale: StalePlan = current
          ? { current: { id: current.id, version: current.version } }
          : {};
        return { stale };
      }
      return { written: await insert(tx) };
    });
    if (outcome.stale) {
      return { inserted: false, stale: outcome.stale };
    }
    if (outcome.written.length === 0) {
      return { inserted: false };
    }
    return { inserted: true, rollback: await this.mustGet(row.id) };
  }

  async recordAnswer(rollbackId: string, answer: RollbackAnswer): Promise<void> {
    // The first answer stays: a retry never rewrites what was answered.
    await this.db('rollbacks')
      .where({ id: rollbackId })
      .whereNull('answer')
      .update({ answer: JSON.stringify(answer) });
  }

  async getAnswer(rollbackId: string): Promise<RollbackAnswer | undefined> {
    const row: Pick<RollbackRow, 'answer'> | undefined = await this.db(
      'rollbacks',
    )
      .select('answer')
      .where({ id: rollbackId })
      .first();
    return row?.answer ? (JSON.parse(row.answer) as RollbackAnswer) : undefined;
  }

  /**
   * Locks a deployment row until the transaction ends; call it first in
   * the transaction. Starting a rollback from a deployment and recording
   * the run that moves the environment away from it both take it. On
   * PostgreSQL SELECT … FOR UPDATE; SQLite serialises writers, and a no-op
   * write takes its write lock up front (a transaction that read first
   * could not upgrade while another connection writes: SQLITE_BUSY).
   */
  private async lockDeployment(tx: Knex.Transaction, id: string) {
    if (isPostgres(this.db)) {
      await tx('deployments').select('id').where({ id }).forUpdate();
    } else {
      // SET a column to itself (not the key: no foreign-key checks).
      await tx('deployments')
        .where({ id })
        .update({ entity_ref: tx.ref('entity_ref') });
    }
  }

  async getRollback(id: string): Promise<StoredRollback | undefined> {
    const row = await this.db<RollbackRow>('rollbacks').where({ id }).first();
    return row && toRollback(row);
  }

  async findByIdempotencyKey(
    entityRef: string,
    idempotencyKey: string,
  ): Promise<StoredRollback | undefined> {
    const row = await this.db<RollbackRow>('rollbacks')
      .where({ entity_ref: entityRef, idempotency_key: idempotencyKey })
      .first();
    return row && toRollback(row);
  }

  async findAutomatedFor(
    deploymentId: string,
  ): Promise<StoredRollback | undefined> {
    const row = await this.db<RollbackRow>('rollbacks')
      .where({ automated_for_deployment_id: deploymentId })
      .first();
    return row && toRollback(row);
  }

  async findMovedFrom(
    deploymentId: string,
  ): Promise<StoredRollback | undefined> {
    const row = await this.db<RollbackRow>('rollbacks')
      .where({ moved_from_deployment_id: deploymentId })
      .first();
    return row && toRollback(row);
  }

  async findActive(
    entityRef: string,
    environment: string,
  ): Promise<StoredRollback | undefined> {
    const row = await this.db<RollbackRow>('rollbacks')
      .where({ active_lock: activeLockOf(entityRef, environment) })
      .first();
    return row && toRollback(row);
  }

  async expireStale(options: {
    entityRef: string;
    environment: string;
    createdBefore: Date;
    error: string;
  }): Promise<StoredRollback | undefined> {
    const timestamp = toDbTimestamp(this.now());
    const expired: Array<{ id: string }> = await this.db('rollbacks')
      .where({
        active_lock: activeLockOf(options.entityRef, options.environment),
      })
      .andWhere('created_at', '<', toDbTimestamp(options.createdBefore))
      .update({
        state: 'failed',
        error: options.error,
        active_lock: null,
        moved_from_deployment_id: null,
        finished_at: timestamp,
        updated_at: timestamp,
      })
      .returning('id');
    return expired.length > 0 ? this.mustGet(expired[0].id) : undefined;
  }

  async listRollbacks(
    options: ListRollbacksOptions,
  ): Promise<ListResponse<Rollback>> {
    const query = this.db<RollbackRow>('rollbacks').where({
      entity_ref: options.entityRef,
    });
    if (options.environment !== undefined) {
      query.andWhere({ environment: options.environment });
    }
    if (options.cursor !== undefined) {
      query.andWhere(olderThan('created_at', decodeCursor(options.cursor)));
    }
    const rows = await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit + 1);
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(row => toWireRollback(toRollback(row))),
      ...(rows.length > options.limit &&
        last && {
          nextCursor: encodeCursor({
            at: fromDbTimestamp(last.created_at),
            id: last.id,
          }),
        }),
    };
  }

  async recordExecution(
    rollbackId: string,
    deployment: DeploymentUpsert,
  ): Promise<StoredRollback> {
    const timestamp = toDbTimestamp(this.now());
    const from: Pick<RollbackRow, 'from_deployment_id'> | undefined =
      await this.db('rollbacks')
        .select('from_deployment_id')
        .where({ id: rollbackId })
        .first();
    await this.db.transaction(async tx => {
      // The start of another rollback from the same deployment waits for
      // this transaction, then sees the deployment recorded here.
      if (from?.from_deployment_id) {
        await this.lockDeployment(tx, from.from_deployment_id);
      }
      const [outcome] = await upsertDeploymentsInTransaction(
        tx,
        [deployment],
        timestamp,
      );
      // The stored status decides: a webhook may have reported the run
      // before this transaction.
      const stored = await tx<DeploymentRow>('deployments')
        .select('status', 'url')
        .where({ id: outcome.id })
        .first();
      const state = rollbackStateOf(
        (stored?.status ?? deployment.status) as DeploymentStatus,
      );
      const finished = !ACTIVE_STATES.includes(state);
      const url = stored?.url ?? deployment.url ?? null;
      const moved = await tx('rollbacks')
        .where({ id: rollbackId })
        .whereIn('state', ACTIVE_STATES)
        .update({
          state,
          deployment_id: outcome.id,
          url,
          updated_at: timestamp,
          ...(finished && { active_lock: null, finished_at: timestamp }),
          ...(finished &&
            state !== 'succeeded' && { moved_from_deployment_id: null }),
        });
      if (moved === 0) {
        // Timed out meanwhile: keep its state, but link what ran.
        await tx('rollbacks')
          .where({ id: rollbackId })
          .update({ deployment_id: outcome.id, url, updated_at: timestamp });
      }
    });
    return this.mustGet(rollbackId);
  }

  async markFailed(rollbackId: string, error: string): Promise<StoredRollback> {
    const timestamp = toDbTimestamp(this.now());
    await this.db('rollbacks')
      .where({ id: rollbackId })
      .whereIn('state', ACTIVE_STATES)
      .update({
        state: 'failed',
        error,
        active_lock: null,
        moved_from_deployment_id: null,
        finished_at: timestamp,
        updated_at: timestamp,
      });
    return this.mustGet(rollbackId);
  }

  async settleFromDeployments(
    deploymentIds: string[],
  ): Promise<StoredRollback[]> {
    if (deploymentIds.length === 0) {
      return [];
    }
    const candidates: Array<{ id: string; status: DeploymentStatus }> =
      await this.db('rollbacks')
        .join('deployments', 'deployments.id', 'rollbacks.deployment_id')
        .select('rollbacks.id as id', 'deployments.status as status')
        .whereIn('rollbacks.deployment_id', [...new Set(deploymentIds)])
        .whereIn('rollbacks.state', ACTIVE_STATES)
        .whereIn('deployments.status', ['succeeded', 'failed', 'cancelled']);
    const settled: StoredRollback[] = [];
    for (const candidate of candidates) {
      const state = rollbackStateOf(candidate.status);
      const timestamp = toDbTimestamp(this.now());
      // Conditional on the state, so that only one caller moves it.
      const moved = await this.db('rollbacks')
        .where({ id: candidate.id })
        .whereIn('state', ACTIVE_STATES)
        .update({
          state,
          ...(state === 'failed' && {
            error: `The rollback deployment ended ${candidate.status}`,
            moved_from_deployment_id: null,
          }),
          active_lock: null,
          finished_at: timestamp,
          updated_at: timestamp,
        });
      if (moved > 0) {
        settled.push(await this.mustGet(candidate.id));
      }
    }
    return settled;
  }

  async listSucceededDeployments(options: {
    entityRef: string;
    environment: string;
    limit: number;
  }): Promise<Deployment[]> {
    // Latest finished first; one without a finishedAt sorts by its start.
    const rows = await this.db<DeploymentRow>('deployments')
      .where({
        entity_ref: options.entityRef,
        environment: options.environment,
        status: 'succeeded',
      })
      .orderByRaw('COALESCE(finished_at, sort_at) DESC, id DESC')
      .limit(options.limit);
    return withDeploymentDetails(this.db, rows);
  }

  async getDeployment(id: string): Promise<Deployment | undefined> {
    const row = await this.db<DeploymentRow>('deployments')
      .where({ id })
      .first();
    if (!row) {
      return undefined;
    }
    const [deployment] = await withDeploymentDetails(this.db, [row]);
    return deployment;
  }

  async listCriticalIncidents(options: {
    entityRef: string;
    environment: string;
    since?: string;
  }): Promise<CriticalIncident[]> {
    const query = this.db('incidents')
      .select('id', 'started_at')
      .where({ entity_ref: options.entityRef, severity: 'critical' })
      .andWhere(builder => {
        builder.where({ environment: options.environment });
        // METRICS.md: an incident with no environment counts as production.
        if (options.environment === 'production') {
          builder.orWhereNull('environment');
        }
      });
    if (options.since !== undefined) {
      query.andWhere('started_at', '>=', options.since);
    }
    const rows: Array<{ id: string; started_at: DbTimestamp }> = await query;
    return rows.map(row => ({
      id: row.id,
      startedAt: fromDbTimestamp(row.started_at),
    }));
  }

  private async mustGet(id: string): Promise<StoredRollback> {
    const rollback = await this.getRollback(id);
    if (!rollback) {
      throw new NotFoundError(`No rollback ${id}`);
    }
    return rollback;
  }
}

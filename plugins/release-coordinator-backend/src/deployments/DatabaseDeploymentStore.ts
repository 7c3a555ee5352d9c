import { DatabaseService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  Deployment,
  EnvironmentSummary,
  Incident,
  ListResponse,
  ProviderSyncState,
  RollbackRequestSummary,
} from '@release-coordinator/backstage-plugin-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { getMigratedClient } from '../database/migrateDatabase';
import { fromDbTimestamp, toDbTimestamp } from '../database/timestamps';
import { decodeCursor, encodeCursor, olderThan } from './cursor';
import {
  DeploymentReference,
  IncidentReference,
  DeploymentStore,
  DeploymentUpsert,
  IncidentUpsert,
  ListDeploymentsOptions,
  ListIncidentsOptions,
  SyncStateKey,
  UpsertOutcome,
} from './DeploymentStore';
import {
  deploymentColumnTypes,
  DeploymentArtifactRow,
  deploymentCommitColumnTypes,
  DeploymentCommitRow,
  DeploymentRow,
  DeploymentWriteRow,
  groupCommits,
  incidentColumnTypes,
  IncidentRow,
  toDeployment,
  toIncident,
} from './rows';
import { insertUnnest, isPostgres, UNNEST_CHUNK_SIZE } from './postgresBatch';
import { SyncStateTable } from './SyncStateTable';
import { deploymentMerge, incidentMerge } from './upsertRules';
import {
  chunks,
  upsertByExternalId,
  UpsertOutcomes,
} from './upsertByExternalId';
import { followReleasesInTransaction } from '../releases/releaseLifecycle';

/**
 * `deployments.commit_times` of a report's commits: their committedAt as
 * epoch milliseconds joined by commas, one per sha (the last report of a
 * sha, as the commit rows of a new deployment are); null without commits.
 */
function commitTimesOf(commits: DeploymentUpsert['commits']): string | null {
  const bySha = new Map<string, number>();
  for (const commit of commits) {
    bySha.set(commit.sha, Date.parse(commit.committedAt));
  }
  return bySha.size === 0 ? null : [...bySha.values()].join(',');
}

/**
 * Recomputes `deployments.commit_times` of the given deployments from their
 * `deployment_commits` rows (the format of the migration that introduced the
 * column, 20261126150000_metrics_performance.js).
 */
async function refreshCommitTimes(
  tx: Knex.Transaction,
  ids: string[],
): Promise<void> {
  const postgres = isPostgres(tx);
  for (const chunk of chunks(
    [...ids].sort(),
    postgres ? UNNEST_CHUNK_SIZE : undefined,
  )) {
    if (postgres) {
      await tx.raw(
        `UPDATE deployments SET commit_times = c.times
         FROM (
           SELECT deployment_id,
             string_agg(((extract(epoch FROM committed_at) * 1000)::bigint)::text, ',') AS times
           FROM deployment_commits WHERE deployment_id = ANY(?)
           GROUP BY deployment_id
         ) c
         WHERE deployments.id = c.deployment_id`,
        [chunk],
      );
    } else {
      const placeholders = chunk.map(() => '?').join(', ');
      await tx.raw(
        `UPDATE deployments SET commit_times = (
           SELECT group_concat(
             CAST(round((julianday(c.committed_at) - 2440587.5) * 86400000) AS INTEGER), ',')
           FROM deployment_commits c WHERE c.deployment_id = deployments.id
         )
         WHERE id IN (${placeholders})`,
        chunk,
      );
    }
  }
}

/**
 * Inserts commit rows, keeping the stored row of a (deployment, sha) that
 * exists; returns the deployment id of each row inserted.
 */
async function insertNewCommits(
  tx: Knex.Transaction,
  rows: DeploymentCommitRow[],
): Promise<string[]> {
  const postgres = isPostgres(tx);
  const inserted: string[] = [];
  for (const chunk of chunks(rows, postgres ? UNNEST_CHUNK_SIZE : undefined)) {
    const written: Array<{ deployment_id: string }> = postgres
      ? (
          await tx.raw(
            '? ON CONFLICT (deployment_id, sha) DO NOTHING RETURNING deployment_id',
            [
              insertUnnest(
                tx,
                'deployment_commits',
                chunk,
                deploymentCommitColumnTypes,
              ),
            ],
          )
        ).rows
      : await tx('deployment_commits')
          .insert(chunk)
          .onConflict(['deployment_id', 'sha'])
          .ignore()
          .returning('deployment_id');
    inserted.push(...written.map(row => row.deployment_id));
  }
  return inserted;
}

/**
 * Stores the artifact digest each report names (the last report of a
 * deployment wins), in `deployment_artifacts`; a deployment whose digest is
 * new or changed is reported as updated.
 */
async function recordArtifactDigests(
  tx: Knex.Transaction,
  items: DeploymentUpsert[],
  outcomes: UpsertOutcomes,
): Promise<void> {
  const wanted = new Map<string, { digest: string; indices: number[] }>();
  for (const [index, item] of items.entries()) {
    if (item.artifactDigest === undefined) continue;
    const id = outcomes.results[index].id;
    const entry = wanted.get(id);
    wanted.set(id, {
      digest: item.artifactDigest,
      indices: [...(entry?.indices ?? []), index],
    });
  }
  if (wanted.size === 0) return;
  const ids = [...wanted.keys()].sort();
  const stored = new Map<string, string>();
  for (const chunk of chunks(ids)) {
    const rows: DeploymentArtifactRow[] = await tx('deployment_artifacts')
      .whereIn('deployment_id', chunk)
      .select('deployment_id', 'artifact_digest');
    for (const row of rows) stored.set(row.deployment_id, row.artifact_digest);
  }
  for (const id of ids) {
    const { digest, indices } = wanted.get(id)!;
    if (stored.get(id) === digest) continue;
    await tx('deployment_artifacts')
      .insert({ deployment_id: id, artifact_digest: digest })
      .onConflict('deployment_id')
      .merge(['artifact_digest']);
    for (const index of indices) outcomes.markUpdated(index);
  }
}

/**
 * The deployment upsert of {@link DatabaseDeploymentStore.upsertDeployments}
 * inside the caller's transaction, so that other stores can record a
 * deployment together with their own rows (a rollback and its deployment).
 */
export async function upsertDeploymentsInTransaction(
  tx: Knex.Transaction,
  items: DeploymentUpsert[],
  timestamp: string,
): Promise<UpsertOutcome[]> {
  const outcomes = await upsertByExternalId({
    tx,
    table: 'deployments',
    items,
    toRow: (item): DeploymentWriteRow => ({
      id: randomUUID(),
      entity_ref: item.entityRef,
      environment: item.environment,
      source: item.source,
      external_id: item.externalId,
      version: item.version,
      commit_sha: item.commitSha ?? null,
      kind: item.kind,
      status: item.status,
      started_at: item.startedAt ?? null,
      finished_at: item.finishedAt ?? null,
      sort_at: item.startedAt ?? item.finishedAt ?? timestamp,
      initiator: item.initiator ?? null,
      url: item.url ?? null,
      release_id: null,
      rollback_of: null,
      revision: 1,
      received_at: timestamp,
      updated_at: timestamp,
      // Right for a row this statement inserts; any other row that gets new
      // commits is recomputed by refreshCommitTimes below.
      commit_times: commitTimesOf(item.commits),
    }),
    columnTypes: deploymentColumnTypes,
    ...deploymentMerge(tx),
    extraKeys: items.flatMap(item =>
      item.rollbackOfExternalId === undefined
        ? []
        : [{ source: item.source, externalId: item.rollbackOfExternalId }],
    ),
  });

  // rollbackOf: resolved to the stored id (in-batch targets included,
  // since they are stored by now); set once, never changed.
  for (const [index, item] of items.entries()) {
    if (item.rollbackOfExternalId === undefined) continue;
    const target = outcomes.idOf(item.source, item.rollbackOfExternalId);
    if (target === undefined) {
      throw new InputError(
        `[${index}] rollbackOf: no deployment ${item.rollbackOfExternalId} from source ${item.source}`,
      );
    }
    const changed = await tx<DeploymentRow>('deployments')
      .where({ id: outcomes.results[index].id })
      .whereNull('rollback_of')
      .update({ rollback_of: target });
    if (changed > 0) outcomes.markUpdated(index);
  }

  const commitRows = new Map<string, DeploymentCommitRow>();
  const indexById = new Map<string, number[]>();
  for (const [index, item] of items.entries()) {
    const id = outcomes.results[index].id;
    indexById.set(id, [...(indexById.get(id) ?? []), index]);
    for (const commit of item.commits) {
      commitRows.set(`${id} ${commit.sha}`, {
        deployment_id: id,
        sha: commit.sha,
        committed_at: commit.committedAt,
      });
    }
  }
  // In key order, so that concurrent batches take index locks in one order.
  const orderedCommits = [...commitRows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : Number(a > b)))
    .map(([, row]) => row);
  // Rows this batch inserted from a single report: their commit_times
  // came with the insert.
  const insertedOnce = new Set(
    [...indexById]
      .filter(
        ([, indices]) =>
          indices.length === 1 &&
          outcomes.results[indices[0]].status === 'created',
      )
      .map(([id]) => id),
  );
  const gotCommits = new Set<string>();
  // Commits are facts about the deployment: new ones are added, known ones
  // are kept as first reported.
  for (const id of await insertNewCommits(tx, orderedCommits)) {
    if (gotCommits.has(id)) continue;
    gotCommits.add(id);
    for (const index of indexById.get(id) ?? []) {
      outcomes.markUpdated(index);
    }
  }
  // deployments.commit_times (the metrics' lead-time samples) follows
  // deployment_commits in this transaction. A row inserted by this batch
  // from a single report already carries its commits' times; any other row
  // that got new commits is recomputed from the table.
  await refreshCommitTimes(
    tx,
    [...gotCommits].filter(id => !insertedOnce.has(id)),
  );

  await recordArtifactDigests(tx, items, outcomes);

  // Releases follow their deployments (docs/gates.md), in this transaction:
  // only deployments this batch changed, so a redelivery moves nothing.
  const changedIds = outcomes.results
    .filter(outcome => outcome.status !== 'unchanged')
    .map(outcome => outcome.id);
  const transitions = await followReleasesInTransaction(
    tx,
    changedIds,
    timestamp,
  );
  const results = [...outcomes.results];
  for (const id of new Set(transitions.map(t => t.deploymentId))) {
    const last = results.map(outcome => outcome.id).lastIndexOf(id);
    results[last] = {
      ...results[last],
      releaseTransitions: transitions.filter(t => t.deploymentId === id),
    };
  }
  return results;
}

/**
 * Knex implementation of {@link DeploymentStore}, on SQLite and PostgreSQL.
 */
export class DatabaseDeploymentStore implements DeploymentStore {
  /** Creates the store, running the plugin's migrations unless skipped. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    /** Source of the current time; tests pass a fixed clock. */
    now?: () => Date;
  }): Promise<DatabaseDeploymentStore> {
    const client = await getMigratedClient(options);
    return new DatabaseDeploymentStore(
      client,
      options.now ?? (() => new Date()),
    );
  }

  private readonly syncStates: SyncStateTable;

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {
    this.syncStates = new SyncStateTable(db, now);
  }

  async upsertDeployments(items: DeploymentUpsert[]): Promise<UpsertOutcome[]> {
    if (items.length === 0) {
      return [];
    }
    const timestamp = toDbTimestamp(this.now());
    return this.db.transaction(tx =>
      upsertDeploymentsInTransaction(tx, items, timestamp),
    );
  }

  async upsertIncidents(items: IncidentUpsert[]): Promise<UpsertOutcome[]> {
    if (items.length === 0) {
      return [];
    }
    const timestamp = toDbTimestamp(this.now());
    return this.db.transaction(async tx => {
      const outcomes = await upsertByExternalId({
        tx,
        table: 'incidents',
        items,
        toRow: (item): IncidentRow => ({
          id: randomUUID(),
          entity_ref: item.entityRef,
          source: item.source,
          external_id: item.externalId,
          severity: item.severity,
          title: item.title,
          environment: item.environment ?? null,
          started_at: item.startedAt,
          resolved_at: item.resolvedAt ?? null,
          url: item.url ?? null,
          reported_at: item.reportedAt ?? null,
          revision: 1,
          received_at: timestamp,
          updated_at: timestamp,
        }),
        columnTypes: incidentColumnTypes,
        ...incidentMerge(tx),
        extraKeys: [],
      });
      return outcomes.results;
    });
  }

  async findDeployments(
    source: string,
    externalIds: string[],
  ): Promise<DeploymentReference[]> {
    const found: DeploymentReference[] = [];
    for (const chunk of chunks([...new Set(externalIds)])) {
      const rows = await this.db<DeploymentRow>('deployments')
        .select('id', 'entity_ref', 'environment', 'external_id')
        .where({ source })
        .whereIn('external_id', chunk);
      for (const row of rows) {
        found.push({
          id: row.id,
          entityRef: row.entity_ref,
          environment: row.environment,
          externalId: row.external_id,
        });
      }
    }
    return found;
  }

  async findIncidents(
    source: string,
    externalIds: string[],
  ): Promise<IncidentReference[]> {
    const found: IncidentReference[] = [];
    for (const chunk of chunks([...new Set(externalIds)])) {
      const rows = await this.db<IncidentRow>('incidents')
        .select('id', 'entity_ref', 'external_id')
        .where({ source })
        .whereIn('external_id', chunk);
      for (const row of rows) {
        found.push({
          id: row.id,
          entityRef: row.entity_ref,
          externalId: row.external_id,
        });
      }
    }
    return found;
  }

  async listDeployments(
    options: ListDeploymentsOptions,
  ): Promise<ListResponse<Deployment>> {
    const query = this.db<DeploymentRow>('deployments').where({
      entity_ref: options.entityRef,
    });
    if (options.environment !== undefined) {
      query.andWhere({ environment: options.environment });
    }
    if (options.status !== undefined) {
      query.andWhere({ status: options.status });
    }
    if (options.releaseId !== undefined) {
      query.andWhere({ release_id: options.releaseId });
    }
    if (options.cursor !== undefined) {
      query.andWhere(olderThan('sort_at', decodeCursor(options.cursor)));
    }
    const rows = await query
      .orderBy([
        { column: 'sort_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit + 1);
    const page = rows.slice(0, options.limit);
    const items = await withDeploymentDetails(this.db, page);
    const last = page[page.length - 1];
    return {
      items,
      ...(rows.length > options.limit &&
        last && {
          nextCursor: encodeCursor({
            at: fromDbTimestamp(last.sort_at),
            id: last.id,
          }),
        }),
    };
  }

  async listIncidents(
    options: ListIncidentsOptions,
  ): Promise<ListResponse<Incident>> {
    const query = this.db<IncidentRow>('incidents').where({
      entity_ref: options.entityRef,
    });
    if (options.environment !== undefined) {
      query.andWhere({ environment: options.environment });
    }
    if (options.since !== undefined) {
      query.andWhere('started_at', '>=', options.since);
    }
    if (options.cursor !== undefined) {
      query.andWhere(olderThan('started_at', decodeCursor(options.cursor)));
    }
    const rows = await query
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit + 1);
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toIncident),
      ...(rows.length > options.limit &&
        last && {
          nextCursor: encodeCursor({
            at: fromDbTimestamp(last.started_at),
            id: last.id,
          }),
        }),
    };
  }

  async getEnvironmentSummaries(
    entityRef: string,
  ): Promise<EnvironmentSummary[]> {
    const environments: Array<{ environment: string }> = await this.db(
      'deployments',
    )
      .distinct('environment')
      .where({ entity_ref: entityRef })
      .orderBy('environment');

    const summaries: Array<{
      environment: string;
      current?: DeploymentRow;
      latest?: DeploymentRow;
    }> = [];
    for (const { environment } of environments) {
      const scope = { entity_ref: entityRef, environment };
      const latest = await this.db<DeploymentRow>('deployments')
        .where(scope)
        .orderBy([
          { column: 'sort_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .first();
      // What runs now is the last succeeded deployment to finish; one that
      // succeeded without a reported finishedAt only counts when no other did.
      const current =
        (await this.db<DeploymentRow>('deployments')
          .where({ ...scope, status: 'succeeded' })
          .whereNotNull('finished_at')
          .orderBy([
            { column: 'finished_at', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .first()) ??
        (await this.db<DeploymentRow>('deployments')
          .where({ ...scope, status: 'succeeded' })
          .orderBy([
            { column: 'sort_at', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .first());
      summaries.push({ environment, current, latest });
    }

    const rows = summaries.flatMap(s =>
      [s.current, s.latest].filter((r): r is DeploymentRow => !!r),
    );
    const byId = new Map(
      (await withDeploymentDetails(this.db, rows)).map(deployment => [
        deployment.id,
        deployment,
      ]),
    );
    return summaries.map(s => ({
      environment: s.environment,
      ...(s.current && { current: byId.get(s.current.id) }),
      ...(s.latest && { latest: byId.get(s.latest.id) }),
    }));
  }

  getSyncStates(entityRef: string): Promise<ProviderSyncState[]> {
    return this.syncStates.list(entityRef);
  }

  getCursor(
    providerId: string,
    entityRef: string,
  ): Promise<string | undefined> {
    return this.syncStates.getCursor({ providerId, entityRef });
  }

  setCursor(
    providerId: string,
    entityRef: string,
    cursor: string,
  ): Promise<void> {
    return this.syncStates.setCursor({ providerId, entityRef }, cursor);
  }

  recordSyncSuccess(
    options: SyncStateKey & { cursor?: string },
  ): Promise<void> {
    return this.syncStates.recordSuccess(options, options.cursor);
  }

  recordSyncError(options: SyncStateKey & { error: string }): Promise<void> {
    return this.syncStates.recordError(options, options.error);
  }
}

/**
 * Deployment rows as wire types, with their commits and, for rollbacks
 * started from Release Coordinator, who asked and why (`rollbackRequest`).
 */
export async function withDeploymentDetails(
  db: Knex,
  rows: DeploymentRow[],
): Promise<Deployment[]> {
  const ids = [...new Set(rows.map(row => row.id))];
  const commitRows: DeploymentCommitRow[] = [];
  const requests = new Map<string, RollbackRequestSummary>();
  const digests = new Map<string, string>();
  for (const chunk of chunks(ids)) {
    const artifactRows: DeploymentArtifactRow[] = await db(
      'deployment_artifacts',
    )
      .select('deployment_id', 'artifact_digest')
      .whereIn('deployment_id', chunk);
    for (const row of artifactRows) {
      digests.set(row.deployment_id, row.artifact_digest);
    }
    commitRows.push(
      ...(await db<DeploymentCommitRow>('deployment_commits').whereIn(
        'deployment_id',
        chunk,
      )),
    );
    const rollbackRows: Array<{
      id: string;
      deployment_id: string;
      reason: string;
      initiator: string;
      automated: boolean | number;
      incident_id: string | null;
    }> = await db('rollbacks')
      .select(
        'id',
        'deployment_id',
        'reason',
        'initiator',
        'automated',
        'incident_id',
      )
      .whereIn('deployment_id', chunk);
    for (const row of rollbackRows) {
      requests.set(row.deployment_id, {
        id: row.id,
        reason: row.reason,
        initiator: row.initiator,
        automated: Boolean(row.automated),
        ...(row.incident_id !== null && { incidentId: row.incident_id }),
      });
    }
  }
  const commits = groupCommits(commitRows);
  return rows.map(row => {
    const rollbackRequest = requests.get(row.id);
    return {
      ...toDeployment(row, commits.get(row.id) ?? [], digests.get(row.id)),
      ...(rollbackRequest && { rollbackRequest }),
    };
  });
}

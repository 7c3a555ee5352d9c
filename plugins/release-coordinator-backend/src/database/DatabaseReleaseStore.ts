import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  ApprovalDecision,
  AuditEvent,
  ChecklistEvidence,
  ChecklistItem,
  ChecklistItemKind,
  ChecklistItemStatus,
  JsonValue,
  PipelineStage,
  Release,
  ReleasePlan,
  ReleaseState,
} from '@release-coordinator/backstage-plugin-common';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { isPostgres } from './client';
import {
  ListReleasesOptions,
  NewApproval,
  NewAuditEvent,
  NewRelease,
  ReleaseChanges,
  ReleaseStore,
  ReleaseTransaction,
  StoredApproval,
} from './ReleaseStore';
import { getMigratedClient } from './migrateDatabase';
import { fromDbTimestamp, toDbTimestamp } from './timestamps';

type DbTimestamp = Date | string | number;

type ReleaseRow = {
  id: string;
  entity_ref: string;
  environment: string;
  version: string;
  commit_sha: string | null;
  artifact_digest: string | null;
  plan: string;
  state: string;
  created_by: string;
  commit_authors: string;
  unresolved_commit_authors: string;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
};

type AuditEventRow = {
  id: number | string;
  release_id: string | null;
  entity_ref: string;
  actor: string;
  action: string;
  before: string | null;
  after: string | null;
  reason: string | null;
  created_at: DbTimestamp;
};

type ChecklistItemRow = {
  release_id: string;
  item_id: string;
  title: string;
  stage: string;
  kind: string;
  status: string;
  required_role: string | null;
  evidence: string | null;
  recorded_by: string | null;
  recorded_at: DbTimestamp | null;
  waiver_reason: string | null;
  position: number;
};

type ApprovalRow = {
  id: string;
  release_id: string;
  approver: string;
  decision: string;
  comment: string | null;
  database_admin: boolean | number;
  created_at: DbTimestamp;
};

function toChecklistItem(row: ChecklistItemRow): ChecklistItem {
  const stored = row.evidence
    ? (JSON.parse(row.evidence) as ChecklistEvidence)
    : {};
  const evidence: ChecklistEvidence = {
    ...stored,
    ...(row.recorded_by !== null && { recordedBy: row.recorded_by }),
    ...(row.recorded_at !== null && {
      recordedAt: fromDbTimestamp(row.recorded_at),
    }),
  };
  return {
    id: row.item_id,
    title: row.title,
    stage: row.stage as PipelineStage,
    kind: row.kind as ChecklistItemKind,
    status: row.status as ChecklistItemStatus,
    ...(Object.keys(evidence).length > 0 && { evidence }),
    ...(row.required_role !== null && { requiredRole: row.required_role }),
    ...(row.waiver_reason !== null && { waiverReason: row.waiver_reason }),
  };
}

function toChecklistItemRow(
  releaseId: string,
  item: ChecklistItem,
  position: number,
): ChecklistItemRow {
  const { recordedBy, recordedAt, ...evidence } = item.evidence ?? {};
  return {
    release_id: releaseId,
    item_id: item.id,
    title: item.title,
    stage: item.stage,
    kind: item.kind,
    status: item.status,
    required_role: item.requiredRole ?? null,
    evidence:
      Object.keys(evidence).length > 0 ? JSON.stringify(evidence) : null,
    recorded_by: recordedBy ?? null,
    recorded_at: recordedAt ? toDbTimestamp(new Date(recordedAt)) : null,
    waiver_reason: item.waiverReason ?? null,
    position,
  };
}

function toApproval(row: ApprovalRow): StoredApproval {
  return {
    id: row.id,
    releaseId: row.release_id,
    decision: row.decision as ApprovalDecision,
    approver: row.approver,
    ...(row.comment !== null && { comment: row.comment }),
    decidedAt: fromDbTimestamp(row.created_at),
    databaseAdmin: Boolean(row.database_admin),
  };
}

/** Whether an error is a unique-constraint violation (PostgreSQL or SQLite). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

function toRelease(row: ReleaseRow): Release {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    environment: row.environment,
    version: row.version,
    ...(row.commit_sha !== null && { commitSha: row.commit_sha }),
    ...(row.artifact_digest !== null && {
      artifactDigest: row.artifact_digest,
    }),
    plan: JSON.parse(row.plan) as ReleasePlan,
    state: row.state as ReleaseState,
    createdBy: row.created_by,
    commitAuthors: JSON.parse(row.commit_authors) as string[],
    ...unresolvedOf(row),
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}

/** Only releases with unresolved commit authors carry the field. */
function unresolvedOf(
  row: ReleaseRow,
): Pick<Release, 'unresolvedCommitAuthors'> {
  const unresolved = JSON.parse(
    row.unresolved_commit_authors ?? '[]',
  ) as string[];
  return unresolved.length > 0 ? { unresolvedCommitAuthors: unresolved } : {};
}

function toJsonColumn(value: JsonValue | undefined): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function fromJsonColumn(value: string | null): JsonValue | undefined {
  return value === null ? undefined : (JSON.parse(value) as JsonValue);
}

function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    id: String(row.id),
    ...(row.release_id !== null && { releaseId: row.release_id }),
    entityRef: row.entity_ref,
    actor: row.actor,
    action: row.action,
    ...(row.before !== null && { before: fromJsonColumn(row.before) }),
    ...(row.after !== null && { after: fromJsonColumn(row.after) }),
    ...(row.reason !== null && { reason: row.reason }),
    createdAt: fromDbTimestamp(row.created_at),
  };
}

/**
 * Knex implementation of {@link ReleaseStore}, on SQLite and PostgreSQL.
 */
export class DatabaseReleaseStore implements ReleaseStore {
  /** Creates the store, running the migrations unless told to skip them. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    /** Source of the current time; tests pass a fixed clock. */
    now?: () => Date;
  }): Promise<DatabaseReleaseStore> {
    const { database, skipMigrations, now = () => new Date() } = options;
    const client = await getMigratedClient({ database, skipMigrations });
    return new DatabaseReleaseStore(client, now);
  }

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {}

  async createRelease(release: NewRelease): Promise<Release> {
    const timestamp = toDbTimestamp(this.now());
    const row: ReleaseRow = {
      id: randomUUID(),
      entity_ref: release.entityRef,
      environment: release.environment,
      version: release.version,
      commit_sha: release.commitSha ?? null,
      artifact_digest: release.artifactDigest ?? null,
      plan: JSON.stringify(release.plan),
      state: release.state ?? 'draft',
      created_by: release.createdBy,
      commit_authors: JSON.stringify(release.commitAuthors ?? []),
      unresolved_commit_authors: JSON.stringify(
        release.unresolvedCommitAuthors ?? [],
      ),
      created_at: timestamp,
      updated_at: timestamp,
    };
    await this.db.transaction(async tx => {
      await tx<ReleaseRow>('releases').insert(row);
      if (release.checklist && release.checklist.length > 0) {
        await tx<ChecklistItemRow>('checklist_items').insert(
          release.checklist.map((item, index) =>
            toChecklistItemRow(row.id, item, index),
          ),
        );
      }
      if (release.audit) {
        await this.insertAuditEvent(tx, {
          ...release.audit,
          releaseId: row.id,
          entityRef: row.entity_ref,
        });
      }
    });
    return toRelease(row);
  }

  async getRelease(id: string): Promise<Release | undefined> {
    const row = await this.db<ReleaseRow>('releases').where({ id }).first();
    return row ? toRelease(row) : undefined;
  }

  async listReleases(options: ListReleasesOptions): Promise<Release[]> {
    const query = this.db<ReleaseRow>('releases')
      .where({ entity_ref: options.entityRef })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    if (options.environment !== undefined) {
      query.andWhere({ environment: options.environment });
    }
    if (options.limit !== undefined) {
      query.limit(options.limit);
    }
    const rows = await query;
    return rows.map(toRelease);
  }

  async appendAuditEvent(event: NewAuditEvent): Promise<AuditEvent> {
    return this.db.transaction(async tx => {
      // The foreign key guards this on PostgreSQL; SQLite connections do not
      // always enforce foreign keys, so the check is made here for both.
      // Releases are never deleted, so the check cannot go stale.
      if (event.releaseId !== undefined) {
        const release = await tx<ReleaseRow>('releases')
          .select('id')
          .where({ id: event.releaseId })
          .first();
        if (!release) {
          throw new NotFoundError(`No release ${event.releaseId}`);
        }
      }
      return this.insertAuditEvent(tx, event);
    });
  }

  private async insertAuditEvent(
    tx: Knex,
    event: NewAuditEvent,
  ): Promise<AuditEvent> {
    const row: Omit<AuditEventRow, 'id'> = {
      release_id: event.releaseId ?? null,
      entity_ref: event.entityRef,
      actor: event.actor,
      action: event.action,
      before: toJsonColumn(event.before),
      after: toJsonColumn(event.after),
      reason: event.reason ?? null,
      created_at: toDbTimestamp(this.now()),
    };
    const [inserted] = await tx<AuditEventRow>('audit_events')
      .insert(row)
      .returning('id');
    const id = typeof inserted === 'object' ? inserted.id : inserted;
    return toAuditEvent({ ...row, id });
  }

  async listAuditEvents(releaseId: string): Promise<AuditEvent[]> {
    const rows = await this.db<AuditEventRow>('audit_events')
      .where({ release_id: releaseId })
      .orderBy('id', 'asc');
    return rows.map(toAuditEvent);
  }

  async listChecklistItems(releaseId: string): Promise<ChecklistItem[]> {
    return this.readChecklist(this.db, releaseId);
  }

  async listApprovals(releaseId: string): Promise<StoredApproval[]> {
    return this.readApprovals(this.db, releaseId);
  }

  async listFreezeOverrides(releaseId: string): Promise<string[]> {
    const rows: Array<{ window_name: string }> = await this.db(
      'freeze_overrides',
    )
      .select('window_name')
      .where({ release_id: releaseId });
    return [...new Set(rows.map(row => row.window_name))];
  }

  async inReleaseTransaction<T>(
    releaseId: string,
    work: (tx: ReleaseTransaction) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async tx => {
      const query = tx<ReleaseRow>('releases').where({ id: releaseId });
      // SQLite serializes writers on its own and has no row locks.
      if (this.isPostgres()) {
        query.forUpdate();
      }
      const row = await query.first();
      if (!row) {
        throw new NotFoundError(`No release ${releaseId}`);
      }
      return work(this.releaseTransaction(tx, toRelease(row)));
    });
  }

  private isPostgres(): boolean {
    return isPostgres(this.db);
  }

  private async readChecklist(
    db: Knex,
    releaseId: string,
  ): Promise<ChecklistItem[]> {
    const rows = await db<ChecklistItemRow>('checklist_items')
      .where({ release_id: releaseId })
      .orderBy('position', 'asc');
    return rows.map(toChecklistItem);
  }

  private async readApprovals(
    db: Knex,
    releaseId: string,
  ): Promise<StoredApproval[]> {
    const rows = await db<ApprovalRow>('approvals')
      .where({ release_id: releaseId })
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toApproval);
  }

  private releaseTransaction(tx: Knex, locked: Release): ReleaseTransaction {
    const releaseId = locked.id;
    let current = locked;
    return {
      get release() {
        return current;
      },
      listChecklistItems: () => this.readChecklist(tx, releaseId),
      replaceChecklist: async (items: ChecklistItem[]) => {
        await tx('checklist_items').where({ release_id: releaseId }).delete();
        if (items.length > 0) {
          await tx<ChecklistItemRow>('checklist_items').insert(
            items.map((item, index) =>
              toChecklistItemRow(releaseId, item, index),
            ),
          );
        }
      },
      updateChecklistItem: async (item: ChecklistItem) => {
        const { position: _position, ...row } = toChecklistItemRow(
          releaseId,
          item,
          0,
        );
        const updated = await tx<ChecklistItemRow>('checklist_items')
          .where({ release_id: releaseId, item_id: item.id })
          .update(row);
        if (updated !== 1) {
          throw new NotFoundError(
            `No checklist item ${item.id} on release ${releaseId}`,
          );
        }
      },
      updateRelease: async (changes: ReleaseChanges) => {
        const update: Partial<ReleaseRow> = {
          updated_at: toDbTimestamp(this.now()),
        };
        if (changes.commitSha !== undefined) {
          update.commit_sha = changes.commitSha;
        }
        if (changes.artifactDigest !== undefined) {
          update.artifact_digest = changes.artifactDigest;
        }
        if (changes.plan !== undefined) {
          update.plan = JSON.stringify(changes.plan);
        }
        await tx<ReleaseRow>('releases')
          .where({ id: releaseId })
          .update(update);
        const row = await tx<ReleaseRow>('releases')
          .where({ id: releaseId })
          .first();
        current = toRelease(row!);
        return current;
      },
      transitionState: async (from: ReleaseState[], to: ReleaseState) => {
        const updated = await tx<ReleaseRow>('releases')
          .where({ id: releaseId })
          .whereIn('state', from)
          .update({ state: to, updated_at: toDbTimestamp(this.now()) });
        if (updated === 1) {
          current = { ...current, state: to };
          return true;
        }
        return false;
      },
      listApprovals: () => this.readApprovals(tx, releaseId),
      insertApproval: async (approval: NewApproval) => {
        const row: ApprovalRow = {
          id: randomUUID(),
          release_id: releaseId,
          approver: approval.approver,
          decision: approval.decision,
          comment: approval.comment ?? null,
          database_admin: approval.databaseAdmin,
          created_at: toDbTimestamp(this.now()),
        };
        try {
          await tx<ApprovalRow>('approvals').insert(row);
        } catch (error) {
          if (isUniqueViolation(error)) {
            throw new ConflictError(
              `${approval.approver} has already decided on release ${releaseId}`,
            );
          }
          throw error;
        }
        return toApproval(row);
      },
      deleteApprovals: async () => {
        const approvals = await this.readApprovals(tx, releaseId);
        await tx('approvals').where({ release_id: releaseId }).delete();
        return approvals;
      },
      insertFreezeOverride: async override => {
        await tx('freeze_overrides').insert({
          release_id: releaseId,
          actor: override.actor,
          reason: override.reason,
          window_name: override.windowName,
          created_at: toDbTimestamp(this.now()),
        });
      },
      appendAuditEvent: event =>
        this.insertAuditEvent(tx, {
          ...event,
          releaseId,
          entityRef: current.entityRef,
        }),
    };
  }
}

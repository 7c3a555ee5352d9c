import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  AuditEvent,
  JsonValue,
  Release,
  ReleasePlan,
  ReleaseState,
} from '@release-coordinator/backstage-plugin-common';
import { NotFoundError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  ListReleasesOptions,
  NewAuditEvent,
  NewRelease,
  ReleaseStore,
} from './ReleaseStore';
import { fromDbTimestamp, toDbTimestamp } from './timestamps';

const migrationsDir = resolvePackagePath(
  '@release-coordinator/backstage-plugin-backend',
  'migrations',
);

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
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
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
    const client = await database.getClient();
    if (!database.migrations?.skip && !skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
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
      created_at: timestamp,
      updated_at: timestamp,
    };
    await this.db<ReleaseRow>('releases').insert(row);
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
    const id = await this.db.transaction(async tx => {
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
      const [inserted] = await tx<AuditEventRow>('audit_events')
        .insert(row)
        .returning('id');
      return typeof inserted === 'object' ? inserted.id : inserted;
    });
    return toAuditEvent({ ...row, id });
  }

  async listAuditEvents(releaseId: string): Promise<AuditEvent[]> {
    const rows = await this.db<AuditEventRow>('audit_events')
      .where({ release_id: releaseId })
      .orderBy('id', 'asc');
    return rows.map(toAuditEvent);
  }
}

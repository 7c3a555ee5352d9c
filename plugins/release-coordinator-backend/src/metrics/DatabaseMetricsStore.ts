import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { getMigratedClient } from '../database/migrateDatabase';
import { fromDbTimestamp, toDbTimestamp } from '../database/timestamps';
import {
  MetricsCost,
  MetricsDeployment,
  MetricsIncident,
  MetricsStore,
  MetricsWindowData,
  MetricsWindowQuery,
} from './MetricsStore';

type DbTimestamp = Date | string | number;

type DeploymentRow = {
  id: string;
  entity_ref: string;
  kind: string;
  status: string;
  /** Epoch ms (see epochMsColumn). */
  started_ms: number | string | null;
  finished_ms: number | string;
  rollback_of: string | null;
  /** committedAt of its commits, epoch ms joined by commas (migration 20261126150000). */
  commit_times: string | null;
};

type IncidentRow = {
  id: string;
  entity_ref: string;
  severity: string;
  started_at: DbTimestamp;
  resolved_at: DbTimestamp | null;
};

type CostRow = {
  entity_ref: string;
  date: string;
  source: string;
  amount: number | string;
  currency: string;
};

// Keeps every `IN (...)` list far below the bind-parameter limits of both
// databases, whatever the size of a roll-up.
const ENTITY_CHUNK = 500;

/** Epoch ms of a timestamp column value (a Date on pg, ISO text on SQLite). */
function epochMs(value: DbTimestamp): number {
  if (value instanceof Date) {
    return value.getTime();
  }
  if (typeof value === 'number') {
    return value;
  }
  const parsed = Date.parse(value);
  // Anything Date.parse cannot read gets fromDbTimestamp's error.
  return Number.isNaN(parsed) ? Date.parse(fromDbTimestamp(value)) : parsed;
}

/** The epoch ms of a `commit_times` value. */
function parseCommitTimes(value: string | null): number[] {
  if (value === null || value === '') {
    return [];
  }
  return value.split(',').map(Number);
}

function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/**
 * Knex implementation of {@link MetricsStore}. Every query is bounded by
 * the entities, the environment and the window, and served by an index:
 * `deployments_metrics_idx` (entity_ref, environment, kind, status,
 * finished_at), `incidents_entity_environment_started_idx` (entity_ref,
 * environment, started_at) and the primary key of `cost_records`
 * (entity_ref, date, source).
 */
export class DatabaseMetricsStore implements MetricsStore {
  /** Creates the store, running the plugin's migrations unless skipped. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseMetricsStore> {
    return new DatabaseMetricsStore(await getMigratedClient(options));
  }

  private constructor(private readonly db: Knex) {}

  /**
   * A timestamp column as epoch milliseconds, computed by the database: the
   * drivers' own timestamp parsing (a Date per value on pg) costs more than
   * the query for thousands of rows. Exact for millisecond timestamps
   * (PostgreSQL: numeric epoch; SQLite: julianday() keeps integer
   * milliseconds internally, and the rounding removes the float error).
   */
  private epochMsColumn(column: string, alias: string): Knex.Raw {
    const client = this.db.client.config.client;
    if (client === 'pg' || client === 'postgres' || client === 'postgresql') {
      return this.db.raw(`(extract(epoch FROM ??) * 1000)::float8 AS ??`, [
        column,
        alias,
      ]);
    }
    // Text is what this plugin writes; a number is taken as epoch ms.
    return this.db.raw(
      `CASE typeof(??) WHEN 'text' THEN CAST(round((julianday(??) - 2440587.5) * 86400000) AS INTEGER) ELSE ?? END AS ??`,
      [column, column, column, alias],
    );
  }

  async readWindow(query: MetricsWindowQuery): Promise<MetricsWindowData> {
    const refs = [...new Set(query.entityRefs)];
    const out: MetricsWindowData = {
      deployments: [],
      incidents: [],
      costs: [],
    };
    for (const chunk of chunked(refs, ENTITY_CHUNK)) {
      const [deployments, incidents, costs] = await Promise.all([
        this.readDeployments(chunk, query),
        this.readIncidents(chunk, query),
        this.readCosts(chunk, query),
      ]);
      // concat, not push(...rows): spreading 100k+ rows as arguments
      // overflows the call stack (a 500-member roll-up does).
      out.deployments = out.deployments.concat(deployments);
      out.incidents = out.incidents.concat(incidents);
      out.costs = out.costs.concat(costs);
    }
    return out;
  }

  /**
   * Finished deploys and succeeded rollbacks in the range, with the commit
   * times of the succeeded deploys: one range scan of
   * deployments_metrics_idx per (entity, kind, status); the commit times
   * come with the row (`commit_times`), no join with deployment_commits.
   */
  private async readDeployments(
    entityRefs: string[],
    query: MetricsWindowQuery,
  ): Promise<MetricsDeployment[]> {
    const rows: DeploymentRow[] = await this.db('deployments')
      .select(
        'id',
        'entity_ref',
        'kind',
        'status',
        this.epochMsColumn('started_at', 'started_ms'),
        this.epochMsColumn('finished_at', 'finished_ms'),
        'rollback_of',
        'commit_times',
      )
      .whereIn('entity_ref', entityRefs)
      .andWhere('environment', query.environment)
      .andWhere('finished_at', '>=', toDbTimestamp(query.from))
      .andWhere('finished_at', '<', toDbTimestamp(query.to))
      .andWhere(builder =>
        builder
          .where(deploy =>
            deploy
              .where('kind', 'deploy')
              .whereIn('status', ['succeeded', 'failed']),
          )
          .orWhere(rollback =>
            rollback.where('kind', 'rollback').andWhere('status', 'succeeded'),
          ),
      );
    const out: MetricsDeployment[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const kind = row.kind === 'rollback' ? 'rollback' : 'deploy';
      const status = row.status === 'failed' ? 'failed' : 'succeeded';
      out[i] = {
        id: row.id,
        entityRef: row.entity_ref,
        kind,
        status,
        startedAt: row.started_ms === null ? null : Number(row.started_ms),
        finishedAt: Number(row.finished_ms),
        rollbackOf: row.rollback_of,
        // Lead time counts the commits of succeeded deploys only.
        commitTimes:
          kind === 'deploy' && status === 'succeeded'
            ? parseCommitTimes(row.commit_times)
            : [],
      };
    }
    return out;
  }

  /** Critical/major incidents that started before `to`, open or resolved since `from`. */
  private async readIncidents(
    entityRefs: string[],
    query: MetricsWindowQuery,
  ): Promise<MetricsIncident[]> {
    const rows: IncidentRow[] = await this.db<IncidentRow>('incidents')
      .select('id', 'entity_ref', 'severity', 'started_at', 'resolved_at')
      .whereIn('entity_ref', entityRefs)
      .andWhere(builder => {
        builder.where('environment', query.environment);
        // METRICS.md: an incident with no environment counts as production.
        if (query.environment === 'production') {
          builder.orWhereNull('environment');
        }
      })
      .andWhere('started_at', '<', toDbTimestamp(query.to))
      .andWhere(builder =>
        builder
          .whereNull('resolved_at')
          .orWhere('resolved_at', '>=', toDbTimestamp(query.from)),
      )
      .whereIn('severity', ['critical', 'major']);
    return rows.map(row => ({
      id: row.id,
      entityRef: row.entity_ref,
      severity: row.severity === 'critical' ? 'critical' : 'major',
      startedAt: epochMs(row.started_at),
      resolvedAt: row.resolved_at === null ? null : epochMs(row.resolved_at),
    }));
  }

  /** Cost records of the days [costFrom, costTo): a primary-key range. */
  private async readCosts(
    entityRefs: string[],
    query: MetricsWindowQuery,
  ): Promise<MetricsCost[]> {
    const rows: CostRow[] = await this.db<CostRow>('cost_records')
      .select('entity_ref', 'date', 'source', 'amount', 'currency')
      .whereIn('entity_ref', entityRefs)
      .andWhere('date', '>=', query.costFrom)
      .andWhere('date', '<', query.costTo);
    return rows.map(row => ({
      entityRef: row.entity_ref,
      date: row.date,
      source: row.source,
      amount: Number(row.amount),
      currency: row.currency,
    }));
  }
}

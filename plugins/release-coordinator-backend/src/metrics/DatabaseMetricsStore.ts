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
  started_at: DbTimestamp | null;
  finished_at: DbTimestamp;
  rollback_of: string | null;
};

type CommitRow = { deployment_id: string; committed_at: DbTimestamp };

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

function epochMs(value: DbTimestamp): number {
  return Date.parse(fromDbTimestamp(value));
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

  /** Finished deploys and succeeded rollbacks in the range, with commits. */
  private async readDeployments(
    entityRefs: string[],
    query: MetricsWindowQuery,
  ): Promise<MetricsDeployment[]> {
    const from = toDbTimestamp(query.from);
    const to = toDbTimestamp(query.to);
    // One range scan of deployments_metrics_idx per (entity, kind, status).
    const inRange = (builder: Knex.QueryBuilder) =>
      builder
        .whereIn('d.entity_ref', entityRefs)
        .andWhere('d.environment', query.environment)
        .andWhere('d.finished_at', '>=', from)
        .andWhere('d.finished_at', '<', to);

    const [rows, commits] = await Promise.all([
      inRange(
        this.db<DeploymentRow>('deployments as d').select(
          'd.id',
          'd.entity_ref',
          'd.kind',
          'd.status',
          'd.started_at',
          'd.finished_at',
          'd.rollback_of',
        ),
      ).andWhere(builder =>
        builder
          .where(deploy =>
            deploy
              .where('d.kind', 'deploy')
              .whereIn('d.status', ['succeeded', 'failed']),
          )
          .orWhere(rollback =>
            rollback
              .where('d.kind', 'rollback')
              .andWhere('d.status', 'succeeded'),
          ),
      ) as Promise<DeploymentRow[]>,
      // Commits of the succeeded deploys only, through their unique
      // (deployment_id, sha) index.
      inRange(
        this.db<CommitRow>('deployment_commits as c')
          .join('deployments as d', 'd.id', 'c.deployment_id')
          .select('c.deployment_id', 'c.committed_at'),
      )
        .andWhere('d.kind', 'deploy')
        .andWhere('d.status', 'succeeded') as Promise<CommitRow[]>,
    ]);

    const commitTimes = new Map<string, number[]>();
    for (const commit of commits) {
      const times = commitTimes.get(commit.deployment_id) ?? [];
      times.push(epochMs(commit.committed_at));
      commitTimes.set(commit.deployment_id, times);
    }
    return rows.map(row => ({
      id: row.id,
      entityRef: row.entity_ref,
      kind: row.kind === 'rollback' ? 'rollback' : 'deploy',
      status: row.status === 'failed' ? 'failed' : 'succeeded',
      startedAt: row.started_at === null ? null : epochMs(row.started_at),
      finishedAt: epochMs(row.finished_at),
      rollbackOf: row.rollback_of,
      commitTimes: commitTimes.get(row.id) ?? [],
    }));
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

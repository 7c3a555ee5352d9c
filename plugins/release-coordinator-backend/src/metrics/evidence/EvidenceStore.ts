import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { fromDbTimestamp, toDbTimestamp } from '../../database/timestamps';
import { chunks } from '../../deployments/upsertByExternalId';

/*
 * The raw rows the drill-down recounts a metric from (docs/metrics.md,
 * "Drill-down"): the `deployments`, `deployment_commits`, `incidents` and
 * `cost_records` tables themselves, never the rollups or the roll-up caches,
 * so that the recount is independent of them. Times are epoch milliseconds.
 */

/** A finished deployment of a member entity, any kind and status. */
export interface EvidenceDeployment {
  id: string;
  entityRef: string;
  environment: string;
  version: string;
  kind: string;
  status: string;
  startedAt: number | null;
  finishedAt: number;
  url: string | null;
  rollbackOf: string | null;
}

/** A commit a deployment shipped. */
export interface EvidenceCommit {
  deploymentId: string;
  sha: string;
  committedAt: number;
}

/** A critical or major incident of a member entity in the environment. */
export interface EvidenceIncident {
  id: string;
  entityRef: string;
  title: string;
  severity: 'critical' | 'major';
  startedAt: number;
  resolvedAt: number | null;
  url: string | null;
}

/** A cost record of a member entity. */
export interface EvidenceCost {
  entityRef: string;
  date: string;
  source: string;
  amount: number;
  currency: string;
}

/** The rows of one drill-down. */
export interface EvidenceData {
  /** The members' deployments in the environment finished at or after `since`. */
  deployments: EvidenceDeployment[];
  /**
   * Succeeded rollbacks (any entity or environment) that name one of
   * `deployments` in rollbackOf (METRICS.md 4a).
   */
  namedRollbacks: EvidenceDeployment[];
  /** Commits of the succeeded deploys among `deployments`. */
  commits: EvidenceCommit[];
  /** Incidents open at or after `incidentsSince`. */
  incidents: EvidenceIncident[];
  costs: EvidenceCost[];
}

/** What to read. */
export interface EvidenceQuery {
  entityRefs: string[];
  environment: string;
  /** Deployments finished at or after it (the window's start). */
  since: number;
  /** Commits of the succeeded deploys finished in [since, until). */
  until: number;
  /** Cost days ['YYYY-MM-DD', 'YYYY-MM-DD'). */
  costFrom: string;
  costTo: string;
}

const CHUNK = 500;

const epochMs = (value: Date | string | number) =>
  Date.parse(fromDbTimestamp(value));

type DeploymentRow = {
  id: string;
  entity_ref: string;
  environment: string;
  version: string;
  kind: string;
  status: string;
  started_at: Date | string | null;
  finished_at: Date | string;
  url: string | null;
  rollback_of: string | null;
};

const DEPLOYMENT_COLUMNS = [
  'id',
  'entity_ref',
  'environment',
  'version',
  'kind',
  'status',
  'started_at',
  'finished_at',
  'url',
  'rollback_of',
];

function toDeployment(row: DeploymentRow): EvidenceDeployment {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    environment: row.environment,
    version: row.version,
    kind: row.kind,
    status: row.status,
    startedAt: row.started_at === null ? null : epochMs(row.started_at),
    finishedAt: epochMs(row.finished_at),
    url: row.url,
    rollbackOf: row.rollback_of,
  };
}

/** Reads the raw rows of a drill-down. */
export class EvidenceStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<EvidenceStore> {
    return new EvidenceStore(await options.database.getClient());
  }

  constructor(private readonly db: Knex) {}

  async read(query: EvidenceQuery): Promise<EvidenceData> {
    const data: EvidenceData = {
      deployments: [],
      namedRollbacks: [],
      commits: [],
      incidents: [],
      costs: [],
    };
    const since = toDbTimestamp(new Date(query.since));
    for (const refs of chunks(query.entityRefs, CHUNK)) {
      const rows: DeploymentRow[] = await this.db('deployments')
        .select(DEPLOYMENT_COLUMNS)
        .whereIn('entity_ref', refs)
        .andWhere('environment', query.environment)
        .andWhere('finished_at', '>=', since);
      data.deployments.push(...rows.map(toDeployment));
    }

    const succeededIds = data.deployments
      .filter(d => d.kind === 'deploy' && d.status === 'succeeded')
      .map(d => d.id);
    const windowIds = data.deployments
      .filter(
        d =>
          d.kind === 'deploy' &&
          d.status === 'succeeded' &&
          d.finishedAt < query.until,
      )
      .map(d => d.id);
    for (const ids of chunks(succeededIds, CHUNK)) {
      const rows: DeploymentRow[] = await this.db('deployments')
        .select(DEPLOYMENT_COLUMNS)
        .whereIn('rollback_of', ids)
        .andWhere({ kind: 'rollback', status: 'succeeded' })
        .whereNotNull('finished_at');
      data.namedRollbacks.push(...rows.map(toDeployment));
    }
    for (const ids of chunks(windowIds, CHUNK)) {
      const rows: Array<{
        deployment_id: string;
        sha: string;
        committed_at: Date | string;
      }> = await this.db('deployment_commits')
        .select('deployment_id', 'sha', 'committed_at')
        .whereIn('deployment_id', ids);
      data.commits.push(
        ...rows.map(row => ({
          deploymentId: row.deployment_id,
          sha: row.sha,
          committedAt: epochMs(row.committed_at),
        })),
      );
    }

    // Open at the start of any deployment read (rework) or at the window's
    // start (recovery, uptime), and all later ones (attribution).
    let incidentsSince = query.since;
    for (const d of data.deployments) {
      incidentsSince = Math.min(incidentsSince, d.startedAt ?? d.finishedAt);
    }
    for (const refs of chunks(query.entityRefs, CHUNK)) {
      const rows: Array<{
        id: string;
        entity_ref: string;
        title: string;
        severity: 'critical' | 'major';
        started_at: Date | string;
        resolved_at: Date | string | null;
        url: string | null;
      }> = await this.db('incidents')
        .select(
          'id',
          'entity_ref',
          'title',
          'severity',
          'started_at',
          'resolved_at',
          'url',
        )
        .whereIn('entity_ref', refs)
        .andWhere(builder => {
          builder.where('environment', query.environment);
          // METRICS.md: an incident with no environment counts as production.
          if (query.environment === 'production') {
            builder.orWhereNull('environment');
          }
        })
        .whereIn('severity', ['critical', 'major'])
        .andWhere(builder =>
          builder
            .whereNull('resolved_at')
            .orWhere(
              'resolved_at',
              '>=',
              toDbTimestamp(new Date(incidentsSince)),
            ),
        );
      data.incidents.push(
        ...rows.map(row => ({
          id: row.id,
          entityRef: row.entity_ref,
          title: row.title,
          severity: row.severity,
          startedAt: epochMs(row.started_at),
          resolvedAt:
            row.resolved_at === null ? null : epochMs(row.resolved_at),
          url: row.url,
        })),
      );
    }

    for (const refs of chunks(query.entityRefs, CHUNK)) {
      const rows: Array<{
        entity_ref: string;
        date: string;
        source: string;
        amount: number | string;
        currency: string;
      }> = await this.db('cost_records')
        .select('entity_ref', 'date', 'source', 'amount', 'currency')
        .whereIn('entity_ref', refs)
        .andWhere('date', '>=', query.costFrom)
        .andWhere('date', '<', query.costTo);
      data.costs.push(
        ...rows.map(row => ({
          entityRef: row.entity_ref,
          date: row.date,
          source: row.source,
          amount: Number(row.amount),
          currency: row.currency,
        })),
      );
    }
    return data;
  }
}

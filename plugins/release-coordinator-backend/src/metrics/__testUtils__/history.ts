import { Knex } from 'knex';
import { DatabaseDeploymentStore } from '../../deployments/DatabaseDeploymentStore';
import {
  DeploymentUpsert,
  IncidentUpsert,
} from '../../deployments/DeploymentStore';

/** A deployment of a test history; times are ISO strings. */
export interface HistoryDeployment {
  entityRef: string;
  externalId: string;
  environment?: string;
  kind?: 'deploy' | 'rollback';
  status?: DeploymentUpsert['status'];
  startedAt?: string;
  finishedAt?: string;
  rollbackOf?: string;
  commitTimes?: string[];
}

/** An incident of a test history. */
export interface HistoryIncident {
  entityRef: string;
  externalId: string;
  severity: 'critical' | 'major' | 'minor';
  /** Left out: no environment (counts as production). */
  environment?: string;
  startedAt: string;
  resolvedAt?: string;
}

/** A cost record of a test history. */
export interface HistoryCost {
  entityRef: string;
  date: string;
  source: string;
  amount: number;
  currency: string;
}

/** A history to store through the real stores (and knex for costs). */
export interface History {
  deployments?: HistoryDeployment[];
  incidents?: HistoryIncident[];
  costs?: HistoryCost[];
}

/** Empties the tables the metrics read, and their rollups. */
export async function clearHistory(knex: Knex): Promise<void> {
  await knex('deployment_commits').del();
  await knex('deployments').del();
  await knex('incidents').del();
  await knex('cost_records').del();
  // The rollups of what was deleted (after the deletes, whose triggers
  // leave marks).
  await knex('metrics_daily').del();
  await knex('metrics_failed_deployments').del();
  await knex('metrics_rework_deployments').del();
  await knex('metrics_dirty').del();
  // The roll-up caches (their days' versions do not see the deletes above).
  await knex('metrics_scope_daily').del();
  await knex('metrics_scope_hourly').del();
  await knex('metrics_scope_costs').del();
  await knex('metrics_scope_incidents').del();
  await knex('metrics_scopes').del();
}

/**
 * Stores a history; returns the stored id of every deployment by externalId.
 */
export async function storeHistory(
  knex: Knex,
  deploymentStore: DatabaseDeploymentStore,
  history: History,
): Promise<Map<string, string>> {
  const deployments = history.deployments ?? [];
  const outcomes = await deploymentStore.upsertDeployments(
    deployments.map(
      (d): DeploymentUpsert => ({
        entityRef: d.entityRef,
        environment: d.environment ?? 'production',
        source: 'test',
        externalId: d.externalId,
        version: '1.0.0',
        kind: d.kind ?? 'deploy',
        status: d.status ?? 'succeeded',
        startedAt: d.startedAt,
        finishedAt: d.finishedAt,
        rollbackOfExternalId: d.rollbackOf,
        commits: (d.commitTimes ?? []).map((committedAt, i) => ({
          sha: `${d.externalId}-c${i}`,
          committedAt,
        })),
      }),
    ),
  );
  await deploymentStore.upsertIncidents(
    (history.incidents ?? []).map(
      (i): IncidentUpsert => ({
        entityRef: i.entityRef,
        source: 'test',
        externalId: i.externalId,
        severity: i.severity,
        title: i.externalId,
        environment: i.environment,
        startedAt: i.startedAt,
        resolvedAt: i.resolvedAt,
      }),
    ),
  );
  const costs = history.costs ?? [];
  if (costs.length > 0) {
    await knex('cost_records')
      .insert(
        costs.map(c => ({
          entity_ref: c.entityRef,
          date: c.date,
          source: c.source,
          amount: c.amount,
          currency: c.currency,
          updated_at: '2026-11-26T00:00:00.000Z',
        })),
      )
      // A record stored before is replaced (what a provider's upsert does).
      .onConflict(['entity_ref', 'date', 'source'])
      .merge();
  }
  return new Map(deployments.map((d, i) => [d.externalId, outcomes[i].id]));
}

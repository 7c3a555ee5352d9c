import {
  Deployment,
  DeploymentCommit,
  DeploymentKind,
  DeploymentStatus,
  Incident,
  IncidentSeverity,
  ProviderSyncState,
} from '@release-coordinator/backstage-plugin-common';
import { fromDbTimestamp } from '../database/timestamps';
import { ColumnTypes } from './postgresBatch';

/*
 * Row types of the deployment tables and their mapping to wire types. Rows
 * never leave the store.
 */

export type DbTimestamp = Date | string | number;

export type DeploymentRow = {
  id: string;
  entity_ref: string;
  environment: string;
  source: string;
  external_id: string;
  version: string;
  commit_sha: string | null;
  kind: string;
  status: string;
  started_at: DbTimestamp | null;
  finished_at: DbTimestamp | null;
  sort_at: DbTimestamp;
  initiator: string | null;
  url: string | null;
  release_id: string | null;
  rollback_of: string | null;
  revision: number;
  received_at: DbTimestamp;
  updated_at: DbTimestamp;
};

/**
 * A deployment row as the ingest path writes it: with its commits' times
 * (`commit_times`, migration 20261126150000_metrics_performance.js).
 */
export type DeploymentWriteRow = DeploymentRow & {
  commit_times: string | null;
};

/** Column types of the deployment upsert (PostgreSQL's unnest statement). */
export const deploymentColumnTypes: ColumnTypes<DeploymentWriteRow> = {
  id: 'text',
  entity_ref: 'text',
  environment: 'text',
  source: 'text',
  external_id: 'text',
  version: 'text',
  commit_sha: 'text',
  kind: 'text',
  status: 'text',
  started_at: 'timestamptz',
  finished_at: 'timestamptz',
  sort_at: 'timestamptz',
  initiator: 'text',
  url: 'text',
  release_id: 'text',
  rollback_of: 'text',
  revision: 'integer',
  received_at: 'timestamptz',
  updated_at: 'timestamptz',
  commit_times: 'text',
};

/** `deployment_artifacts`: the artifact digest a report named. */
export type DeploymentArtifactRow = {
  deployment_id: string;
  artifact_digest: string;
};

export type DeploymentCommitRow = {
  deployment_id: string;
  sha: string;
  committed_at: DbTimestamp;
};

/** Column types of the commit insert (PostgreSQL's unnest statement). */
export const deploymentCommitColumnTypes: ColumnTypes<DeploymentCommitRow> = {
  deployment_id: 'text',
  sha: 'text',
  committed_at: 'timestamptz',
};

export type IncidentRow = {
  id: string;
  entity_ref: string;
  source: string;
  external_id: string;
  severity: string;
  title: string;
  environment: string | null;
  started_at: DbTimestamp;
  resolved_at: DbTimestamp | null;
  url: string | null;
  /** Source time of the latest applied report (see the migration). */
  reported_at: DbTimestamp | null;
  revision: number;
  received_at: DbTimestamp;
  updated_at: DbTimestamp;
};

/** Column types of the incident upsert (PostgreSQL's unnest statement). */
export const incidentColumnTypes: ColumnTypes<IncidentRow> = {
  id: 'text',
  entity_ref: 'text',
  source: 'text',
  external_id: 'text',
  severity: 'text',
  title: 'text',
  environment: 'text',
  started_at: 'timestamptz',
  resolved_at: 'timestamptz',
  url: 'text',
  reported_at: 'timestamptz',
  revision: 'integer',
  received_at: 'timestamptz',
  updated_at: 'timestamptz',
};

export type SyncStateRow = {
  provider_id: string;
  entity_ref: string;
  cursor: string | null;
  last_success_at: DbTimestamp | null;
  last_error_at: DbTimestamp | null;
  last_error: string | null;
};

function optionalTimestamp(value: DbTimestamp | null): string | undefined {
  return value === null ? undefined : fromDbTimestamp(value);
}

/** A deployment row and its commits as the wire type. */
export function toDeployment(
  row: DeploymentRow,
  commits: DeploymentCommit[],
  /** From `deployment_artifacts`, when the reports named one. */
  artifactDigest?: string,
): Deployment {
  const startedAt = optionalTimestamp(row.started_at);
  const finishedAt = optionalTimestamp(row.finished_at);
  return {
    id: row.id,
    entityRef: row.entity_ref,
    environment: row.environment,
    source: row.source,
    externalId: row.external_id,
    version: row.version,
    ...(row.commit_sha !== null && { commitSha: row.commit_sha }),
    ...(artifactDigest !== undefined && { artifactDigest }),
    kind: row.kind as DeploymentKind,
    status: row.status as DeploymentStatus,
    ...(startedAt !== undefined && { startedAt }),
    ...(finishedAt !== undefined && { finishedAt }),
    ...(row.initiator !== null && { initiator: row.initiator }),
    ...(row.url !== null && { url: row.url }),
    ...(row.release_id !== null && { releaseId: row.release_id }),
    ...(row.rollback_of !== null && { rollbackOf: row.rollback_of }),
    commits,
  };
}

/** Commit rows grouped by deployment id, oldest commit first. */
export function groupCommits(
  rows: DeploymentCommitRow[],
): Map<string, DeploymentCommit[]> {
  const byDeployment = new Map<string, DeploymentCommit[]>();
  for (const row of rows) {
    const commits = byDeployment.get(row.deployment_id) ?? [];
    commits.push({
      sha: row.sha,
      committedAt: fromDbTimestamp(row.committed_at),
    });
    byDeployment.set(row.deployment_id, commits);
  }
  for (const commits of byDeployment.values()) {
    commits.sort(
      (a, b) =>
        a.committedAt.localeCompare(b.committedAt) ||
        a.sha.localeCompare(b.sha),
    );
  }
  return byDeployment;
}

/** An incident row as the wire type. */
export function toIncident(row: IncidentRow): Incident {
  const resolvedAt = optionalTimestamp(row.resolved_at);
  return {
    id: row.id,
    entityRef: row.entity_ref,
    source: row.source,
    externalId: row.external_id,
    severity: row.severity as IncidentSeverity,
    title: row.title,
    ...(row.environment !== null && { environment: row.environment }),
    startedAt: fromDbTimestamp(row.started_at),
    ...(resolvedAt !== undefined && { resolvedAt }),
    ...(row.url !== null && { url: row.url }),
  };
}

/** A sync state row as the wire type (the cursor stays inside). */
export function toSyncState(row: SyncStateRow): ProviderSyncState {
  const lastSuccessAt = optionalTimestamp(row.last_success_at);
  const lastErrorAt = optionalTimestamp(row.last_error_at);
  return {
    providerId: row.provider_id,
    entityRef: row.entity_ref,
    ...(lastSuccessAt !== undefined && { lastSuccessAt }),
    ...(lastErrorAt !== undefined && { lastErrorAt }),
    ...(row.last_error !== null && { lastError: row.last_error }),
  };
}

import {
  DeploymentKind,
  DeploymentStatus,
  ReleaseState,
} from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';

/*
 * Releases follow their deployments (docs/gates.md, "Lifecycle"). Every
 * ingest path (pulls, webhooks, pushed events, rollbacks started here)
 * stores deployments through `upsertDeploymentsInTransaction`, which calls
 * {@link followReleasesInTransaction} in the same transaction: the link
 * (`deployments.release_id`), the release's new state and its audit row
 * commit or roll back with the deployment, so no transition is lost, and a
 * redelivered report changes nothing (state moves are guarded by the state
 * they move from).
 */

/** States a release is in once approved, in which it follows deployments. */
export const FOLLOWING_STATES: ReleaseState[] = [
  'approved',
  'deploying',
  'deployed',
  'failed',
];

/** Open states: what a newer deployed release supersedes. */
export const SUPERSEDABLE_STATES: ReleaseState[] = [
  'draft',
  'ready',
  'approved',
];

/** One state change of a release caused by a deployment. */
export interface ReleaseTransition {
  releaseId: string;
  entityRef: string;
  environment: string;
  version: string;
  from: ReleaseState;
  to: ReleaseState;
  /** The stored deployment that caused it. */
  deploymentId: string;
  /** Audit action: `release.deploying`, `release.superseded`, … */
  action: string;
}

/**
 * The state a release moves to when one of its deployments (kind `deploy`)
 * reaches `status`, or undefined when it stays: queued or in progress →
 * `deploying`; succeeded → `deployed`; failed → `failed`; cancelled while
 * deploying → back to `approved` (nothing shipped). A failed release that is
 * deployed again follows the new attempt.
 */
export function stateAfterDeployment(
  state: ReleaseState,
  status: DeploymentStatus,
): ReleaseState | undefined {
  switch (status) {
    case 'queued':
    case 'in_progress':
      return state === 'approved' || state === 'failed'
        ? 'deploying'
        : undefined;
    case 'succeeded':
      return state === 'approved' || state === 'deploying' || state === 'failed'
        ? 'deployed'
        : undefined;
    case 'failed':
      return state === 'approved' || state === 'deploying'
        ? 'failed'
        : undefined;
    case 'cancelled':
      return state === 'deploying' ? 'approved' : undefined;
    default:
      return undefined;
  }
}

/** What a release must carry for a deployment to be one of it. */
export interface ReleaseIdentity {
  version: string;
  commitSha?: string | null;
  artifactDigest?: string | null;
}

/** What a deployment reported. */
export interface DeploymentIdentity {
  version: string;
  commitSha?: string | null;
  artifactDigest?: string | null;
}

/**
 * Whether a deployment shipped a release: same version, and the same commit
 * and digest when the release has them (a deployment that reports no commit
 * does not ship a release pinned to one).
 */
export function deploymentMatchesRelease(
  release: ReleaseIdentity,
  deployment: DeploymentIdentity,
): boolean {
  if (release.version !== deployment.version) return false;
  if (release.commitSha && release.commitSha !== deployment.commitSha) {
    return false;
  }
  if (
    release.artifactDigest &&
    release.artifactDigest !== deployment.artifactDigest
  ) {
    return false;
  }
  return true;
}

type DeploymentRow = {
  id: string;
  entity_ref: string;
  environment: string;
  source: string;
  version: string;
  commit_sha: string | null;
  kind: string;
  status: string;
  release_id: string | null;
  rollback_of: string | null;
  sort_at: Date | string | number;
};

type ReleaseRow = {
  id: string;
  entity_ref: string;
  environment: string;
  version: string;
  commit_sha: string | null;
  artifact_digest: string | null;
  state: string;
  created_at: Date | string | number;
};

const DEPLOYMENT_COLUMNS = [
  'id',
  'entity_ref',
  'environment',
  'source',
  'version',
  'commit_sha',
  'kind',
  'status',
  'release_id',
  'rollback_of',
  'sort_at',
];

function isPostgres(tx: Knex): boolean {
  return tx.client.config.client === 'pg';
}

/**
 * Links the given (just written) deployments to their releases and moves
 * those releases along, in the caller's transaction; returns what moved, in
 * order, for the auditor events and signals sent after the commit. Audit
 * rows are written here.
 */
export async function followReleasesInTransaction(
  tx: Knex.Transaction,
  deploymentIds: string[],
  timestamp: string,
): Promise<ReleaseTransition[]> {
  const transitions: ReleaseTransition[] = [];
  // In id order, so that concurrent batches lock releases in one order.
  for (const id of [...new Set(deploymentIds)].sort()) {
    const deployment: DeploymentRow | undefined = await tx('deployments')
      .select(DEPLOYMENT_COLUMNS)
      .where({ id })
      .first();
    if (!deployment) continue;
    if ((deployment.kind as DeploymentKind) === 'rollback') {
      transitions.push(...(await followRollback(tx, deployment, timestamp)));
    } else {
      transitions.push(...(await followDeploy(tx, deployment, timestamp)));
    }
  }
  return transitions;
}

/** The release row with this id, locked on PostgreSQL. */
async function lockRelease(
  tx: Knex.Transaction,
  id: string,
): Promise<ReleaseRow | undefined> {
  const query = tx<ReleaseRow>('releases').where({ id });
  if (isPostgres(tx)) query.forUpdate();
  return query.first();
}

async function moveRelease(
  tx: Knex.Transaction,
  options: {
    release: ReleaseRow;
    to: ReleaseState;
    deployment: DeploymentRow;
    timestamp: string;
    action: string;
    reason: string;
  },
): Promise<ReleaseTransition | undefined> {
  const { release, to, deployment, timestamp, action, reason } = options;
  const from = release.state as ReleaseState;
  const moved = await tx('releases')
    .where({ id: release.id, state: from })
    .update({ state: to, updated_at: timestamp });
  if (moved !== 1) return undefined;
  await tx('audit_events').insert({
    release_id: release.id,
    entity_ref: release.entity_ref,
    actor: `deployment:${deployment.source}`,
    action,
    before: JSON.stringify({ state: from }),
    after: JSON.stringify({ state: to, deploymentId: deployment.id }),
    reason,
    created_at: timestamp,
  });
  release.state = to;
  return {
    releaseId: release.id,
    entityRef: release.entity_ref,
    environment: release.environment,
    version: release.version,
    from,
    to,
    deploymentId: deployment.id,
    action,
  };
}

/**
 * The release a deploy shipped: the one it is linked to, or else the newest
 * approved-or-later release of its entity, environment and version whose
 * commit and digest match.
 */
async function releaseOf(
  tx: Knex.Transaction,
  deployment: DeploymentRow,
): Promise<ReleaseRow | undefined> {
  if (deployment.release_id !== null) {
    return lockRelease(tx, deployment.release_id);
  }
  const candidates: ReleaseRow[] = await tx<ReleaseRow>('releases')
    .where({
      entity_ref: deployment.entity_ref,
      environment: deployment.environment,
      version: deployment.version,
    })
    .whereIn('state', FOLLOWING_STATES)
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
  // The digest a report named (deployment_artifacts), read only when a
  // candidate release is pinned to one.
  const digest = candidates.some(release => release.artifact_digest)
    ? (
        await tx('deployment_artifacts')
          .select('artifact_digest')
          .where({ deployment_id: deployment.id })
          .first()
      )?.artifact_digest ?? null
    : null;
  const match = candidates.find(release =>
    deploymentMatchesRelease(
      {
        version: release.version,
        commitSha: release.commit_sha,
        artifactDigest: release.artifact_digest,
      },
      {
        version: deployment.version,
        commitSha: deployment.commit_sha,
        artifactDigest: digest,
      },
    ),
  );
  if (!match) return undefined;
  await tx('deployments')
    .where({ id: deployment.id })
    .whereNull('release_id')
    .update({ release_id: match.id });
  return lockRelease(tx, match.id);
}

async function followDeploy(
  tx: Knex.Transaction,
  deployment: DeploymentRow,
  timestamp: string,
): Promise<ReleaseTransition[]> {
  const release = await releaseOf(tx, deployment);
  if (!release) return [];
  const transitions: ReleaseTransition[] = [];
  const status = deployment.status as DeploymentStatus;
  const to = stateAfterDeployment(release.state as ReleaseState, status);
  if (to) {
    const moved = await moveRelease(tx, {
      release,
      to,
      deployment,
      timestamp,
      action: `release.${to}`,
      reason: `Deployment ${deployment.id} of ${deployment.version} to ${deployment.environment} is ${status}`,
    });
    if (moved) transitions.push(moved);
  }
  if (release.state === 'deployed') {
    transitions.push(
      ...(await supersedeOlder(tx, release, deployment, timestamp)),
    );
  }
  return transitions;
}

/** Older open releases of the same entity and environment → superseded. */
async function supersedeOlder(
  tx: Knex.Transaction,
  release: ReleaseRow,
  deployment: DeploymentRow,
  timestamp: string,
): Promise<ReleaseTransition[]> {
  const older: ReleaseRow[] = await tx<ReleaseRow>('releases')
    .where({
      entity_ref: release.entity_ref,
      environment: release.environment,
    })
    .whereNot({ id: release.id })
    .whereIn('state', SUPERSEDABLE_STATES)
    .where('created_at', '<=', release.created_at)
    .orderBy('id');
  const transitions: ReleaseTransition[] = [];
  for (const row of older) {
    const moved = await moveRelease(tx, {
      release: row,
      to: 'superseded',
      deployment,
      timestamp,
      action: 'release.superseded',
      reason: `Release ${release.version} (${release.id}) was deployed to ${release.environment}`,
    });
    if (moved) transitions.push(moved);
  }
  return transitions;
}

/**
 * A succeeded rollback moves the release it rolled away from to
 * `rolled-back`: the release of the deployment it names (`rollbackOf`), or
 * else the release of the latest succeeded deploy of another version
 * before it in that environment.
 */
async function followRollback(
  tx: Knex.Transaction,
  rollback: DeploymentRow,
  timestamp: string,
): Promise<ReleaseTransition[]> {
  if (rollback.status !== 'succeeded') return [];
  let releaseId: string | null = null;
  if (rollback.rollback_of !== null) {
    const target: Pick<DeploymentRow, 'release_id'> | undefined = await tx(
      'deployments',
    )
      .select('release_id')
      .where({ id: rollback.rollback_of })
      .first();
    releaseId = target?.release_id ?? null;
  } else {
    const previous: Pick<DeploymentRow, 'release_id'> | undefined = await tx(
      'deployments',
    )
      .select('release_id')
      .where({
        entity_ref: rollback.entity_ref,
        environment: rollback.environment,
        kind: 'deploy',
        status: 'succeeded',
      })
      .whereNot({ version: rollback.version })
      .whereNotNull('release_id')
      .where('sort_at', '<=', rollback.sort_at)
      .orderBy([
        { column: 'sort_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    releaseId = previous?.release_id ?? null;
  }
  if (releaseId === null) return [];
  const release = await lockRelease(tx, releaseId);
  if (
    !release ||
    (release.state !== 'deployed' && release.state !== 'deploying')
  ) {
    return [];
  }
  const moved = await moveRelease(tx, {
    release,
    to: 'rolled-back',
    deployment: rollback,
    timestamp,
    action: 'release.rolled-back',
    reason: `Rollback ${rollback.id} to ${rollback.version} in ${rollback.environment} succeeded`,
  });
  return moved ? [moved] : [];
}

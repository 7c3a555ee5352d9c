import { ConflictError, InputError } from '@backstage/errors';
import {
  Deployment,
  DeploymentCommit,
  Release,
  ReleaseState,
  RollbackMigration,
} from '@release-coordinator/backstage-plugin-common';
import { failedDeploymentIds } from '../metrics/changeFailures';
import { MetricsDeployment } from '../metrics/MetricsStore';
import { CriticalIncident } from './RollbackStore';

/** Release states that mean the release passed its gates (it was approved). */
export const PASSED_RELEASE_STATES: ReleaseState[] = [
  'approved',
  'deploying',
  'deployed',
];

/** Most candidates the plan lists for the user to pick from. */
export const MAX_CANDIDATES = 20;

/** What a rollback of one environment would do (without provider facts). */
export interface ResolvedRollbackPlan {
  current?: Deployment;
  target?: Deployment;
  noTargetReason?: string;
  candidates: Deployment[];
  commitsUndone: DeploymentCommit[];
  migrations: RollbackMigration[];
}

/** The facts target resolution works on. */
export interface RollbackPlanFacts {
  environment: string;
  /** Succeeded deployments of the entity in the environment, latest first. */
  succeeded: Deployment[];
  /** Critical incidents of the entity in the environment. */
  criticalIncidents: CriticalIncident[];
  /** The release a deployment shipped, if known. */
  releaseOf: (deployment: Deployment) => Release | undefined;
  /** The deployment the user picked, looked up by id (any entity), if any. */
  requested?: { id: string; deployment?: Deployment };
  entityRef: string;
}

function timeOf(deployment: Deployment): number | undefined {
  const value = deployment.finishedAt ?? deployment.startedAt;
  return value === undefined ? undefined : Date.parse(value);
}

/**
 * Ids of succeeded deploys that were rolled back (METRICS.md 4a) or to which
 * a critical incident is attributed (4b), reusing the metrics' attribution.
 */
export function unhealthyDeploymentIds(
  succeeded: Deployment[],
  criticalIncidents: CriticalIncident[],
  entityRef: string,
): Set<string> {
  const facts: MetricsDeployment[] = succeeded.flatMap(d => {
    const finishedAt = timeOf(d);
    if (finishedAt === undefined) return [];
    return [
      {
        id: d.id,
        entityRef,
        kind: d.kind,
        status: 'succeeded' as const,
        startedAt: d.startedAt ? Date.parse(d.startedAt) : null,
        finishedAt,
        rollbackOf: d.rollbackOf ?? null,
        commitTimes: [],
      },
    ];
  });
  return failedDeploymentIds(
    facts,
    criticalIncidents.map(incident => ({
      id: incident.id,
      entityRef,
      severity: 'critical' as const,
      startedAt: Date.parse(incident.startedAt),
      resolvedAt: null,
    })),
  );
}

/** Why a deployment is not a good default target, or undefined when it is. */
function unsuitable(
  deployment: Deployment,
  current: Deployment,
  unhealthy: Set<string>,
  releaseOf: RollbackPlanFacts['releaseOf'],
): string | undefined {
  if (deployment.version === current.version) {
    return `${deployment.version} is the version that runs now`;
  }
  if (unhealthy.has(deployment.id)) {
    return `${deployment.version} was rolled back or had a critical incident`;
  }
  const release = releaseOf(deployment);
  if (release && !PASSED_RELEASE_STATES.includes(release.state)) {
    return `${deployment.version}'s release did not pass its gates (it is ${release.state})`;
  }
  return undefined;
}

/** The explicit target, validated; throws naming why it cannot be one. */
function requestedTarget(
  facts: RollbackPlanFacts,
  current: Deployment,
  earlier: Deployment[],
): Deployment {
  const { requested, entityRef, environment } = facts;
  const id = requested!.id;
  const deployment = requested!.deployment;
  if (!deployment) {
    throw new InputError(`targetDeploymentId: no deployment ${id}`);
  }
  if (
    deployment.entityRef !== entityRef ||
    deployment.environment !== environment
  ) {
    throw new InputError(
      `targetDeploymentId: deployment ${id} is of ${deployment.entityRef} in ${deployment.environment}, not of ${entityRef} in ${environment}`,
    );
  }
  if (deployment.status !== 'succeeded') {
    throw new ConflictError(
      `Deployment ${id} (${deployment.version}) is ${deployment.status}; only a succeeded deployment can be rolled back to`,
    );
  }
  if (deployment.id === current.id) {
    throw new ConflictError(
      `Deployment ${id} (${deployment.version}) is what runs in ${environment} now`,
    );
  }
  const found = earlier.find(d => d.id === id);
  const finished = timeOf(deployment);
  const currentFinished = timeOf(current);
  if (
    !found &&
    finished !== undefined &&
    currentFinished !== undefined &&
    finished < currentFinished
  ) {
    throw new ConflictError(
      `Deployment ${id} (${deployment.version}) is older than the ${facts.succeeded.length} latest succeeded deployments a rollback considers; pick a more recent one`,
    );
  }
  if (!found) {
    throw new ConflictError(
      `Deployment ${id} (${deployment.version}) did not finish before the current deployment ${current.id} (${current.version})`,
    );
  }
  if (found.version === current.version) {
    throw new ConflictError(
      `Deployment ${id} has version ${found.version}, which already runs in ${environment}`,
    );
  }
  return found;
}

/**
 * Resolves current, target, candidates, commits undone and migrations of a
 * rollback (docs/product.md §5): current is the latest succeeded deployment; the
 * default target is the most recent earlier succeeded deploy with
 * another version whose release passed its gates (or that had none), that
 * was not rolled back and to which no critical incident is attributed.
 */
export function resolveRollbackPlan(
  facts: RollbackPlanFacts,
): ResolvedRollbackPlan {
  const [current, ...earlier] = facts.succeeded;
  if (!current) {
    if (facts.requested) {
      throw new ConflictError(
        `Nothing has been deployed successfully to ${facts.environment}; there is nothing to roll back`,
      );
    }
    return {
      noTargetReason: `Nothing has been deployed successfully to ${facts.environment}`,
      candidates: [],
      commitsUndone: [],
      migrations: [],
    };
  }
  const candidates = earlier.slice(0, MAX_CANDIDATES);

  let target: Deployment | undefined;
  let noTargetReason: string | undefined;
  if (facts.requested) {
    target = requestedTarget(facts, current, earlier);
  } else {
    const unhealthy = unhealthyDeploymentIds(
      facts.succeeded,
      facts.criticalIncidents,
      facts.entityRef,
    );
    const skipped: string[] = [];
    // Default targets are deploys: a rollback deployment put back a version
    // that its own deploy already stands for.
    for (const deployment of earlier.filter(d => d.kind === 'deploy')) {
      const why = unsuitable(deployment, current, unhealthy, facts.releaseOf);
      if (!why) {
        target = deployment;
        break;
      }
      skipped.push(why);
    }
    if (!target) {
      const distinct = [...new Set(skipped)];
      noTargetReason =
        skipped.length === 0
          ? `No earlier succeeded deployment in ${facts.environment} to roll back to`
          : `No earlier succeeded deployment in ${
              facts.environment
            } is a known-good version: ${distinct.slice(0, 5).join('; ')}${
              distinct.length > 5 ? `; and ${distinct.length - 5} more` : ''
            }`;
    }
  }

  if (!target) {
    return {
      current,
      noTargetReason,
      candidates,
      commitsUndone: [],
      migrations: [],
    };
  }

  // What the rollback undoes: the deploys after the target up to current.
  const undone = facts.succeeded
    .slice(0, facts.succeeded.indexOf(target))
    .filter(d => d.kind === 'deploy' || d.id === current.id);
  const kept = new Set(target.commits.map(c => c.sha));
  const commits = new Map<string, DeploymentCommit>();
  for (const deployment of undone) {
    for (const commit of deployment.commits) {
      if (!kept.has(commit.sha)) commits.set(commit.sha, commit);
    }
  }
  const migrations = new Map<string, RollbackMigration>();
  for (const deployment of undone) {
    const release = facts.releaseOf(deployment);
    if (release?.plan.hasDatabaseMigrations && !migrations.has(release.id)) {
      migrations.set(release.id, {
        releaseId: release.id,
        version: release.version,
        deploymentId: deployment.id,
        ...(release.plan.notes && { notes: release.plan.notes }),
      });
    }
  }
  return {
    current,
    target,
    candidates,
    commitsUndone: [...commits.values()].sort(
      (a, b) =>
        b.committedAt.localeCompare(a.committedAt) ||
        a.sha.localeCompare(b.sha),
    ),
    migrations: [...migrations.values()],
  };
}

import {
  DeploymentCommit,
  DeploymentInput,
} from '@release-coordinator/backstage-plugin-common';
import {
  deploymentStatusFromHistory,
  GithubDeploymentStatusLike,
  mapWorkflowRunStatus,
} from './statusMapping';

/** The `source` of everything this module produces. */
export const GITHUB_SOURCE = 'github';

/** A GitHub deployment (REST and webhook shape) as far as it is read. */
export interface GithubDeploymentLike {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  created_at: string;
  /** An object, or a JSON string for deployments created with one. */
  payload?: unknown;
  creator?: { login: string } | null;
}

/** A GitHub Actions workflow run (REST and webhook shape) as far as it is read. */
export interface GithubWorkflowRunLike {
  id: number;
  head_sha: string;
  head_branch?: string | null;
  status?: string | null;
  conclusion?: string | null;
  created_at: string;
  updated_at: string;
  run_started_at?: string;
  html_url: string;
  /** The run's title (`run-name`), which rollback runs use to describe themselves. */
  display_title?: string | null;
  actor?: { login: string } | null;
  triggering_actor?: { login: string } | null;
  head_commit?: { id: string; timestamp: string } | null;
}

/**
 * The finish time of a report, never before its start: GitHub's clocks
 * disagree by seconds (a completed run whose `run_started_at` is 25 s after
 * its `updated_at` was seen), and the backend refuses a finish before the
 * start with a 400 that GitHub never redelivers, so the run would be lost.
 * A skewed finish is taken to be the start (a zero duration), as the
 * PagerDuty module does for incidents.
 */
export function notBefore(
  finishedAt: string | undefined,
  startedAt: string,
): string | undefined {
  if (finishedAt === undefined) {
    return undefined;
  }
  const finished = Date.parse(finishedAt);
  const started = Date.parse(startedAt);
  return finished < started ? startedAt : finishedAt;
}

/** Longest environment name the backend stores (GitHub allows 255). */
const MAX_ENVIRONMENT_LENGTH = 63;

/**
 * Whether the backend can store the deployment: it rejects environment
 * names over 63 characters, and one bad item would fail the whole batch.
 */
export function hasStorableEnvironment(input: DeploymentInput): boolean {
  return input.environment.length <= MAX_ENVIRONMENT_LENGTH;
}

/** `deployment-<id>`: the externalId of a GitHub deployment. */
export function deploymentExternalId(id: number): string {
  return `deployment-${id}`;
}

/** `run-<id>`: the externalId of a workflow run. */
export function workflowRunExternalId(id: number): string {
  return `run-${id}`;
}

/**
 * What the Release Coordinator writes into the `payload` of a deployment it
 * creates for a rollback, so that pulls and webhooks recognise it: the
 * version at the top level (the usual place), the rest namespaced.
 */
export interface RollbackDeploymentPayload {
  version: string;
  releaseCoordinator: {
    kind: 'rollback';
    /** `externalId` of the deployment rolled back, when known. */
    rollbackOf?: string;
    /** Who asked for the rollback (user entity ref or `release-coordinator`). */
    initiator: string;
    /** The backend's idempotency key; a retry finds the deployment by it. */
    idempotencyKey: string;
    reason: string;
  };
}

/** The deployment's payload as an object (GitHub may return a JSON string). */
export function deploymentPayload(
  deployment: Pick<GithubDeploymentLike, 'payload'>,
): Record<string, unknown> {
  let payload = deployment.payload;
  if (typeof payload === 'string' && payload.trim().startsWith('{')) {
    try {
      payload = JSON.parse(payload);
    } catch {
      payload = undefined;
    }
  }
  return typeof payload === 'object' && payload !== null
    ? (payload as Record<string, unknown>)
    : {};
}

function payloadString(
  payload: Record<string, unknown>,
  key: string,
): string | undefined {
  const value = payload[key];
  return typeof value === 'string' && value.trim()
    ? value.trim().slice(0, 255)
    : undefined;
}

/**
 * A GitHub deployment with its statuses (newest first) as a Release
 * Coordinator deployment.
 *
 * @public
 */
export function deploymentInputFromGithubDeployment(options: {
  entityRef: string;
  deployment: GithubDeploymentLike;
  statuses: GithubDeploymentStatusLike[];
  commits?: DeploymentCommit[];
}): DeploymentInput {
  const { entityRef, deployment, statuses, commits } = options;
  const history = deploymentStatusFromHistory(statuses);
  const { status, url } = history;
  const finishedAt = notBefore(history.finishedAt, deployment.created_at);
  const payload = deploymentPayload(deployment);
  const externalId = deploymentExternalId(deployment.id);
  // Set on deployments this module created for a rollback.
  const marker = deploymentPayload({ payload: payload.releaseCoordinator });
  const isRollback = marker.kind === 'rollback';
  const rollbackOf = payloadString(marker, 'rollbackOf');
  const initiator =
    (isRollback && payloadString(marker, 'initiator')) ||
    deployment.creator?.login;
  return {
    entityRef,
    environment: deployment.environment,
    source: GITHUB_SOURCE,
    externalId,
    version: payloadString(payload, 'version') ?? deployment.ref.slice(0, 255),
    commitSha: deployment.sha,
    kind: isRollback ? 'rollback' : 'deploy',
    ...(isRollback &&
      rollbackOf &&
      rollbackOf !== externalId && { rollbackOf }),
    status,
    startedAt: deployment.created_at,
    ...(finishedAt && { finishedAt }),
    ...(initiator && { initiator }),
    ...(url && { url }),
    ...(commits && { commits }),
  };
}

/**
 * A run of a deploy workflow as a Release Coordinator deployment. Its
 * version is the short commit sha (runs carry no version of their own).
 *
 * @public
 */
export function deploymentInputFromWorkflowRun(options: {
  entityRef: string;
  environment: string;
  run: GithubWorkflowRunLike;
  commits?: DeploymentCommit[];
}): DeploymentInput {
  const { entityRef, environment, run, commits } = options;
  const status = mapWorkflowRunStatus(run.status, run.conclusion);
  const initiator = run.triggering_actor?.login ?? run.actor?.login;
  const finished =
    status === 'succeeded' || status === 'failed' || status === 'cancelled';
  const startedAt = run.run_started_at ?? run.created_at;
  return {
    entityRef,
    environment,
    source: GITHUB_SOURCE,
    externalId: workflowRunExternalId(run.id),
    version: run.head_sha.slice(0, 7),
    commitSha: run.head_sha,
    kind: 'deploy',
    status,
    startedAt,
    ...(finished && { finishedAt: notBefore(run.updated_at, startedAt) }),
    ...(initiator && { initiator }),
    url: run.html_url,
    ...(commits && { commits }),
  };
}

/** The run's head commit, the fallback when there is no earlier deployment. */
export function headCommitOf(
  run: GithubWorkflowRunLike,
): DeploymentCommit[] | undefined {
  return run.head_commit
    ? [{ sha: run.head_commit.id, committedAt: run.head_commit.timestamp }]
    : undefined;
}

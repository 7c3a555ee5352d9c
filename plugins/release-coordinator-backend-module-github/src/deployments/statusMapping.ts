import { DeploymentStatus } from '@release-coordinator/backstage-plugin-common';

/**
 * States of a GitHub deployment status (REST `deployment_status.state`).
 *
 * @public
 */
export const GITHUB_DEPLOYMENT_STATES = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
] as const;

/**
 * Maps one GitHub deployment status state. `inactive` returns undefined: it
 * only says a later deployment to the environment superseded this one, not
 * how this one ended (see {@link deploymentStatusFromHistory}).
 *
 * @public
 */
export function mapDeploymentState(
  state: string,
): DeploymentStatus | undefined {
  switch (state) {
    case 'queued':
    case 'pending':
      return 'queued';
    case 'in_progress':
      return 'in_progress';
    case 'success':
      return 'succeeded';
    case 'failure':
    case 'error':
      return 'failed';
    default:
      return undefined;
  }
}

/** A deployment status as far as the mapping needs it. */
export interface GithubDeploymentStatusLike {
  state: string;
  created_at: string;
  log_url?: string | null;
  target_url?: string | null;
}

/**
 * The status of a deployment from its statuses, newest first (the order
 * GitHub lists them in): the newest state other than `inactive`. A
 * deployment without statuses is `queued`; one whose only statuses are
 * `inactive` was superseded before it reported anything and counts as
 * `cancelled`. `finishedAt` is the time of the terminal status.
 *
 * @public
 */
export function deploymentStatusFromHistory(
  statuses: GithubDeploymentStatusLike[],
): {
  status: DeploymentStatus;
  finishedAt?: string;
  url?: string;
} {
  if (statuses.length === 0) {
    return { status: 'queued' };
  }
  const url =
    statuses.map(s => s.log_url || s.target_url).find(Boolean) ?? undefined;
  for (const entry of statuses) {
    const status = mapDeploymentState(entry.state);
    if (status) {
      const terminal = status === 'succeeded' || status === 'failed';
      return {
        status,
        ...(terminal && { finishedAt: entry.created_at }),
        ...(url && { url }),
      };
    }
  }
  return {
    status: 'cancelled',
    finishedAt: statuses[0].created_at,
    ...(url && { url }),
  };
}

/**
 * Maps a GitHub Actions workflow run's `status` and `conclusion`:
 * requested/queued/pending/waiting → queued; in_progress → in_progress;
 * completed + success or neutral → succeeded; completed + failure,
 * timed_out or startup_failure → failed; completed + cancelled, skipped,
 * stale or action_required (never ran) → cancelled.
 *
 * @public
 */
export function mapWorkflowRunStatus(
  status: string | null | undefined,
  conclusion: string | null | undefined,
): DeploymentStatus {
  if (status !== 'completed') {
    return status === 'in_progress' ? 'in_progress' : 'queued';
  }
  switch (conclusion) {
    case 'success':
    case 'neutral':
      return 'succeeded';
    case 'failure':
    case 'timed_out':
    case 'startup_failure':
      return 'failed';
    default:
      return 'cancelled';
  }
}

import { DeploymentStatus } from '@release-coordinator/backstage-plugin-common';

/**
 * Every deployment status GitLab documents (Deployments API and deployment
 * hooks), mapped to the Release Coordinator's statuses. `blocked` waits for
 * an approval or a manual action, so it counts as queued.
 *
 * @public
 */
export const GITLAB_DEPLOYMENT_STATUS_MAP: Readonly<
  Record<string, DeploymentStatus>
> = {
  created: 'queued',
  blocked: 'queued',
  running: 'in_progress',
  success: 'succeeded',
  failed: 'failed',
  canceled: 'cancelled',
  skipped: 'cancelled',
};

/**
 * Maps a GitLab deployment status. A status GitLab adds later maps to
 * `queued`, the lowest status: the backend only moves statuses forward, so
 * the deployment is corrected as soon as it reaches a known one.
 *
 * @public
 */
export function mapGitlabDeploymentStatus(status: string): DeploymentStatus {
  return GITLAB_DEPLOYMENT_STATUS_MAP[status] ?? 'queued';
}

/**
 * Every pipeline status GitLab documents, for projects that deploy without
 * GitLab environments. Waiting states count as queued; `canceling` is still
 * running.
 *
 * @public
 */
export const GITLAB_PIPELINE_STATUS_MAP: Readonly<
  Record<string, DeploymentStatus>
> = {
  created: 'queued',
  waiting_for_resource: 'queued',
  preparing: 'queued',
  pending: 'queued',
  scheduled: 'queued',
  manual: 'queued',
  running: 'in_progress',
  canceling: 'in_progress',
  success: 'succeeded',
  failed: 'failed',
  canceled: 'cancelled',
  skipped: 'cancelled',
};

/**
 * Maps a GitLab pipeline status; unknown ones map to `queued` as for
 * deployments.
 *
 * @public
 */
export function mapGitlabPipelineStatus(status: string): DeploymentStatus {
  return GITLAB_PIPELINE_STATUS_MAP[status] ?? 'queued';
}

/** Whether a Release Coordinator status is final. */
export function isTerminalStatus(status: DeploymentStatus): boolean {
  return (
    status === 'succeeded' || status === 'failed' || status === 'cancelled'
  );
}

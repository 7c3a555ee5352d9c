/**
 * GitLab deployments (Deployments API, incremental pulls), rollback by job
 * retry, and the GitLab deployment webhook for Release Coordinator.
 *
 * @packageDocumentation
 */

export { releaseCoordinatorModuleGitlab as default } from './module';
export {
  GitlabClient,
  GitlabApiError,
  type GitlabClientOptions,
} from './GitlabClient';
export {
  GitlabDeploymentProvider,
  toDeploymentInput,
  type GitlabDeploymentProviderOptions,
} from './GitlabDeploymentProvider';
export { GitlabWebhookHandler } from './GitlabWebhookHandler';
export {
  GITLAB_DEPLOYMENT_STATUS_MAP,
  GITLAB_PIPELINE_STATUS_MAP,
  mapGitlabDeploymentStatus,
  mapGitlabPipelineStatus,
} from './statusMapping';
export { type PipelineDeploymentsOptions } from './pipelines';

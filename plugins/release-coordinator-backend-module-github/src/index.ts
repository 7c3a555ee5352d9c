/**
 * GitHub deployments, Actions workflow runs, check runs and webhooks for the
 * Release Coordinator backend.
 *
 * @packageDocumentation
 */

export { releaseCoordinatorModuleGithub as default } from './module';
export {
  GithubClientFactory,
  type GithubClientFactoryOptions,
  type GithubOctokitClient,
  type GithubRateLimitPolicy,
} from './client/GithubClientFactory';
export {
  ANNOTATION_GITHUB_DEPLOY_WORKFLOW,
  readGithubModuleConfig,
  type GithubDeployWorkflow,
  type GithubModuleConfig,
  type GithubRollbackWorkflow,
} from './config';
export {
  GithubDeploymentProvider,
  type GithubDeploymentProviderOptions,
} from './deployments/GithubDeploymentProvider';
export {
  parseRollbackRunTitle,
  rollbackRunTitle,
  type RollbackRunTitle,
} from './deployments/rollbackRuns';
export {
  DEFAULT_RUN_DISCOVERY,
  ROLLBACK_WORKFLOW_INPUTS,
  type RunDiscoveryPolicy,
} from './deployments/rollbackWorkflow';
export {
  deploymentStatusFromHistory,
  GITHUB_DEPLOYMENT_STATES,
  mapDeploymentState,
  mapWorkflowRunStatus,
} from './deployments/statusMapping';
export {
  checkRunEvidence,
  checkRunEvidenceStatus,
  type GithubCheckRunLike,
} from './checks/checkRunEvidence';
export {
  GithubWebhookHandler,
  type GithubWebhookHandlerOptions,
} from './webhooks/GithubWebhookHandler';
export { signGithubPayload, verifyGithubSignature } from './webhooks/signature';

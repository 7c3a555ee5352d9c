/**
 * Argo CD application history, failed syncs and rollbacks for the Release
 * Coordinator, configured under `releaseCoordinator.argocd.instances`.
 *
 * @packageDocumentation
 */

export { releaseCoordinatorModuleArgoCd as default } from './module';
export {
  ArgoCdDeploymentProvider,
  ANNOTATION_ARGOCD_INSTANCE_NAME,
  type ArgoCdDeploymentProviderOptions,
} from './ArgoCdDeploymentProvider';
export {
  readArgoCdConfig,
  type ArgoCdConfig,
  type ArgoCdInstance,
} from './config';
export { ARGOCD_ENVIRONMENT_LABEL } from './environment';
export { ARGOCD_SOURCE } from './mapping';

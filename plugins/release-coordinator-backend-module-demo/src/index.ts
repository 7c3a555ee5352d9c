/**
 * Deterministic demo deployments and incidents for the Release Coordinator
 * example services, enabled with `releaseCoordinator.demo.enabled: true`.
 *
 * @packageDocumentation
 */

export { releaseCoordinatorModuleDemo as default } from './module';
export {
  DemoDeploymentProvider,
  DemoIncidentProvider,
  type DemoProviderOptions,
} from './DemoProviders';

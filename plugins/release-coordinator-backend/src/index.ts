/**
 * Backend plugin of the Release Coordinator.
 *
 * @packageDocumentation
 */

export { releaseCoordinatorPlugin as default } from './plugin';

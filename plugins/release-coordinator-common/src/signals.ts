/**
 * Signal channels of the Release Coordinator: the backend publishes on them
 * when data changes, and open tabs listen to reload. The strings are a
 * contract between backend and frontend; build them only through these
 * functions.
 */

import { ReleaseState } from './types';

/**
 * The channel on which changes of one release are announced.
 *
 * @public
 */
export function releaseSignalChannel(releaseId: string): string {
  return `release-coordinator:release:${releaseId}`;
}

/**
 * The channel on which changes of any release of an entity are announced
 * (a new release, or a change of one of them).
 *
 * @public
 * @param entityRef - the entity ref; lower-cased as the backend stores it
 */
export function entityReleasesSignalChannel(entityRef: string): string {
  return `release-coordinator:releases:${entityRef.toLocaleLowerCase('en-US')}`;
}

/**
 * The channel on which changes of an entity's deployments (a new or updated
 * deployment, a rollback) are announced.
 *
 * @public
 * @param entityRef - the entity ref; lower-cased as the backend stores it
 */
export function entityDeploymentsSignalChannel(entityRef: string): string {
  return `release-coordinator:deployments:${entityRef.toLocaleLowerCase(
    'en-US',
  )}`;
}

/**
 * The channel on which new or changed daily cost records of an entity
 * (pushed to `POST /events/costs` or pulled by a cost provider) are
 * announced; the Delivery metrics tab listens to it and reloads.
 *
 * @public
 * @param entityRef - the entity ref; lower-cased as the backend stores it
 */
export function entityCostsSignalChannel(entityRef: string): string {
  return `release-coordinator:costs:${entityRef.toLocaleLowerCase('en-US')}`;
}

/**
 * What changed a release, as named in a {@link ReleaseSignalMessage}.
 *
 * @public
 */
export type ReleaseSignalAction =
  | 'create'
  | 'update'
  | 'evidence'
  | 'attest'
  | 'waive'
  | 'approve'
  | 'reject'
  | 'override'
  | 'notify'
  | 'deployment';

/**
 * The message published on {@link releaseSignalChannel} and
 * {@link entityReleasesSignalChannel} after a release changed.
 *
 * @public
 */
export interface ReleaseSignalMessage {
  releaseId: string;
  /** Lower-case entity ref of the release's entity. */
  entityRef: string;
  /** The release's state after the change. */
  state: ReleaseState;
  action: ReleaseSignalAction;
}

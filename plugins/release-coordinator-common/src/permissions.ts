import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The catalog's resource type. Spelled out here rather than imported so that
 * this isomorphic package does not depend on catalog packages; it must stay
 * equal to `RESOURCE_TYPE_CATALOG_ENTITY` of `@backstage/plugin-catalog-common`.
 *
 * @public
 */
export const RELEASE_COORDINATOR_RESOURCE_TYPE = 'catalog-entity' as const;

/**
 * Read the releases, checklist, approvals, deployments and audit trail of an entity.
 *
 * @public
 */
export const releaseReadPermission = createPermission({
  name: 'release-coordinator.release.read',
  attributes: { action: 'read' },
  resourceType: RELEASE_COORDINATOR_RESOURCE_TYPE,
});

/**
 * Create a release of an entity; its creator may also change the release's
 * commit, digest or plan (changing anyone's release is {@link releaseUpdatePermission}).
 *
 * @public
 */
export const releaseCreatePermission = createPermission({
  name: 'release-coordinator.release.create',
  attributes: { action: 'create' },
  resourceType: RELEASE_COORDINATOR_RESOURCE_TYPE,
});

/**
 * Attest a manual checklist item of a release of an entity.
 *
 * @public
 */
export const checklistAttestPermission = createPermission({
  name: 'release-coordinator.checklist.attest',
  attributes: { action: 'update' },
  resourceType: RELEASE_COORDINATOR_RESOURCE_TYPE,
});

/**
 * Waive a failed checklist item of a release of an entity, with a reason.
 *
 * @public
 */
export const checklistWaivePermission = createPermission({
  name: 'release-coordinator.checklist.waive',
  attributes: { action: 'update' },
  resourceType: RELEASE_COORDINATOR_RESOURCE_TYPE,
});

/**
 * Approve or reject a release of an entity.
 *
 * @public
 */
export const releaseApprovePermission = createPermission({
  name: 'release-coordinator.release.approve',
  attributes: { action: 'update' },
  resourceType: RELEASE_COORDINATOR_RESOURCE_TYPE,
});

/**
 * Approve or deploy a release of an entity during a freeze window (emergency override).
 *
 * @public
 */
export const freezeOverridePermission = createPermission({
  name: 'release-coordinator.freeze.override',
  attributes: { action: 'update' },
  resourceType: RELEASE_COORDINATOR_RESOURCE_TYPE,
});

/**
 * Roll back a deployment of an entity to an earlier version.
 *
 * @public
 */
export const deploymentRollbackPermission = createPermission({
  name: 'release-coordinator.deployment.rollback',
  attributes: { action: 'create' },
  resourceType: RELEASE_COORDINATOR_RESOURCE_TYPE,
});

/**
 * Read the delivery metrics and cost of an entity (or of what a group or system owns).
 *
 * @public
 */
export const metricsReadPermission = createPermission({
  name: 'release-coordinator.metrics.read',
  attributes: { action: 'read' },
  resourceType: RELEASE_COORDINATOR_RESOURCE_TYPE,
});

/**
 * Change the commit, digest or plan of any release of an entity, whoever
 * created it (`PATCH /releases/:id`).
 *
 * @public
 */
export const releaseUpdatePermission = createPermission({
  name: 'release-coordinator.release.update',
  attributes: { action: 'update' },
  resourceType: RELEASE_COORDINATOR_RESOURCE_TYPE,
});

/**
 * Push machine input for an entity: deployments, incidents and cost
 * (`POST /events/*`) and automatic checklist evidence
 * (`POST /releases/:id/evidence`). Meant for CI and other services, not for
 * people: a pushed incident can trigger an automated rollback, a pushed
 * deployment status can settle a rollback.
 *
 * @public
 */
export const eventsPushPermission = createPermission({
  name: 'release-coordinator.events.push',
  attributes: { action: 'create' },
  resourceType: RELEASE_COORDINATOR_RESOURCE_TYPE,
});

/**
 * Every permission of the Release Coordinator, for registration with the
 * permissions registry and for policy authors.
 *
 * @public
 */
export const releaseCoordinatorPermissions = [
  releaseReadPermission,
  releaseCreatePermission,
  checklistAttestPermission,
  checklistWaivePermission,
  releaseApprovePermission,
  freezeOverridePermission,
  deploymentRollbackPermission,
  metricsReadPermission,
  releaseUpdatePermission,
  eventsPushPermission,
];

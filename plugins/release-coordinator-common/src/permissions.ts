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
 * Create a release of an entity, or change its commit, digest or plan.
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
];

import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  deploymentRollbackPermission,
  eventsPushPermission,
  metricsReadPermission,
  releaseCoordinatorPermissions,
  releaseReadPermission,
  releaseUpdatePermission,
} from './permissions';

describe('releaseCoordinatorPermissions', () => {
  it('holds the ten permissions of the plugin by name', () => {
    expect(releaseCoordinatorPermissions.map(p => p.name)).toEqual([
      'release-coordinator.release.read',
      'release-coordinator.release.create',
      'release-coordinator.checklist.attest',
      'release-coordinator.checklist.waive',
      'release-coordinator.release.approve',
      'release-coordinator.freeze.override',
      'release-coordinator.deployment.rollback',
      'release-coordinator.metrics.read',
      'release-coordinator.release.update',
      'release-coordinator.events.push',
    ]);
  });

  it('makes every permission a catalog-entity resource permission', () => {
    for (const permission of releaseCoordinatorPermissions) {
      expect(isResourcePermission(permission, 'catalog-entity')).toBe(true);
    }
  });

  it('marks only the read permissions as read actions', () => {
    const readNames = releaseCoordinatorPermissions
      .filter(p => p.attributes.action === 'read')
      .map(p => p.name);
    expect(readNames).toEqual([
      releaseReadPermission.name,
      metricsReadPermission.name,
    ]);
    expect(deploymentRollbackPermission.attributes.action).toBe('create');
    expect(eventsPushPermission.attributes.action).toBe('create');
    expect(releaseUpdatePermission.attributes.action).toBe('update');
  });
});

import { ReactNode } from 'react';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { mockApis, TestApiProvider } from '@backstage/test-utils';
import { Release } from '@release-coordinator/backstage-plugin-common';
import { ReleaseCoordinatorApi, releaseCoordinatorApiRef } from '../api';

/** A component with a GitHub annotation, i.e. one the tabs apply to. */
export const annotatedComponent: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    title: 'Payments API',
    annotations: { 'github.com/project-slug': 'acme/payments' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

/** A component with none of the Release Coordinator annotations. */
export const plainComponent: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'legacy-batch', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

/** A group, for the Delivery overview. */
export const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', namespace: 'default', title: 'Team A' },
  spec: { type: 'team', children: [] },
};

/** A release as the backend returns it. */
export function makeRelease(overrides: Partial<Release> = {}): Release {
  return {
    id: 'rel-1',
    entityRef: 'component:default/payments',
    environment: 'production',
    version: '1.4.0',
    plan: {
      strategy: 'rolling',
      zeroDowntime: false,
      hasDatabaseMigrations: false,
      hasConfigChanges: false,
    },
    state: 'ready',
    createdBy: 'user:default/alice',
    commitAuthors: [],
    createdAt: '2026-11-20T10:00:00.000Z',
    updatedAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}

/** A promise that never settles: keeps a hook in its loading state. */
export function pending<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

/** Wraps a tab in the API and entity it needs. */
export function withApiAndEntity(
  api: Partial<ReleaseCoordinatorApi>,
  entity: Entity,
  children: ReactNode,
) {
  return (
    <TestApiProvider
      apis={[
        [releaseCoordinatorApiRef, api],
        // Every app has a permission API; this one allows everything.
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={entity}>{children}</EntityProvider>
    </TestApiProvider>
  );
}

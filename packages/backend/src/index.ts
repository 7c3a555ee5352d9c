/*
 * The Release Coordinator demo portal backend (new backend system).
 *
 * Embedded defaults (app-config.yaml): SQLite files under .data/, guest
 * sign-in, example catalog. Production (app-config.production.yaml):
 * PostgreSQL from environment variables.
 */
import { createBackend } from '@backstage/backend-defaults';
import { releaseCoordinatorPermissionPolicyModule } from './permissionPolicy';

const backend = createBackend();

// Serves the built frontend (packages/app) from the backend.
backend.add(import('@backstage/plugin-app-backend'));

// Sign-in: the guest provider in the demo portal; use any Backstage auth
// provider in production.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));

// Permissions: a policy that honours Release Coordinator's permissions.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(releaseCoordinatorPermissionPolicyModule);

backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@release-coordinator/backstage-plugin-backend'));
// Deterministic demo deployments and incidents for the example services;
// on only where `releaseCoordinator.demo.enabled` is true (app-config.yaml).
backend.add(
  import('@release-coordinator/backstage-plugin-backend-module-demo'),
);

backend.start();

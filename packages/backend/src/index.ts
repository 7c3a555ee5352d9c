/*
 * The Release Coordinator demo portal backend (new backend system).
 *
 * Embedded defaults (app-config.yaml): SQLite files under .data/, guest
 * sign-in, example catalog. Production (app-config.production.yaml):
 * PostgreSQL and GitHub sign-in from environment variables.
 */
import { createBackend } from '@backstage/backend-defaults';
import { releaseCoordinatorPermissionPolicyModule } from './permissionPolicy';
import { databaseAwareRootHealthServiceFactory } from './readiness';
import { signInProviders } from './signInSafety';

const backend = createBackend();

// Readiness (/.backstage/health/v1/readiness) fails while the Release
// Coordinator's database is unavailable, not only before start-up.
backend.add(databaseAwareRootHealthServiceFactory);

// Serves the built frontend (packages/app) from the backend.
backend.add(import('@backstage/plugin-app-backend'));

// Sign-in: guest and the development-only example users in the demo portal
// (app-config.yaml), GitHub in production (app-config.production.yaml). The
// backend refuses to start outside development while guest or the example
// users are on (src/signInSafety.ts).
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(signInProviders);

backend.add(import('@backstage/plugin-catalog-backend'));

// Permissions: a policy that honours Release Coordinator's permissions.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(releaseCoordinatorPermissionPolicyModule);

backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@release-coordinator/backstage-plugin-backend'));
// Release Coordinator's actions (readiness, releases, approvals, rollbacks,
// metrics) as MCP tools for AI agents at /api/mcp-actions/v1, acting with
// the caller's own credentials (docs/agents.md); which plugins' actions are
// served is `backend.actions.pluginSources` (app-config.yaml).
backend.add(import('@backstage/plugin-mcp-actions-backend'));
// Deterministic demo deployments and incidents for the example services;
// on only where `releaseCoordinator.demo.enabled` is true (app-config.yaml).
backend.add(
  import('@release-coordinator/backstage-plugin-backend-module-demo'),
);
// GitHub deployments, Actions runs and check runs: inert until a GitHub
// token/App (integrations.github), deploy workflows or the webhook secret
// (releaseCoordinator.webhooks.github.secret) are configured.
backend.add(
  import('@release-coordinator/backstage-plugin-backend-module-github'),
);
// GitLab deployments and deployment hooks: inert until integrations.gitlab or
// releaseCoordinator.webhooks.gitlab.token is configured.
backend.add(
  import('@release-coordinator/backstage-plugin-backend-module-gitlab'),
);
// Argo CD application history, failed syncs and rollbacks: inert until
// releaseCoordinator.argocd.instances lists a server.
backend.add(
  import('@release-coordinator/backstage-plugin-backend-module-argocd'),
);
// Alertmanager webhook and PagerDuty incidents: inert until their
// secrets/tokens are configured (releaseCoordinator.webhooks.*, .pagerduty).
backend.add(
  import('@release-coordinator/backstage-plugin-backend-module-prometheus'),
);
backend.add(
  import('@release-coordinator/backstage-plugin-backend-module-pagerduty'),
);
// OpenCost daily cost per entity (opencost.io/aggregate): inert until
// releaseCoordinator.opencost.baseUrl is configured.
backend.add(
  import('@release-coordinator/backstage-plugin-backend-module-opencost'),
);
// AWS Cost Explorer daily cost per entity (aws.amazon.com/cost-insights-tags):
// inert until releaseCoordinator.awsCost is configured.
backend.add(
  import('@release-coordinator/backstage-plugin-backend-module-aws-cost'),
);

backend.start();

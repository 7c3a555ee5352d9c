import {
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  HealthResponse,
  ListResponse,
  Release,
  releaseReadPermission,
} from '@release-coordinator/backstage-plugin-common';
import express from 'express';
import Router from 'express-promise-router';
import { ReleaseStore } from '../database/ReleaseStore';
import { DeploymentService } from '../deployments/DeploymentService';
import { createDeploymentsRouter } from '../deployments/router';
import { ReleaseService } from '../releases/ReleaseService';
import { createReleasesRouter } from '../releases/router';
import { MetricsService } from '../metrics/MetricsService';
import { createMetricsRouter } from '../metrics/router';
import { CostService } from '../costs/CostService';
import { createCostsRouter } from '../costs/router';
import { WebhookService } from '../webhooks/WebhookService';
import { createWebhooksRouter } from '../webhooks/router';
import { RollbackService } from '../rollbacks/RollbackService';
import { createRollbacksRouter } from '../rollbacks/router';
import { authorizeEntityRoute } from './entityAccess';
import { listReleasesQuerySchema, parseInput } from './validation';

/** What the router needs from the plugin's wiring. */
export interface RouterOptions {
  config: RootConfigService;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: ReleaseStore;
  auth: AuthService;
  deployments: DeploymentService;
  userInfo: UserInfoService;
  releases: ReleaseService;
  metrics: MetricsService;
  costs: CostService;
  webhooks: WebhookService;
  rollbacks: RollbackService;
}

/** Creates the HTTP API of the plugin (see src/schema/openapi.yaml). */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { config, logger, httpAuth, permissions, catalog, store } = options;

  const router = Router();
  // Before express.json: webhooks read raw bodies (signatures), the events
  // routes parse their own, larger bodies.
  router.use(createWebhooksRouter(options));
  router.use(createDeploymentsRouter(options));
  router.use(createCostsRouter(options));
  router.use(express.json());

  router.get('/health', (_req, res) => {
    const body: HealthResponse = { status: 'ok' };
    res.json(body);
  });

  router.get('/entities/:kind/:namespace/:name/releases', async (req, res) => {
    const query = parseInput(listReleasesQuerySchema, req.query, 'query');
    const { entityRef } = await authorizeEntityRoute({
      req,
      httpAuth,
      catalog,
      permissions,
      permission: releaseReadPermission,
      action: 'read the releases of',
    });

    const items = await store.listReleases({
      entityRef,
      environment: query.environment,
      limit: query.limit,
    });
    const body: ListResponse<Release> = { items };
    res.json(body);
  });

  router.use(createReleasesRouter(options));

  router.use(createMetricsRouter(options));

  router.use(createRollbacksRouter(options));

  router.use(MiddlewareFactory.create({ config, logger }).error());
  return router;
}

import {
  AuthService,
  HttpAuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  HealthResponse,
  ListResponse,
  Release,
} from '@release-coordinator/backstage-plugin-common';
import express from 'express';
import Router from 'express-promise-router';
import { ReleaseStore } from '../database/ReleaseStore';
import { DeploymentService } from '../deployments/DeploymentService';
import { createDeploymentsRouter } from '../deployments/router';
import { ReleaseService } from '../releases/ReleaseService';
import { createReleasesRouter } from '../releases/router';
import { MetricsService } from '../metrics/MetricsService';
import { MetricsEvidenceService } from '../metrics/evidence/MetricsEvidenceService';
import { createMetricsRouter } from '../metrics/router';
import { CostService } from '../costs/CostService';
import { createCostsRouter } from '../costs/router';
import { WebhookService } from '../webhooks/WebhookService';
import { createWebhooksRouter } from '../webhooks/router';
import { RollbackService } from '../rollbacks/RollbackService';
import { createRollbacksRouter } from '../rollbacks/router';
import { readReportSettings } from '../reports/config';
import { createReportsRouter } from '../reports/router';
import { AccessControl } from '../access/AccessControl';
import { HttpAccess } from '../access/HttpAccess';
import { Operations } from '../operations/Operations';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  databaseUnavailableHandler,
} from './databaseAvailability';
import { inputGuard, jsonBody } from './inputGuard';
import { upstreamErrorHandler } from './upstreamErrors';

/** What the router needs from the plugin's wiring. */
export interface RouterOptions {
  config: RootConfigService;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  /** Every route's authorization goes through it (src/access). */
  access: AccessControl;
  catalog: CatalogService;
  store: ReleaseStore;
  auth: AuthService;
  deployments: DeploymentService;
  releases: ReleaseService;
  metrics: MetricsService;
  /** The metrics drill-down (docs/metrics.md, "Drill-down"). */
  evidence: MetricsEvidenceService;
  costs: CostService;
  webhooks: WebhookService;
  rollbacks: RollbackService;
  /** What routes and actions share (src/operations). */
  operations: Operations;
  /** Rejects when the plugin's database does not answer (for /health). */
  checkDatabase: () => Promise<void>;
}

/** Creates the HTTP API of the plugin (see src/schema/openapi.yaml). */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { config, logger, httpAuth, operations } = options;
  const access = new HttpAccess(httpAuth, options.access);
  const routerOptions = { ...options, access };

  const router = Router();
  // First: NUL and lone surrogates in the path or query are refused with a
  // 400 naming the field before any route reads them (bodies: jsonBody).
  router.use(inputGuard());
  // Before express.json: webhooks read raw bodies (signatures), the events
  // routes parse their own, larger bodies, reports are raw files.
  router.use(createWebhooksRouter(options));
  router.use(createDeploymentsRouter(routerOptions));
  router.use(createCostsRouter(routerOptions));
  router.use(
    createReportsRouter({
      ...routerOptions,
      reportSettings: readReportSettings(config),
    }),
  );
  router.use(jsonBody());

  // Ready only while the database answers (docs/operations.md): load
  // balancers and the portal's readiness probe take a replica whose
  // database is unreachable out of rotation.
  router.get('/health', async (_req, res) => {
    try {
      await options.checkDatabase();
    } catch (error) {
      logger.warn(`Health check: the database is unavailable: ${error}`);
      const body: HealthResponse = {
        status: 'unavailable',
        message: 'The Release Coordinator database is unavailable',
      };
      res
        .status(503)
        .setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS))
        .json(body);
      return;
    }
    const body: HealthResponse = { status: 'ok' };
    res.json(body);
  });

  router.get('/entities/:kind/:namespace/:name/releases', async (req, res) => {
    const body: ListResponse<Release> = await operations.listReleases({
      ...(await access.call(req)),
      entity: access.entityPath(req),
      query: req.query,
    });
    res.json(body);
  });

  router.use(createReleasesRouter(routerOptions));

  router.use(createMetricsRouter(routerOptions));

  router.use(createRollbacksRouter(routerOptions));

  router.use(upstreamErrorHandler(logger));
  // A database outage is a 503 with Retry-After, never a 500.
  router.use(databaseUnavailableHandler());
  router.use(MiddlewareFactory.create({ config, logger }).error());
  return router;
}

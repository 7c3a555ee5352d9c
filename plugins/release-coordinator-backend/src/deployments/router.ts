import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Deployment,
  EnvironmentsResponse,
  EventBatchResponse,
  Incident,
  ListResponse,
  releaseCreatePermission,
  releaseReadPermission,
} from '@release-coordinator/backstage-plugin-common';
import express from 'express';
import Router from 'express-promise-router';
import { authorizeEntityRoute } from '../service/entityAccess';
import { parseInput } from '../service/validation';
import { DeploymentService } from './DeploymentService';
import {
  listDeploymentsQuerySchema,
  listIncidentsQuerySchema,
} from './validation';

/** What the deployments routes need from the plugin's wiring. */
export interface DeploymentsRouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  deployments: DeploymentService;
}

// A full batch of 1000 deployments with their commits is far above
// express.json's default 100 kB.
/** Body parser of the events routes (shared by every `POST /events/*`). */
export const eventsBodyParser = express.json({ limit: '10mb' });

/**
 * Who may push events (`POST /events/*`): they are machine input, so service
 * principals (CI) may push for any entity; a user needs `release.create` on
 * every entity of the batch (403 naming the denied ones).
 */
export async function authorizeEvents(options: {
  auth: AuthService;
  permissions: PermissionsService;
  credentials: BackstageCredentials;
  entityRefs: string[];
}): Promise<void> {
  const { auth, permissions, credentials, entityRefs } = options;
  if (!auth.isPrincipal(credentials, 'user')) {
    return;
  }
  const distinct = [...new Set(entityRefs)];
  const decisions = await permissions.authorize(
    distinct.map(resourceRef => ({
      permission: releaseCreatePermission,
      resourceRef,
    })),
    { credentials },
  );
  const denied = distinct.filter(
    (_ref, i) => decisions[i].result !== AuthorizeResult.ALLOW,
  );
  if (denied.length > 0) {
    throw new NotAllowedError(
      `Not allowed to push events for ${denied.join(', ')}`,
    );
  }
}

/**
 * Routes of deployments, incidents and environments (SPEC §7): pushed events
 * and the reads of the Deployments tab. Mount before any body parser with a
 * smaller limit.
 */
export function createDeploymentsRouter(
  options: DeploymentsRouterOptions,
): express.Router {
  const { httpAuth, auth, permissions, catalog, deployments } = options;
  const router = Router();

  router.post('/events/deployments', eventsBodyParser, async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body: EventBatchResponse = {
      items: await deployments.ingestDeployments(
        deployments.toBatch(req.body),
        {
          credentials,
          authorize: entityRefs =>
            authorizeEvents({ auth, permissions, credentials, entityRefs }),
        },
      ),
    };
    res.json(body);
  });

  router.post('/events/incidents', eventsBodyParser, async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body: EventBatchResponse = {
      items: await deployments.ingestIncidents(deployments.toBatch(req.body), {
        credentials,
        authorize: entityRefs =>
          authorizeEvents({ auth, permissions, credentials, entityRefs }),
      }),
    };
    res.json(body);
  });

  router.get(
    '/entities/:kind/:namespace/:name/deployments',
    async (req, res) => {
      const { entityRef } = await authorizeEntityRoute({
        req,
        httpAuth,
        catalog,
        permissions,
        permission: releaseReadPermission,
        action: 'read the deployments of',
      });
      const query = parseInput(listDeploymentsQuerySchema, req.query, 'query');
      const body: ListResponse<Deployment> = await deployments.listDeployments({
        entityRef,
        ...query,
      });
      res.json(body);
    },
  );

  router.get('/entities/:kind/:namespace/:name/incidents', async (req, res) => {
    const { entityRef } = await authorizeEntityRoute({
      req,
      httpAuth,
      catalog,
      permissions,
      permission: releaseReadPermission,
      action: 'read the incidents of',
    });
    const query = parseInput(listIncidentsQuerySchema, req.query, 'query');
    const body: ListResponse<Incident> = await deployments.listIncidents({
      entityRef,
      ...query,
    });
    res.json(body);
  });

  router.get(
    '/entities/:kind/:namespace/:name/environments',
    async (req, res) => {
      const { entityRef } = await authorizeEntityRoute({
        req,
        httpAuth,
        catalog,
        permissions,
        permission: releaseReadPermission,
        action: 'read the environments of',
      });
      const body: EnvironmentsResponse = await deployments.getEnvironments(
        entityRef,
      );
      res.json(body);
    },
  );

  return router;
}

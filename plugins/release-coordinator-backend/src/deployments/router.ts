import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Deployment,
  EnvironmentsResponse,
  EventBatchResponse,
  eventsPushPermission,
  Incident,
  ListResponse,
  releaseReadPermission,
} from '@release-coordinator/backstage-plugin-common';
import express from 'express';
import Router from 'express-promise-router';
import { AccessControl } from '../access/AccessControl';
import { HttpAccess } from '../access/HttpAccess';
import { Operations } from '../operations/Operations';
import { jsonBody } from '../service/inputGuard';
import { parseInput } from '../service/validation';
import { DeploymentService } from './DeploymentService';
import { listIncidentsQuerySchema } from './validation';

/** What the deployments routes need from the plugin's wiring. */
export interface DeploymentsRouterOptions {
  access: HttpAccess;
  deployments: DeploymentService;
  /** What routes and actions share (src/operations). */
  operations: Operations;
}

// A full batch of 1000 deployments with their commits is far above
// express.json's default 100 kB.
/** Body parser of the events routes (shared by every `POST /events/*`). */
export const eventsBodyParser = jsonBody({ limit: '10mb' });

/**
 * Who may push events (`POST /events/*`): they are machine input, so every
 * caller, user or service, needs `release-coordinator.events.push` on every
 * entity of the batch (403 naming the denied ones, nothing stored).
 */
export function eventsAuthorizer(
  control: AccessControl,
  credentials: BackstageCredentials,
): (entityRefs: string[]) => Promise<void> {
  return entityRefs =>
    control.authorizeEntities({
      credentials,
      entityRefs,
      permission: eventsPushPermission,
      action: 'push events for',
    });
}

/**
 * Routes of deployments, incidents and environments (docs/product.md §7): pushed events
 * and the reads of the Deployments tab. Mount before any body parser with a
 * smaller limit.
 */
export function createDeploymentsRouter(
  options: DeploymentsRouterOptions,
): express.Router {
  const { access, deployments, operations } = options;
  const router = Router();

  router.post('/events/deployments', eventsBodyParser, async (req, res) => {
    const credentials = await access.credentials(req);
    const body: EventBatchResponse = {
      items: await deployments.ingestDeployments(
        deployments.toBatch(req.body),
        {
          credentials,
          authorize: eventsAuthorizer(access.control, credentials),
        },
      ),
    };
    res.json(body);
  });

  router.post('/events/incidents', eventsBodyParser, async (req, res) => {
    const credentials = await access.credentials(req);
    const body: EventBatchResponse = {
      items: await deployments.ingestIncidents(deployments.toBatch(req.body), {
        credentials,
        authorize: eventsAuthorizer(access.control, credentials),
      }),
    };
    res.json(body);
  });

  router.get(
    '/entities/:kind/:namespace/:name/deployments',
    async (req, res) => {
      const body: ListResponse<Deployment> = await operations.listDeployments({
        ...(await access.call(req)),
        entity: access.entityPath(req),
        query: req.query,
      });
      res.json(body);
    },
  );

  router.get('/entities/:kind/:namespace/:name/incidents', async (req, res) => {
    const credentials = await access.credentials(req);
    const query = parseInput(listIncidentsQuerySchema, req.query, 'query');
    const { entityRef } = await access.entityRoute(
      req,
      releaseReadPermission,
      'read the incidents of',
      credentials,
    );
    const body: ListResponse<Incident> = await deployments.listIncidents({
      entityRef,
      ...query,
    });
    res.json(body);
  });

  router.get(
    '/entities/:kind/:namespace/:name/environments',
    async (req, res) => {
      const body: EnvironmentsResponse = await operations.getEnvironments({
        ...(await access.call(req)),
        entity: access.entityPath(req),
      });
      res.json(body);
    },
  );

  return router;
}

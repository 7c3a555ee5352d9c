import {
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  deploymentRollbackPermission,
  ListResponse,
  releaseReadPermission,
  Rollback,
  RollbackPlan,
  RollbackResponse,
} from '@release-coordinator/backstage-plugin-common';
import express from 'express';
import Router from 'express-promise-router';
import { resolveActor } from '../releases/actor';
import { authorizeEntityRoute } from '../service/entityAccess';
import { parseInput } from '../service/validation';
import { RollbackService } from './RollbackService';
import {
  createRollbackSchema,
  IDEMPOTENCY_KEY_HEADER,
  listRollbacksQuerySchema,
  parseIdempotencyKey,
  rollbackPathSchema,
  rollbackPlanQuerySchema,
} from './validation';

/** What the rollback routes need from the plugin's wiring. */
export interface RollbacksRouterOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  catalog: CatalogService;
  rollbacks: RollbackService;
}

/**
 * Routes of rollbacks (SPEC §5, §7): start one, list them, the plan for
 * the Rollback dialog, and one rollback by id.
 */
export function createRollbacksRouter(
  options: RollbacksRouterOptions,
): express.Router {
  const { httpAuth, userInfo, permissions, catalog, rollbacks } = options;
  const router = Router();
  router.use(express.json());

  router.post(
    '/entities/:kind/:namespace/:name/rollbacks',
    async (req, res) => {
      const idempotencyKey = parseIdempotencyKey(
        req.header(IDEMPOTENCY_KEY_HEADER),
      );
      const request = parseInput(createRollbackSchema, req.body, 'body');
      const { entityRef, credentials } = await authorizeEntityRoute({
        req,
        httpAuth,
        catalog,
        permissions,
        permission: deploymentRollbackPermission,
        action: 'roll back',
      });
      const actor = await resolveActor(credentials, userInfo);
      const rollback = await rollbacks.start({
        entityRef,
        ...request,
        idempotencyKey,
        initiator: actor.ref,
        credentials,
        httpRequest: req,
      });
      const body: RollbackResponse = { rollback };
      res.status(202).json(body);
    },
  );

  router.get('/entities/:kind/:namespace/:name/rollbacks', async (req, res) => {
    const { entityRef } = await authorizeEntityRoute({
      req,
      httpAuth,
      catalog,
      permissions,
      permission: releaseReadPermission,
      action: 'read the rollbacks of',
    });
    const query = parseInput(listRollbacksQuerySchema, req.query, 'query');
    const body: ListResponse<Rollback> = await rollbacks.listRollbacks({
      entityRef,
      ...query,
    });
    res.json(body);
  });

  router.get(
    '/entities/:kind/:namespace/:name/rollbacks/plan',
    async (req, res) => {
      const { entityRef } = await authorizeEntityRoute({
        req,
        httpAuth,
        catalog,
        permissions,
        permission: releaseReadPermission,
        action: 'read the deployments of',
      });
      const query = parseInput(rollbackPlanQuerySchema, req.query, 'query');
      const body: RollbackPlan = await rollbacks.getPlan(
        entityRef,
        query.environment,
        query.targetDeploymentId,
      );
      res.json(body);
    },
  );

  router.get('/rollbacks/:id', async (req, res) => {
    const { id } = parseInput(rollbackPathSchema, req.params, 'path');
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const rollback = await rollbacks.getRollback(id);
    // The catalog applies its own read permission: a rollback of an entity
    // the caller may not see is reported as missing.
    const entity = await catalog.getEntityByRef(rollback.entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No rollback ${id}`);
    }
    const [decision] = await permissions.authorize(
      [{ permission: releaseReadPermission, resourceRef: rollback.entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to read the rollbacks of ${rollback.entityRef}`,
      );
    }
    const body: RollbackResponse = { rollback };
    res.json(body);
  });

  return router;
}

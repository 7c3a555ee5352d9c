import {
  ListResponse,
  releaseReadPermission,
  Rollback,
  RollbackPlan,
  RollbackResponse,
} from '@release-coordinator/backstage-plugin-common';
import express from 'express';
import Router from 'express-promise-router';
import { HttpAccess } from '../access/HttpAccess';
import { Operations } from '../operations/Operations';
import { jsonBody } from '../service/inputGuard';
import { parseInput } from '../service/validation';
import { RollbackService } from './RollbackService';
import {
  IDEMPOTENCY_KEY_HEADER,
  listRollbacksQuerySchema,
  rollbackPathSchema,
  rollbackPlanQuerySchema,
} from './validation';

/** What the rollback routes need from the plugin's wiring. */
export interface RollbacksRouterOptions {
  access: HttpAccess;
  rollbacks: RollbackService;
  /** What routes and actions share (src/operations). */
  operations: Operations;
}

/**
 * Routes of rollbacks (docs/product.md §5, §7): start one, list them, the plan for
 * the Rollback dialog, and one rollback by id.
 */
export function createRollbacksRouter(
  options: RollbacksRouterOptions,
): express.Router {
  const { access, rollbacks, operations } = options;
  const router = Router();
  router.use(jsonBody());

  router.post(
    '/entities/:kind/:namespace/:name/rollbacks',
    async (req, res) => {
      const call = await access.call(req);
      const rollback = await operations.startRollback({
        ...call,
        entity: access.entityPath(req),
        idempotencyKey: req.header(IDEMPOTENCY_KEY_HEADER),
        body: req.body,
      });
      const body: RollbackResponse = { rollback };
      res.status(202).json(body);
    },
  );

  router.get('/entities/:kind/:namespace/:name/rollbacks', async (req, res) => {
    const credentials = await access.credentials(req);
    const query = parseInput(listRollbacksQuerySchema, req.query, 'query');
    const { entityRef } = await access.entityRoute(
      req,
      releaseReadPermission,
      'read the rollbacks of',
      credentials,
    );
    const body: ListResponse<Rollback> = await rollbacks.listRollbacks({
      entityRef,
      ...query,
    });
    res.json(body);
  });

  router.get(
    '/entities/:kind/:namespace/:name/rollbacks/plan',
    async (req, res) => {
      const credentials = await access.credentials(req);
      const query = parseInput(rollbackPlanQuerySchema, req.query, 'query');
      const { entityRef } = await access.entityRoute(
        req,
        releaseReadPermission,
        'read the deployments of',
        credentials,
      );
      const body: RollbackPlan = await rollbacks.getPlan(
        entityRef,
        query.environment,
        query.targetDeploymentId,
      );
      res.json(body);
    },
  );

  router.get('/rollbacks/:id', async (req, res) => {
    const credentials = await access.credentials(req);
    const { id } = parseInput(rollbackPathSchema, req.params, 'path');
    const rollback = await rollbacks.getRollback(id);
    // A rollback of an entity the caller may not see is reported as missing.
    await access.control.authorizeEntity({
      credentials,
      entityRef: rollback.entityRef,
      permission: releaseReadPermission,
      action: 'read the rollbacks of',
      notFound: `No rollback ${id}`,
    });
    const body: RollbackResponse = { rollback };
    res.json(body);
  });

  return router;
}

import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CostRecord,
  EventBatchResponse,
  ListResponse,
} from '@release-coordinator/backstage-plugin-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { HttpAccess } from '../access/HttpAccess';
import { authorizeMetricsScopeOfRequest } from '../metrics/memberEntities';
import { parseInput } from '../service/validation';
import { toBatch } from '../deployments/DeploymentService';
import { eventsAuthorizer, eventsBodyParser } from '../deployments/router';
import { CostService } from './CostService';
import { CostInsightsCost } from './costInsights';
import { addDays } from './intervals';
import {
  dailyCostQuerySchema,
  listCostsQuerySchema,
  MAX_COST_QUERY_DAYS,
} from './validation';

/** What the cost routes need from the plugin's wiring. */
export interface CostsRouterOptions {
  access: HttpAccess;
  catalog: CatalogService;
  costs: CostService;
  /** Current time; tests pass a fixed clock. */
  now?: () => Date;
}

/**
 * Routes of daily cost (docs/product.md §7): `POST /events/costs`, the daily rows of
 * an entity for the cost chart, and a Cost Insights-compatible daily-cost
 * route. Group, System and Domain entities read the cost of what they own.
 */
export function createCostsRouter(options: CostsRouterOptions): express.Router {
  const { access, catalog, costs } = options;
  const now = options.now ?? (() => new Date());
  const router = Router();

  const scope = (req: Request) =>
    authorizeMetricsScopeOfRequest({
      req,
      access,
      catalog,
      action: 'read the cost of',
    });

  router.post('/events/costs', eventsBodyParser, async (req, res) => {
    const credentials = await access.credentials(req);
    const body: EventBatchResponse = {
      items: await costs.ingestCosts(toBatch(req.body), {
        credentials,
        authorize: eventsAuthorizer(access.control, credentials),
      }),
    };
    res.json(body);
  });

  router.get('/entities/:kind/:namespace/:name/costs', async (req, res) => {
    const query = parseInput(listCostsQuerySchema, req.query, 'query');
    const to = query.to ?? now().toISOString().slice(0, 10);
    const from = query.from ?? addDays(to, -89);
    if (from > to) {
      throw new InputError('Invalid query: from: must not be after to');
    }
    if (from < addDays(to, -(MAX_COST_QUERY_DAYS - 1))) {
      throw new InputError(
        `Invalid query: from: at most ${MAX_COST_QUERY_DAYS} days may be read at once`,
      );
    }
    const { entityRefs } = await scope(req);
    const body: ListResponse<CostRecord> = {
      items: await costs.listCosts({ entityRefs, from, to: addDays(to, 1) }),
    };
    res.json(body);
  });

  router.get(
    '/cost-insights/entities/:kind/:namespace/:name/daily-cost',
    async (req, res) => {
      const query = parseInput(dailyCostQuerySchema, req.query, 'query');
      const { entityRef, entityRefs } = await scope(req);
      const body: CostInsightsCost = await costs.getDailyCost({
        id: entityRef,
        entityRefs,
        intervals: query.intervals,
        currency: query.currency,
      });
      res.json(body);
    },
  );

  return router;
}

import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  MetricsBreakdownResponse,
  MetricsResponse,
  MetricsSeriesResponse,
} from '@release-coordinator/backstage-plugin-common';
import { Request } from 'express';
import express from 'express';
import Router from 'express-promise-router';
import { HttpAccess } from '../access/HttpAccess';
import { parseInput } from '../service/validation';
import { Operations } from '../operations/Operations';
import { MetricsService } from './MetricsService';
import { metricsQuerySchema, metricsSeriesQuerySchema } from './validation';

/** What the metrics routes need from the plugin's wiring. */
export interface MetricsRouterOptions {
  access: HttpAccess;
  catalog: CatalogService;
  metrics: MetricsService;
  /** What routes and actions share (src/operations). */
  operations: Operations;
}

/**
 * The delivery metrics routes (docs/product.md §7, METRICS.md): an entity's metrics
 * (Group/System/Domain: over their member entities), the per-member
 * breakdown, and day/week series for charts.
 */
export function createMetricsRouter(
  options: MetricsRouterOptions,
): express.Router {
  const { access, metrics, operations } = options;
  const router = Router();

  /** The caller, the entity and the token the scope cache is keyed by. */
  async function metricsCall(req: Request) {
    const token = req.headers.authorization;
    return {
      ...(await access.call(req)),
      entity: access.entityPath(req),
      cacheKey: typeof token === 'string' && token !== '' ? token : undefined,
    };
  }

  // A tab reads an entity's metrics, series and breakdown together; the
  // operations keep the resolved scope for a few seconds per token.
  const scope = async (req: Request) =>
    operations.metricsScope(await metricsCall(req));

  router.get('/entities/:kind/:namespace/:name/metrics', async (req, res) => {
    const call = await metricsCall(req);
    const body: MetricsResponse = await operations.getMetrics({
      ...call,
      query: req.query,
    });
    res.json(body);
  });

  router.get(
    '/entities/:kind/:namespace/:name/metrics/breakdown',
    async (req, res) => {
      const query = parseInput(metricsQuerySchema, req.query, 'query');
      const { entityRef, members } = await scope(req);
      const result = await metrics.breakdown({
        entityRefs: members.map(m => m.entityRef),
        environment: query.environment,
        windowDays: query.window,
        end: query.end ?? new Date(),
      });
      const titles = new Map(members.map(m => [m.entityRef, m.title]));
      const body: MetricsBreakdownResponse = {
        entityRef,
        environment: query.environment,
        window: result.window,
        items: result.items.map(item => {
          const title = titles.get(item.entityRef);
          return title === undefined ? item : { ...item, title };
        }),
      };
      res.json(body);
    },
  );

  router.get(
    '/entities/:kind/:namespace/:name/metrics/series',
    async (req, res) => {
      const query = parseInput(metricsSeriesQuerySchema, req.query, 'query');
      const { entityRef, members } = await scope(req);
      const result = await metrics.series({
        entityRefs: members.map(m => m.entityRef),
        environment: query.environment,
        windowDays: query.window,
        end: query.end ?? new Date(),
        metric: query.metric,
        bucket: query.bucket,
      });
      const body: MetricsSeriesResponse = {
        entityRef,
        environment: query.environment,
        metric: query.metric,
        bucket: query.bucket,
        window: result.window,
        points: result.points,
      };
      res.json(body);
    },
  );

  return router;
}

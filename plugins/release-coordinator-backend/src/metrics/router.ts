import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  METRIC_DEFINITIONS_VERSION,
  MetricsBreakdownResponse,
  MetricsResponse,
  MetricsSeriesResponse,
} from '@release-coordinator/backstage-plugin-common';
import { Request } from 'express';
import express from 'express';
import Router from 'express-promise-router';
import { HttpAccess } from '../access/HttpAccess';
import { parseInput } from '../service/validation';
import { authorizeMetricsScope, MetricsScopeCache } from './memberEntities';
import { MetricsService } from './MetricsService';
import { metricsQuerySchema, metricsSeriesQuerySchema } from './validation';

/** What the metrics routes need from the plugin's wiring. */
export interface MetricsRouterOptions {
  access: HttpAccess;
  catalog: CatalogService;
  metrics: MetricsService;
}

/**
 * The delivery metrics routes (docs/product.md §7, METRICS.md): an entity's metrics
 * (Group/System/Domain: over their member entities), the per-member
 * breakdown, and day/week series for charts.
 */
export function createMetricsRouter(
  options: MetricsRouterOptions,
): express.Router {
  const { access, catalog, metrics } = options;
  const router = Router();
  // A tab reads an entity's metrics, series and breakdown together.
  const scopeCache = new MetricsScopeCache();

  const scope = (req: Request) =>
    authorizeMetricsScope({
      req,
      access,
      catalog,
      action: 'read the delivery metrics of',
      cache: scopeCache,
    });

  router.get('/entities/:kind/:namespace/:name/metrics', async (req, res) => {
    const query = parseInput(metricsQuerySchema, req.query, 'query');
    const { entityRef, members, rollUp } = await scope(req);
    const result = await metrics.compute({
      entityRefs: members.map(m => m.entityRef),
      environment: query.environment,
      windowDays: query.window,
      end: query.end ?? new Date(),
    });
    const body: MetricsResponse = {
      entityRef,
      environment: query.environment,
      window: result.window,
      definitionsVersion: METRIC_DEFINITIONS_VERSION,
      metrics: result.metrics,
      previous: result.previous,
      ...(rollUp ? { memberEntityRefs: members.map(m => m.entityRef) } : {}),
    };
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

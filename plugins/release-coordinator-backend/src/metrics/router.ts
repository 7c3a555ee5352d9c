import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  METRIC_DEFINITIONS_VERSION,
  MetricsBreakdownResponse,
  MetricsEvidenceResponse,
  MetricsResponse,
  MetricsSeriesResponse,
} from '@release-coordinator/backstage-plugin-common';
import { Request } from 'express';
import express from 'express';
import Router from 'express-promise-router';
import { HttpAccess } from '../access/HttpAccess';
import { parseInput } from '../service/validation';
import { Operations } from '../operations/Operations';
import { InputError } from '@backstage/errors';
import { evidenceCsv, evidenceRowType } from './evidence/evidenceCsv';
import { MetricsEvidenceService } from './evidence/MetricsEvidenceService';
import { MetricsService } from './MetricsService';
import {
  encodeEvidenceCursor,
  metricsEvidenceQuerySchema,
  metricsQuerySchema,
  metricsSeriesQuerySchema,
} from './validation';

const DAY_MS = 86_400_000;

/** What the metrics routes need from the plugin's wiring. */
export interface MetricsRouterOptions {
  access: HttpAccess;
  catalog: CatalogService;
  metrics: MetricsService;
  /** The drill-down: raw rows behind a metric (docs/metrics.md). */
  evidence: MetricsEvidenceService;
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
  const { access, metrics, evidence, operations } = options;
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

  // The drill-down (docs/metrics.md, "Drill-down"): the rows behind one
  // metric, recounted from the raw tables; guarded like the metrics.
  router.get(
    '/entities/:kind/:namespace/:name/metrics/evidence',
    async (req, res) => {
      const query = parseInput(metricsEvidenceQuerySchema, req.query, 'query');
      const end = query.end ?? new Date();
      const bucket = evidenceBucket(query, end);
      const { entityRef, members, rollUp } = await scope(req);
      const result = await evidence.evidence({
        entityRefs: members.map(m => m.entityRef),
        environment: query.environment,
        metric: query.metric,
        windowDays: query.window,
        end,
        bucket,
      });
      if (query.format === 'csv') {
        const name = `${entityRef.replace(/[^a-z0-9-]+/g, '-')}-${
          query.metric
        }-evidence.csv`;
        res
          .type('text/csv; charset=utf-8')
          .attachment(name)
          .send(evidenceCsv(evidenceRowType(query.metric), result.rows));
        return;
      }
      const offset = query.cursor ?? 0;
      const items = result.rows.slice(offset, offset + query.limit);
      const next = offset + items.length;
      const body: MetricsEvidenceResponse = {
        entityRef,
        environment: query.environment,
        metric: query.metric,
        window: result.window,
        ...(bucket
          ? { bucket: { start: bucket.start.toISOString(), size: bucket.size } }
          : {}),
        definitionsVersion: METRIC_DEFINITIONS_VERSION,
        summary: result.summary,
        total: result.rows.length,
        counted: result.rows.filter(r => r.counted).length,
        items,
        ...(next < result.rows.length
          ? { nextCursor: encodeEvidenceCursor(next) }
          : {}),
        ...(rollUp ? { memberEntityRefs: members.map(m => m.entityRef) } : {}),
      };
      res.json(body);
    },
  );

  return router;
}

/**
 * The series bucket of a drill-down: `bucketStart` must start a UTC day
 * (bucket=day, the default) or ISO week (bucket=week, Monday) that
 * overlaps the window.
 */
function evidenceBucket(
  query: {
    bucket?: 'day' | 'week';
    bucketStart?: Date;
    window: number;
  },
  end: Date,
) {
  if (query.bucketStart === undefined) {
    if (query.bucket !== undefined) {
      throw new InputError(
        'Invalid query: bucketStart: required with bucket (the start of a series point)',
      );
    }
    return undefined;
  }
  const size = query.bucket ?? 'day';
  const start = query.bucketStart.getTime();
  const day = start / DAY_MS;
  // 1970-01-01 was a Thursday: Mondays are days ≡ 4 (mod 7).
  if (!Number.isInteger(day) || (size === 'week' && (day + 3) % 7 !== 0)) {
    throw new InputError(
      `Invalid query: bucketStart: must be the start of a ${
        size === 'day' ? 'UTC day' : 'ISO week (Monday 00:00 UTC)'
      }`,
    );
  }
  const windowStart = end.getTime() - query.window * DAY_MS;
  const bucketEnd = start + (size === 'day' ? 1 : 7) * DAY_MS;
  if (start >= end.getTime() || bucketEnd <= windowStart) {
    throw new InputError(
      'Invalid query: bucketStart: the bucket does not overlap the window',
    );
  }
  return { start: query.bucketStart, size };
}

import {
  DEFAULT_DORA_REPORT_YEAR,
  DeliveryMetrics,
  DoraReportYear,
  MetricName,
  MetricsBreakdownRow,
  SeriesBucket,
  SeriesPoint,
} from '@release-coordinator/backstage-plugin-common';
import {
  computeWindowMetrics,
  DAY_MS,
  DayRange,
  TimeRange,
} from './computeDeliveryMetrics';
import { MetricsStore, MetricsWindowData } from './MetricsStore';
import { seriesValues } from './seriesValues';

/** Which metrics to compute. */
export interface MetricsRequest {
  /** Stored (lower-case) refs of the member entities. */
  entityRefs: string[];
  environment: string;
  /** N of `window=Nd`, 1..365. */
  windowDays: number;
  /** End of the window (exclusive). */
  end: Date;
  /** Tier bands; the service's configured year when left out. */
  reportYear?: DoraReportYear;
}

/** The window of a response. */
export interface MetricsWindow {
  start: string;
  end: string;
  days: number;
}

/** Metrics of the window and of the one before it. */
export interface ComputedMetrics {
  window: MetricsWindow;
  metrics: DeliveryMetrics;
  previous: DeliveryMetrics;
}

/** The timeline of one window of N days ending at `end`. */
interface WindowPlan {
  current: TimeRange;
  previous: TimeRange;
  /** Cost days of the current, previous and the window before that. */
  costDays: DayRange;
  previousCostDays: DayRange;
  earlierCostDays: DayRange;
}

/** 'YYYY-MM-DD' of a UTC day, `offsetDays` after the day of `time`. */
function utcDay(time: number, offsetDays = 0): string {
  const day = Math.floor(time / DAY_MS) + offsetDays;
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function planWindow(windowDays: number, end: Date): WindowPlan {
  const endMs = end.getTime();
  const length = windowDays * DAY_MS;
  const n = windowDays;
  return {
    current: { start: endMs - length, end: endMs },
    previous: { start: endMs - 2 * length, end: endMs - length },
    // METRICS.md 9: the N whole UTC days before the day of `end`.
    costDays: { from: utcDay(endMs, -n), to: utcDay(endMs) },
    previousCostDays: { from: utcDay(endMs, -2 * n), to: utcDay(endMs, -n) },
    earlierCostDays: { from: utcDay(endMs, -3 * n), to: utcDay(endMs, -2 * n) },
  };
}

function toWindow(range: TimeRange, days: number): MetricsWindow {
  return {
    start: new Date(range.start).toISOString(),
    end: new Date(range.end).toISOString(),
    days,
  };
}

/** The facts of each entity, split in one pass. */
function byEntity(
  data: MetricsWindowData,
  entityRefs: string[],
): Map<string, MetricsWindowData> {
  const split = new Map<string, MetricsWindowData>(
    entityRefs.map(ref => [ref, { slots: [], incidents: [], costs: [] }]),
  );
  for (const s of data.slots) split.get(s.entityRef)?.slots.push(s);
  for (const i of data.incidents) split.get(i.entityRef)?.incidents.push(i);
  for (const c of data.costs) split.get(c.entityRef)?.costs.push(c);
  return split;
}

/** Start of the UTC day or ISO week (Monday) that contains `time`. */
function bucketStart(time: number, bucket: SeriesBucket): number {
  const dayStart = Math.floor(time / DAY_MS) * DAY_MS;
  if (bucket === 'day') {
    return dayStart;
  }
  // 1970-01-01 was a Thursday: (weekday + 3) % 7 days since Monday.
  const daysSinceMonday = (Math.floor(time / DAY_MS) + 3) % 7;
  return dayStart - daysSinceMonday * DAY_MS;
}

/**
 * Delivery metrics exactly as METRICS.md (version 2) defines them.
 *
 * A succeeded deploy failed in production (METRICS.md 4) when any stored
 * rollback or incident says so, also one after the request's `end`: the
 * attribution is kept in the daily rollups, over every fact stored.
 */
export class MetricsService {
  private readonly store: MetricsStore;
  private readonly reportYear: DoraReportYear;

  constructor(options: { store: MetricsStore; reportYear?: DoraReportYear }) {
    this.store = options.store;
    this.reportYear = options.reportYear ?? DEFAULT_DORA_REPORT_YEAR;
  }

  /** Metrics of [end − N days, end) and of the N days before, over all members. */
  async compute(request: MetricsRequest): Promise<ComputedMetrics> {
    const plan = planWindow(request.windowDays, request.end);
    const data = await this.read(request, plan, false, true);
    const reportYear = request.reportYear ?? this.reportYear;
    return {
      window: toWindow(plan.current, request.windowDays),
      metrics: computeWindowMetrics({
        data,
        entityRefs: request.entityRefs,
        window: plan.current,
        costDays: plan.costDays,
        previousCostDays: plan.previousCostDays,
        reportYear,
      }),
      previous: computeWindowMetrics({
        data,
        entityRefs: request.entityRefs,
        window: plan.previous,
        costDays: plan.previousCostDays,
        previousCostDays: plan.earlierCostDays,
        reportYear,
      }),
    };
  }

  /** The current window's metrics of each member entity, read in one go. */
  async breakdown(
    request: MetricsRequest,
  ): Promise<{ window: MetricsWindow; items: MetricsBreakdownRow[] }> {
    const plan = planWindow(request.windowDays, request.end);
    const data = await this.read(request, plan, true);
    const reportYear = request.reportYear ?? this.reportYear;
    const split = byEntity(data, request.entityRefs);
    return {
      window: toWindow(plan.current, request.windowDays),
      items: request.entityRefs.map(entityRef => ({
        entityRef,
        metrics: computeWindowMetrics({
          data: split.get(entityRef)!,
          entityRefs: [entityRef],
          window: plan.current,
          costDays: plan.costDays,
          previousCostDays: plan.previousCostDays,
          reportYear,
        }),
      })),
    };
  }

  /**
   * One metric per UTC day or ISO week (Monday) of the window; the first
   * and last buckets are clipped to the window, and `start` of a point is
   * the start of its whole bucket.
   */
  async series(
    request: MetricsRequest & { metric: MetricName; bucket: SeriesBucket },
  ): Promise<{ window: MetricsWindow; points: SeriesPoint[] }> {
    const plan = planWindow(request.windowDays, request.end);
    const data = await this.read(request, plan, false);
    const reportYear = request.reportYear ?? this.reportYear;
    const bucketDays = request.bucket === 'day' ? 1 : 7;
    const points: SeriesPoint[] = [];
    for (
      let start = bucketStart(plan.current.start, request.bucket);
      start < plan.current.end;
      start += bucketDays * DAY_MS
    ) {
      const end = start + bucketDays * DAY_MS;
      const window = {
        start: Math.max(start, plan.current.start),
        end: Math.min(end, plan.current.end),
      };
      const costDays = {
        from: [utcDay(start), plan.costDays.from].sort()[1],
        to: [utcDay(end), plan.costDays.to].sort()[0],
      };
      const metrics = computeWindowMetrics({
        data,
        entityRefs: request.entityRefs,
        window,
        costDays,
        previousCostDays: { from: costDays.from, to: costDays.from },
        reportYear,
      });
      points.push({
        start: new Date(start).toISOString(),
        values: seriesValues(request.metric, metrics, data, window),
      });
    }
    return { window: toWindow(plan.current, request.windowDays), points };
  }

  /**
   * The facts of both windows. `joinWholeDays` when only the sums over each
   * window are needed (not per day).
   */
  private read(
    request: MetricsRequest,
    plan: WindowPlan,
    costPerEntity: boolean,
    joinWholeDays = false,
  ): Promise<MetricsWindowData> {
    return this.store.readWindow({
      entityRefs: request.entityRefs,
      environment: request.environment,
      from: new Date(plan.previous.start),
      to: new Date(plan.current.end),
      // Series buckets end at UTC midnights, which split slots anyway.
      cuts: [new Date(plan.current.start)],
      costFrom: plan.earlierCostDays.from,
      costTo: plan.costDays.to,
      costPerEntity,
      joinWholeDays,
    });
  }
}

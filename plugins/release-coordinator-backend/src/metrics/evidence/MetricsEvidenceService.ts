import {
  DEFAULT_DORA_REPORT_YEAR,
  DoraReportYear,
  MetricName,
  SeriesBucket,
} from '@release-coordinator/backstage-plugin-common';
import { DAY_MS, DayRange, TimeRange } from '../computeDeliveryMetrics';
import { computeEvidence, EvidenceResult } from './computeEvidence';
import { EvidenceStore } from './EvidenceStore';

/** Which rows to recount. */
export interface EvidenceRequest {
  /** Stored (lower-case) refs of the member entities. */
  entityRefs: string[];
  environment: string;
  metric: MetricName;
  windowDays: number;
  end: Date;
  /** One series bucket of the window instead of the whole window. */
  bucket?: { start: Date; size: SeriesBucket };
  reportYear?: DoraReportYear;
}

/** 'YYYY-MM-DD' of a UTC day, `offsetDays` after the day of `time`. */
function utcDay(time: number, offsetDays = 0): string {
  const day = Math.floor(time / DAY_MS) + offsetDays;
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The window (or bucket) and its cost days exactly as `GET …/metrics` and
 * `GET …/metrics/series` plan them (docs/metrics.md "Window and scope",
 * METRICS.md 9).
 */
export function planEvidence(request: EvidenceRequest): {
  window: TimeRange;
  costDays: DayRange;
  previousCostDays: DayRange;
} {
  const endMs = request.end.getTime();
  const n = request.windowDays;
  const whole = { start: endMs - n * DAY_MS, end: endMs };
  const costDays = { from: utcDay(endMs, -n), to: utcDay(endMs) };
  if (!request.bucket) {
    return {
      window: whole,
      costDays,
      previousCostDays: { from: utcDay(endMs, -2 * n), to: costDays.from },
    };
  }
  const start = request.bucket.start.getTime();
  const end = start + (request.bucket.size === 'day' ? 1 : 7) * DAY_MS;
  const bucketCostDays = {
    from: [utcDay(start), costDays.from].sort()[1],
    to: [utcDay(end), costDays.to].sort()[0],
  };
  return {
    window: {
      start: Math.max(start, whole.start),
      end: Math.min(end, whole.end),
    },
    costDays: bucketCostDays,
    // A series point has no previous cost (no changeRatio).
    previousCostDays: { from: bucketCostDays.from, to: bucketCostDays.from },
  };
}

/**
 * The drill-down of a metric (docs/metrics.md, "Drill-down"): the raw rows
 * behind it and the metric recounted from them.
 */
export class MetricsEvidenceService {
  private readonly store: EvidenceStore;
  private readonly reportYear: DoraReportYear;

  constructor(options: { store: EvidenceStore; reportYear?: DoraReportYear }) {
    this.store = options.store;
    this.reportYear = options.reportYear ?? DEFAULT_DORA_REPORT_YEAR;
  }

  async evidence(
    request: EvidenceRequest,
  ): Promise<
    EvidenceResult & { window: { start: string; end: string; days: number } }
  > {
    const plan = planEvidence(request);
    const data = await this.store.read({
      entityRefs: request.entityRefs,
      environment: request.environment,
      since: plan.window.start,
      until: plan.window.end,
      costFrom: plan.previousCostDays.from,
      costTo: plan.costDays.to,
    });
    const result = computeEvidence({
      data,
      entityRefs: request.entityRefs,
      metric: request.metric,
      window: plan.window,
      costDays: plan.costDays,
      previousCostDays: plan.previousCostDays,
      reportYear: request.reportYear ?? this.reportYear,
    });
    return {
      ...result,
      window: {
        start: new Date(plan.window.start).toISOString(),
        end: new Date(plan.window.end).toISOString(),
        days: (plan.window.end - plan.window.start) / DAY_MS,
      },
    };
  }
}

import { CostRecord } from '@release-coordinator/backstage-plugin-common';
import { DayPeriod, daysOf } from './intervals';

/*
 * The response shape of Cost Insights' `getCatalogEntityDailyCost`
 * (`Cost` of `@backstage-community/plugin-cost-insights-common`), declared
 * here so that the backend does not depend on the Cost Insights packages.
 */

/** Cost of one day. */
export interface DateAggregation {
  date: string;
  amount: number;
}

/** Change between the first and the last period of the intervals. */
export interface ChangeStatistic {
  /** Left out when the earlier period cost nothing (the ratio is infinite). */
  ratio?: number;
  amount: number;
}

/** Least-squares line through the daily amounts, x in epoch seconds. */
export interface Trendline {
  slope: number;
  intercept: number;
}

/** Cost Insights' `Cost`. */
export interface CostInsightsCost {
  id: string;
  aggregation: DateAggregation[];
  change?: ChangeStatistic;
  trendline?: Trendline;
  groupedCosts?: Record<string, CostInsightsCost[]>;
}

/**
 * Least-squares line of amount over time, with x = epoch seconds of the day
 * as Cost Insights' own clients compute it; a flat line for < 2 points.
 */
export function trendlineOf(aggregation: DateAggregation[]): Trendline {
  const points = aggregation.map(a => [
    Date.parse(`${a.date}T00:00:00Z`) / 1000,
    a.amount,
  ]);
  if (points.length < 2) {
    return { slope: 0, intercept: points[0]?.[1] ?? 0 };
  }
  const n = points.length;
  const meanX = points.reduce((s, [x]) => s + x, 0) / n;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - meanX) * (y - meanY);
    sxx += (x - meanX) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: meanY - slope * meanX };
}

function sumOver(aggregation: DateAggregation[], period: DayPeriod): number {
  return aggregation
    .filter(a => a.date >= period.from && a.date < period.to)
    .reduce((sum, a) => sum + a.amount, 0);
}

/** The change from the first to the last period. */
export function changeOf(
  aggregation: DateAggregation[],
  periods: DayPeriod[],
): ChangeStatistic {
  const first = sumOver(aggregation, periods[0]);
  const last = sumOver(aggregation, periods[periods.length - 1]);
  const amount = last - first;
  return first === 0 ? { amount } : { ratio: amount / first, amount };
}

function costOf(
  id: string,
  records: CostRecord[],
  periods: DayPeriod[],
): CostInsightsCost {
  const byDay = new Map<string, number>();
  for (const r of records) {
    byDay.set(r.date, (byDay.get(r.date) ?? 0) + r.amount);
  }
  // Every day of the intervals, 0 where nothing was reported, so charts
  // show gaps as zero cost rather than interpolating.
  const aggregation = periods.flatMap(daysOf).map(date => ({
    date,
    amount: byDay.get(date) ?? 0,
  }));
  return {
    id,
    aggregation,
    change: changeOf(aggregation, periods),
    trendline: trendlineOf(aggregation),
  };
}

/**
 * The daily cost of an entity in Cost Insights' shape: every day of the
 * periods, change first vs last period, trendline, and the same per source
 * under `groupedCosts.source`. Records must be of one currency.
 */
export function toCostInsightsCost(options: {
  id: string;
  records: CostRecord[];
  periods: DayPeriod[];
}): CostInsightsCost {
  const { id, records, periods } = options;
  const sources = [...new Set(records.map(r => r.source))].sort();
  return {
    ...costOf(id, records, periods),
    groupedCosts: {
      source: sources.map(source =>
        costOf(
          source,
          records.filter(r => r.source === source),
          periods,
        ),
      ),
    },
  };
}

import { CostRecord } from '@release-coordinator/backstage-plugin-common';

/*
 * Pure computations of the cost panel. Days are UTC `YYYY-MM-DD` strings;
 * amounts of different currencies are never added.
 */

const DAY_MS = 86_400_000;

/** The UTC day `days` after (negative: before) `day`. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

/** The UTC day of an ISO-8601 time. */
export function utcDay(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

/** Every UTC day of [from, to], in order. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    days.push(day);
  }
  return days;
}

/**
 * The cost window of the metrics (METRICS.md `infrastructureCost`): the N
 * whole UTC days before the day of `end`.
 */
export function costWindow(
  windowDays: number,
  end: Date,
): { from: string; to: string } {
  const today = end.toISOString().slice(0, 10);
  return { from: addDays(today, -windowDays), to: addDays(today, -1) };
}

/** Currencies of the records, the most frequent first (ties alphabetically). */
export function currenciesOf(records: CostRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const r of records) {
    counts.set(r.currency, (counts.get(r.currency) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([currency]) => currency);
}

/** Sum per day over all sources, only for days that have records. */
export function dailyTotals(records: CostRecord[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const r of records) {
    totals.set(r.date, (totals.get(r.date) ?? 0) + r.amount);
  }
  return totals;
}

/** One bar of the daily chart: the amount of each source, stacked. */
export interface DailyCostPoint {
  date: string;
  total: number;
  /** Amount per source; 0 where the source reported nothing that day. */
  bySource: Record<string, number>;
}

/** The sources of the records, alphabetically. */
export function sourcesOf(records: CostRecord[]): string[] {
  return [...new Set(records.map(r => r.source))].sort();
}

/** One point per day of [from, to] (missing days as 0), by source. */
export function dailyCostPoints(
  records: CostRecord[],
  from: string,
  to: string,
): DailyCostPoint[] {
  const sources = sourcesOf(records);
  return daysBetween(from, to).map(date => {
    const bySource = Object.fromEntries(sources.map(s => [s, 0]));
    let total = 0;
    for (const r of records) {
      if (r.date === date) {
        bySource[r.source] += r.amount;
        total += r.amount;
      }
    }
    return { date, total, bySource };
  });
}

/** The share of each source in [from, to]. */
export interface SourceShare {
  source: string;
  total: number;
  /** 0..1 of the window's total; null when the total is 0. */
  share: number | null;
}

/** Total and share per source over [from, to], largest first. */
export function sourceSplit(
  records: CostRecord[],
  from: string,
  to: string,
): SourceShare[] {
  const totals = new Map<string, number>();
  let all = 0;
  for (const r of records) {
    if (r.date >= from && r.date <= to) {
      totals.set(r.source, (totals.get(r.source) ?? 0) + r.amount);
      all += r.amount;
    }
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([source, total]) => ({
      source,
      total,
      share: all > 0 ? total / all : null,
    }));
}

/** A production release, as the before/after table needs it. */
export interface ReleaseMarker {
  id: string;
  version: string;
  /** When the deployment finished (ISO-8601). */
  finishedAt: string;
}

/** The cost around one release. */
export interface ReleaseCostChange {
  release: ReleaseMarker;
  /** UTC day the release finished; neither average includes it. */
  day: string;
  /** Mean daily cost of the days with records among the N days before. */
  before: number | null;
  /** Mean daily cost of the days with records among the N days after. */
  after: number | null;
  /** Days with records in each range (fewer than N: partial data). */
  beforeDays: number;
  afterDays: number;
  /** after − before; null when either is missing. */
  delta: number | null;
  /** delta / before; null when before is 0 or missing. */
  ratio: number | null;
}

function meanOver(
  totals: Map<string, number>,
  from: string,
  to: string,
): { mean: number | null; days: number } {
  let sum = 0;
  let days = 0;
  for (const day of daysBetween(from, to)) {
    const amount = totals.get(day);
    if (amount !== undefined) {
      sum += amount;
      days += 1;
    }
  }
  return { mean: days > 0 ? sum / days : null, days };
}

/**
 * Cost before and after each release: the mean daily cost (all sources
 * added, one currency) of the `days` days before the release day and of the
 * `days` days after it. The release day itself is left out, since it mixes
 * both versions. Days without records are left out of a mean rather than
 * counted as 0; the day counts say how complete each side is. Newest
 * release first.
 */
export function costBeforeAfterReleases(options: {
  records: CostRecord[];
  releases: ReleaseMarker[];
  days?: number;
}): ReleaseCostChange[] {
  const n = options.days ?? 7;
  const totals = dailyTotals(options.records);
  return [...options.releases]
    .sort((a, b) => b.finishedAt.localeCompare(a.finishedAt))
    .map(release => {
      const day = utcDay(release.finishedAt);
      const before = meanOver(totals, addDays(day, -n), addDays(day, -1));
      const after = meanOver(totals, addDays(day, 1), addDays(day, n));
      const delta =
        before.mean !== null && after.mean !== null
          ? after.mean - before.mean
          : null;
      return {
        release,
        day,
        before: before.mean,
        after: after.mean,
        beforeDays: before.days,
        afterDays: after.days,
        delta,
        ratio:
          delta !== null && before.mean !== null && before.mean > 0
            ? delta / before.mean
            : null,
      };
    });
}

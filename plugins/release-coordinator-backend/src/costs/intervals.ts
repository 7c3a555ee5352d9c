import { InputError } from '@backstage/errors';
import { isCalendarDay } from './validation';

/** One period of a repeating interval: UTC days [from, to). */
export interface DayPeriod {
  from: string;
  to: string;
}

/** Most days all repetitions together may cover. */
const MAX_SPAN_DAYS = 3 * 366;

const INTERVALS_PATTERN =
  /^R(\d{1,2})\/P(?:(\d{1,3})Y)?(?:(\d{1,3})M)?(?:(\d{1,3})W)?(?:(\d{1,4})D)?\/(\d{4}-\d{2}-\d{2})$/;

function shift(
  day: string,
  delta: { years: number; months: number; days: number },
): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  const year = date.getUTCFullYear() + delta.years;
  const month = date.getUTCMonth() + delta.months;
  // Clamp the day of month (Mar 31 minus one month is Feb 28/29).
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const shifted = new Date(
    Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)),
  );
  shifted.setUTCDate(shifted.getUTCDate() + delta.days);
  return shifted.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return (
    (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) /
    86_400_000
  );
}

/**
 * Parses the ISO-8601 repeating interval Cost Insights sends,
 * `R<n>/<duration>/<end date>` (e.g. `R2/P30D/2026-11-26`, `R2/P3M/2026-10-01`):
 * n consecutive periods of the duration, the last one ending (exclusive) at
 * the end date. Returns the periods oldest first; throws a 400 naming
 * `intervals` for anything else.
 */
export function parseRepeatingIntervals(intervals: string): DayPeriod[] {
  const match = INTERVALS_PATTERN.exec(intervals);
  const fail = (why: string): never => {
    throw new InputError(
      `Invalid query: intervals: ${why}, e.g. R2/P30D/2026-11-26 (got ${intervals})`,
    );
  };
  if (!match) {
    return fail(
      'must be an ISO-8601 repeating interval R<n>/P<duration>/<end date>',
    );
  }
  const [, repeat, years, months, weeks, days, end] = match;
  const count = Number(repeat);
  if (count < 1) {
    fail('must repeat at least once (R1 or more)');
  }
  const delta = {
    years: Number(years ?? 0),
    months: Number(months ?? 0),
    days: Number(weeks ?? 0) * 7 + Number(days ?? 0),
  };
  if (delta.years + delta.months + delta.days === 0) {
    fail('the duration must not be empty');
  }
  if (!isCalendarDay(end)) {
    fail('the end must be a real calendar day as YYYY-MM-DD');
  }
  // Each boundary is measured from the end (not from the previous
  // boundary), so month ends stay month ends: R2/P1M/03-31 starts on 01-31.
  const boundary = (k: number) =>
    shift(end, {
      years: -k * delta.years,
      months: -k * delta.months,
      days: -k * delta.days,
    });
  const periods: DayPeriod[] = [];
  for (let k = count; k >= 1; k -= 1) {
    periods.push({ from: boundary(k), to: boundary(k - 1) });
  }
  if (daysBetween(periods[0].from, end) > MAX_SPAN_DAYS) {
    fail(`the periods must cover at most ${MAX_SPAN_DAYS} days`);
  }
  return periods;
}

/** Every UTC day of [from, to), in order. */
export function daysOf(period: DayPeriod): string[] {
  const out: string[] = [];
  for (
    let day = period.from;
    day < period.to;
    day = shift(day, { years: 0, months: 0, days: 1 })
  ) {
    out.push(day);
  }
  return out;
}

/** The UTC day `days` after (or before, when negative) `day`. */
export function addDays(day: string, days: number): string {
  return shift(day, { years: 0, months: 0, days });
}

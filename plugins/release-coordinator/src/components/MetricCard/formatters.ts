import { Duration } from 'luxon';

/** What the UI shows for a value that could not be computed (METRICS.md: `null`, never 0). */
export const NO_VALUE = '—';

const SECONDS_PER_DAY = 86400;

/** Numbers with at most `digits` decimals, en-US grouping. */
export function formatNumber(value: number | null, digits = 1): string {
  if (value === null || !Number.isFinite(value)) {
    return NO_VALUE;
  }
  return new Intl.NumberFormat('en-US', {
    maximumFractionDigits: digits,
  }).format(value);
}

/**
 * A duration in seconds for people: "45 s", "4 min 30 s", "12 min",
 * "1 h 30 min", "1 day", "2.5 days".
 */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) {
    return NO_VALUE;
  }
  if (seconds < 60) {
    return `${Math.round(seconds)} s`;
  }
  if (seconds < 600) {
    // Under ten minutes the seconds still matter (deployment durations).
    const { minutes, seconds: rest } = Duration.fromObject({
      seconds: Math.round(seconds),
    })
      .shiftTo('minutes', 'seconds')
      .toObject();
    return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  }
  if (seconds < 3600) {
    return `${Math.round(seconds / 60)} min`;
  }
  if (seconds < SECONDS_PER_DAY) {
    const { hours = 0, minutes = 0 } = Duration.fromObject({
      minutes: Math.round(seconds / 60),
    })
      .shiftTo('hours', 'minutes')
      .toObject();
    if (hours === 24) {
      return '1 day';
    }
    return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  const days = Duration.fromObject({ seconds }).as('days');
  const shown = formatNumber(days, 1);
  return shown === '1' ? '1 day' : `${shown} days`;
}

/**
 * A rate given per day, shown per day when at least one a day and per week
 * below that ("1.4 per day", "3.5 per week").
 */
export function formatPerDay(perDay: number | null): string {
  if (perDay === null || !Number.isFinite(perDay)) {
    return NO_VALUE;
  }
  if (perDay >= 1) {
    return `${formatNumber(perDay, 1)} per day`;
  }
  const perWeek = perDay * 7;
  return `${formatNumber(perWeek, perWeek < 1 ? 2 : 1)} per week`;
}

/** A ratio 0..1 as a percentage: 0.955 → "95.5 %". */
export function formatPercent(ratio: number | null, digits = 1): string {
  if (ratio === null || !Number.isFinite(ratio)) {
    return NO_VALUE;
  }
  return `${formatNumber(ratio * 100, digits)} %`;
}

/** An amount of money in its currency: 1234.5 USD → "$1,234.50". */
export function formatCurrency(
  amount: number | null,
  currency: string | null,
): string {
  if (amount === null || !Number.isFinite(amount)) {
    return NO_VALUE;
  }
  if (!currency) {
    return formatNumber(amount, 2);
  }
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
    }).format(amount);
  } catch {
    // Not an ISO 4217 code Intl knows: show the code next to the number.
    return `${formatNumber(amount, 2)} ${currency}`;
  }
}

/** "1 deployment", "3 deployments". */
export function plural(count: number, noun: string, nouns = `${noun}s`) {
  return `${formatNumber(count, 0)} ${count === 1 ? noun : nouns}`;
}

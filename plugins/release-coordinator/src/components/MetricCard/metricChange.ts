import { formatNumber } from './formatters';

/** Which way a metric should move. */
export type GoodDirection = 'up' | 'down';

/**
 * How a change is measured: `relative` to the previous value (counts, rates,
 * durations, cost) or in percentage `points` (ratios such as the change
 * failure rate, where "+2 pp" reads better than "+40 %").
 */
export type ChangeKind = 'relative' | 'points';

/** A metric's movement against the previous window. */
export interface MetricChange {
  direction: 'up' | 'down' | 'flat';
  /** "+12 %", "−2.1 pp", "no change". */
  label: string;
  /** good: moved the way that is better; bad: the other way; neutral: flat. */
  verdict: 'good' | 'bad' | 'neutral';
}

/** Below this the change is shown as flat (float noise, 0.05 pp). */
const FLAT_EPSILON = 0.0005;

/**
 * The change from `previous` to `current`, or undefined when it cannot be
 * told (either value missing, or a relative change from 0).
 *
 * @param precomputedRatio - a relative change the API already computed (cost `changeRatio`)
 */
export function metricChange(options: {
  current: number | null;
  previous: number | null;
  kind: ChangeKind;
  goodDirection: GoodDirection;
  precomputedRatio?: number | null;
}): MetricChange | undefined {
  const { current, previous, kind, goodDirection } = options;
  let delta: number;
  if (options.precomputedRatio !== undefined) {
    if (options.precomputedRatio === null) {
      return undefined;
    }
    delta = options.precomputedRatio;
  } else {
    if (current === null || previous === null) {
      return undefined;
    }
    if (kind === 'relative') {
      if (previous === 0) {
        return undefined;
      }
      delta = (current - previous) / previous;
    } else {
      delta = current - previous;
    }
  }

  if (Math.abs(delta) < FLAT_EPSILON) {
    return { direction: 'flat', label: 'no change', verdict: 'neutral' };
  }
  const direction = delta > 0 ? 'up' : 'down';
  const sign = delta > 0 ? '+' : '−';
  const amount = formatNumber(Math.abs(delta) * 100, 1);
  return {
    direction,
    label: `${sign}${amount} ${kind === 'points' ? 'pp' : '%'}`,
    verdict: direction === goodDirection ? 'good' : 'bad',
  };
}

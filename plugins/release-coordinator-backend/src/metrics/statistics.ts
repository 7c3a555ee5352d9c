/*
 * The sample statistics of METRICS.md: no samples → null, never 0.
 */

/** A sorted copy (typed-array sort: numeric, no comparator calls). */
function sortedAscending(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Median; of an even number of samples, the mean of the two middle ones. */
export function median(values: ArrayLike<number>): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = sortedAscending(values);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest-rank p95: element ⌈0.95 × n⌉ (1-based) of the sorted samples. */
export function p95(values: ArrayLike<number>): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = sortedAscending(values);
  // Integer arithmetic: 0.95 × 20 in floating point is not exactly 19.
  const rank = Math.ceil((95 * sorted.length) / 100);
  return sorted[rank - 1];
}

/** Arithmetic mean. */
export function mean(values: number[]): number | null {
  if (values.length === 0) {
    return null;
  }
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** numerator / denominator, or null when the denominator is 0. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/**
 * Total length of the union of [start, end) intervals clipped to
 * [from, to), in the unit of the inputs.
 */
export function unionLength(
  intervals: Array<{ start: number; end: number }>,
  from: number,
  to: number,
): number {
  const clipped = intervals
    .map(i => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) }))
    .filter(i => i.end > i.start)
    .sort((a, b) => a.start - b.start);
  let total = 0;
  let currentStart = Number.NaN;
  let currentEnd = Number.NaN;
  for (const interval of clipped) {
    if (Number.isNaN(currentStart) || interval.start > currentEnd) {
      if (!Number.isNaN(currentStart)) {
        total += currentEnd - currentStart;
      }
      currentStart = interval.start;
      currentEnd = interval.end;
    } else {
      currentEnd = Math.max(currentEnd, interval.end);
    }
  }
  if (!Number.isNaN(currentStart)) {
    total += currentEnd - currentStart;
  }
  return total;
}

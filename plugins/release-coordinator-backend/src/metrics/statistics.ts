/*
 * The sample statistics of METRICS.md: no samples → null, never 0.
 */

/**
 * The k-th smallest (0-based) of `values`, reordering them: Hoare's
 * selection with a median-of-three pivot, O(n) on average. The samples of a
 * large roll-up are hundreds of thousands of numbers; sorting them all
 * costs several times more than selecting the one that is needed.
 */
function select(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const middle = (left + right) >>> 1;
    // Median of three as the pivot (sorted, nearly sorted and constant
    // inputs stay linear).
    let a = values[left];
    let b = values[middle];
    let c = values[right];
    if (a > b) [a, b] = [b, a];
    if (b > c) [b, c] = [c, b];
    if (a > b) [a, b] = [b, a];
    const pivot = b;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i] = values[j];
        values[j] = swap;
        i++;
        j--;
      }
    }
    // [left, j] ≤ pivot ≤ [i, right]; between them, equal to the pivot.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k];
  }
  return values[k];
}

/** Median; of an even number of samples, the mean of the two middle ones. */
export function median(values: ArrayLike<number>): number | null {
  return medianInPlace(Float64Array.from(values));
}

/** {@link median} of samples it may reorder (no copy). */
export function medianInPlace(values: Float64Array): number | null {
  if (values.length === 0) {
    return null;
  }
  const middle = Math.floor(values.length / 2);
  const upper = select(values, middle);
  if (values.length % 2 === 1) {
    return upper;
  }
  // After the selection, everything before `middle` is ≤ it: the largest
  // of them is the lower middle element.
  let lower = values[0];
  for (let i = 1; i < middle; i++) {
    if (values[i] > lower) lower = values[i];
  }
  return (lower + upper) / 2;
}

/** Nearest-rank p95: element ⌈0.95 × n⌉ (1-based) of the sorted samples. */
export function p95(values: ArrayLike<number>): number | null {
  return p95InPlace(Float64Array.from(values));
}

/** {@link p95} of samples it may reorder (no copy). */
export function p95InPlace(values: Float64Array): number | null {
  if (values.length === 0) {
    return null;
  }
  // Integer arithmetic: 0.95 × 20 in floating point is not exactly 19.
  const rank = Math.ceil((95 * values.length) / 100);
  return select(values, rank - 1);
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

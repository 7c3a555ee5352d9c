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
function medianInPlace(values: Float64Array): number | null {
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
function p95InPlace(values: Float64Array): number | null {
  if (values.length === 0) {
    return null;
  }
  // Integer arithmetic: 0.95 × 20 in floating point is not exactly 19.
  const rank = Math.ceil((95 * values.length) / 100);
  return select(values, rank - 1);
}

/** Arrays known to be ascending (and never modified) without a check. */
const ascending = new WeakSet<Float64Array>();

/**
 * Records that the samples are ascending and will not be modified (a
 * cached run of days, read by many requests): no check each time.
 */
export function markAscending(values: Float64Array): Float64Array {
  ascending.add(values);
  return values;
}

/** Whether the samples are in ascending order. */
function isAscending(values: Float64Array): boolean {
  if (ascending.has(values)) return true;
  for (let i = 1; i < values.length; i++) {
    if (values[i] < values[i - 1]) return false;
  }
  return true;
}

/**
 * Samples as runs in ascending order: each run as it is when already
 * sorted (the roll-up caches store them so), else a sorted copy.
 */
export function sortedRuns(parts: Float64Array[]): Float64Array[] {
  return parts
    .filter(part => part.length > 0)
    .map(part => (isAscending(part) ? part : Float64Array.from(part).sort()));
}

/** First index in [lo, hi) whose value is ≥ x (or > x when `after`). */
function bound(
  run: Float64Array,
  x: number,
  lo: number,
  hi: number,
  after: boolean,
): number {
  let low = lo;
  let high = hi;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (run[mid] < x || (after && run[mid] === x)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The k-th smallest (0-based) of the union of ascending runs, without
 * merging them: each round takes as the pivot the weighted median of the
 * runs' middle elements, counts what is below and equal to it by binary
 * search, and keeps one side; at least a quarter of what is left goes each
 * round, so O(runs × log² n) in all.
 */
function selectInRuns(runs: Float64Array[], k: number): number {
  const lo = runs.map(() => 0);
  const hi = runs.map(run => run.length);
  let rank = k;
  for (;;) {
    const middles: Array<{ value: number; weight: number }> = [];
    let total = 0;
    for (let i = 0; i < runs.length; i++) {
      const size = hi[i] - lo[i];
      if (size > 0) {
        middles.push({ value: runs[i][(lo[i] + hi[i]) >>> 1], weight: size });
        total += size;
      }
    }
    if (rank < 0 || rank >= total) {
      throw new RangeError(`No sample of rank ${k}`);
    }
    middles.sort((a, b) => a.value - b.value);
    let pivot = middles[0].value;
    let seen = 0;
    for (const middle of middles) {
      seen += middle.weight;
      if (2 * seen >= total) {
        pivot = middle.value;
        break;
      }
    }
    let below = 0;
    let equal = 0;
    const lt: number[] = [];
    const le: number[] = [];
    for (let i = 0; i < runs.length; i++) {
      lt[i] = bound(runs[i], pivot, lo[i], hi[i], false);
      le[i] = bound(runs[i], pivot, lt[i], hi[i], true);
      below += lt[i] - lo[i];
      equal += le[i] - lt[i];
    }
    if (rank < below) {
      for (let i = 0; i < runs.length; i++) hi[i] = lt[i];
    } else if (rank < below + equal) {
      return pivot;
    } else {
      rank -= below + equal;
      for (let i = 0; i < runs.length; i++) lo[i] = le[i];
    }
  }
}

/** {@link median} of the union of ascending runs ({@link sortedRuns}). */
export function medianOfRuns(runs: Float64Array[]): number | null {
  let n = 0;
  for (const run of runs) n += run.length;
  if (n === 0) {
    return null;
  }
  const middle = Math.floor(n / 2);
  const upper = selectInRuns(runs, middle);
  return n % 2 === 1 ? upper : (selectInRuns(runs, middle - 1) + upper) / 2;
}

/** {@link p95} of the union of ascending runs ({@link sortedRuns}). */
export function p95OfRuns(runs: Float64Array[]): number | null {
  let n = 0;
  for (const run of runs) n += run.length;
  if (n === 0) {
    return null;
  }
  return selectInRuns(runs, Math.ceil((95 * n) / 100) - 1);
}

/** The samples of several arrays in one new array. */
export function concatSamples(parts: Float64Array[]): Float64Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Float64Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** From this many samples, an ascending array is selected from as it is. */
const LONG_RUN = 4096;

/**
 * Count, median and nearest-rank p95 of the samples of several arrays.
 * - Long ascending arrays holding most of the samples (a roll-up's runs of
 *   days): selected from as they are, with the other samples sorted into
 *   one more run.
 * - Many samples in long arrays (a roll-up's cached days, stored
 *   ascending): selected from the sorted runs.
 * - Few, or many short arrays (an entity's days): copied into one and
 *   selected there, which is cheaper.
 */
export function sampleSummary(parts: Float64Array[]): {
  count: number;
  median: number | null;
  p95: number | null;
} {
  let count = 0;
  for (const part of parts) count += part.length;
  const long = new Set(
    parts.filter(part => part.length >= LONG_RUN && isAscending(part)),
  );
  let inLong = 0;
  for (const part of long) inLong += part.length;
  if (long.size > 0 && 2 * inLong >= count) {
    const rest = concatSamples(parts.filter(part => !long.has(part))).sort();
    const runs = rest.length > 0 ? [...long, rest] : [...long];
    return { count, median: medianOfRuns(runs), p95: p95OfRuns(runs) };
  }
  if (count < 20_000 || count < 256 * parts.length) {
    const all = concatSamples(parts);
    return { count, median: medianInPlace(all), p95: p95InPlace(all) };
  }
  const runs = sortedRuns(parts);
  return { count, median: medianOfRuns(runs), p95: p95OfRuns(runs) };
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

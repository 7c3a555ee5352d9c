import fc from 'fast-check';
import {
  mean,
  median,
  medianOfRuns,
  p95,
  p95OfRuns,
  ratio,
  sampleSummary,
  sortedRuns,
  unionLength,
} from './statistics';

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('statistics', () => {
  it('median: middle element, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 0])).toBe(5);
  });

  it('p95 is nearest-rank: element ⌈0.95 × n⌉ of the sorted samples', () => {
    expect(p95([])).toBeNull();
    expect(p95([5])).toBe(5);
    // ⌈11.4⌉ = 12, where rounding would give 11
    expect(p95(oneTo(12).reverse())).toBe(12);
    // 0.95 × 20 = 19 exactly
    expect(p95(oneTo(20))).toBe(19);
    // ⌈19.95⌉ = 20
    expect(p95(oneTo(21))).toBe(20);
    expect(p95(oneTo(100))).toBe(95);
  });

  it('median and p95 select the same element as sorting would', () => {
    const sortedMedian = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1
        ? sorted[middle]
        : (sorted[middle - 1] + sorted[middle]) / 2;
    };
    const sortedP95 = (values: number[]) =>
      [...values].sort((a, b) => a - b)[
        Math.ceil((95 * values.length) / 100) - 1
      ];
    // Few distinct values (many ties) as well as arbitrary ones.
    const samples = fc.oneof(
      fc.array(fc.integer({ min: -3, max: 3 }), {
        minLength: 1,
        maxLength: 60,
      }),
      fc.array(
        // -0 and 0 are equal samples; toBe would tell them apart.
        fc
          .double({ noNaN: true, noDefaultInfinity: true })
          .map(v => (v === 0 ? 0 : v)),
        { minLength: 1, maxLength: 300 },
      ),
    );
    fc.assert(
      fc.property(samples, values => {
        const input = [...values];
        expect(median(values)).toBe(sortedMedian(values));
        expect(p95(values)).toBe(sortedP95(values));
        expect(values).toEqual(input); // the input is not reordered
      }),
      { numRuns: 500 },
    );
    const sorted = oneTo(1001);
    expect(median(sorted)).toBe(501);
    expect(median([...sorted].reverse())).toBe(501);
    expect(median(new Array(1000).fill(4))).toBe(4);
  });

  it('median and p95 of runs equal those of all their samples', () => {
    const run = fc.oneof(
      fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 20 }),
      fc.array(
        fc
          .double({ noNaN: true, noDefaultInfinity: true })
          .map(v => (v === 0 ? 0 : v)),
        { maxLength: 80 },
      ),
    );
    fc.assert(
      fc.property(fc.array(run, { maxLength: 12 }), parts => {
        const all = parts.flat();
        const runs = sortedRuns(parts.map(part => Float64Array.from(part)));
        for (const r of runs) {
          expect([...r]).toEqual([...r].sort((a, b) => a - b));
        }
        expect(medianOfRuns(runs)).toBe(median(all));
        expect(p95OfRuns(runs)).toBe(p95(all));
      }),
      { numRuns: 1000 },
    );
    // Already ascending runs are used as they are.
    const sorted = Float64Array.from([1, 2, 2, 9]);
    expect(sortedRuns([sorted, new Float64Array(0)])).toEqual([sorted]);
    expect(sortedRuns([sorted])[0]).toBe(sorted);
    expect(medianOfRuns([])).toBeNull();
    // Both ways of sampleSummary: few samples, and many in long runs.
    const long = Array.from({ length: 30 }, (_, i) =>
      Float64Array.from(
        { length: 1000 },
        (_sample, j) => ((i * 7919 + j * 104729) % 50000) / 7,
      ),
    );
    for (const summarized of [long.slice(0, 3), long]) {
      const flat = summarized.flatMap(samples => [...samples]);
      expect(sampleSummary(summarized)).toEqual({
        count: flat.length,
        median: median(flat),
        p95: p95(flat),
      });
    }
    // 30 × 1,000 samples: the sorted-runs way.
    expect(long.reduce((n, samples) => n + samples.length, 0)).toBe(30_000);
    expect(sampleSummary([])).toEqual({ count: 0, median: null, p95: null });
    expect(p95OfRuns([new Float64Array(0)])).toBeNull();
  });

  it('sampleSummary of long ascending runs (joined days) and short parts', () => {
    const part = fc.array(fc.integer({ min: 0, max: 5000 }), {
      maxLength: 300,
    });
    const longRun = fc
      .array(fc.integer({ min: 0, max: 5000 }), {
        minLength: 4096,
        maxLength: 6000,
      })
      .map(values => Float64Array.from(values).sort());
    fc.assert(
      fc.property(
        fc.array(longRun, { minLength: 1, maxLength: 2 }),
        fc.array(part, { maxLength: 30 }),
        (runs, shorts) => {
          const parts = [
            ...shorts.map(values => Float64Array.from(values)),
            ...runs,
          ];
          const copies = parts.map(values => Float64Array.from(values));
          const flat = parts.flatMap(values => [...values]);
          expect(sampleSummary(parts)).toEqual({
            count: flat.length,
            median: median(flat),
            p95: p95(flat),
          });
          // The long runs (shared by later reads) are left as they were.
          expect(parts).toEqual(copies);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('mean and ratio are null without samples or denominator', () => {
    expect(mean([])).toBeNull();
    expect(mean([1, 2, 6])).toBe(3);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(0, 4)).toBe(0);
  });

  it('unionLength merges overlaps and clips to the range', () => {
    expect(unionLength([], 0, 100)).toBe(0);
    expect(
      unionLength(
        [
          { start: 10, end: 20 },
          { start: 15, end: 30 },
          { start: 30, end: 35 },
          { start: 50, end: 60 },
          { start: 52, end: 55 },
        ],
        0,
        100,
      ),
    ).toBe(25 + 10);
    expect(
      unionLength(
        [
          { start: -50, end: 5 },
          { start: 90, end: 200 },
          { start: 300, end: 400 },
        ],
        0,
        100,
      ),
    ).toBe(5 + 10);
  });
});

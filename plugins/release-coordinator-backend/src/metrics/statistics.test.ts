import { mean, median, p95, ratio, unionLength } from './statistics';

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

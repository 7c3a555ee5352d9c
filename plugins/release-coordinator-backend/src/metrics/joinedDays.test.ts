import { dayRuns, JoinedFacts, JoinedFactsCache } from './joinedDays';

const DAY_MS = 86_400_000;

function facts(samples: number): JoinedFacts {
  return {
    succeeded: samples,
    failed: 0,
    failedInProduction: 0,
    rollbacks: 0,
    reworkDeploys: 0,
    leadTimes: new Float64Array(samples),
    durations: new Float64Array(0),
  };
}

describe('dayRuns', () => {
  it('splits at missing days and at breaks on a midnight', () => {
    expect(dayRuns([], [])).toEqual([]);
    expect(dayRuns([1, 2, 3, 5, 6], [])).toEqual([
      [1, 2, 3],
      [5, 6],
    ]);
    expect(dayRuns([1, 2, 3, 5, 6], [6 * DAY_MS, 2 * DAY_MS])).toEqual([
      [1],
      [2, 3],
      [5],
      [6],
    ]);
    // A break inside a day leaves the runs as they are (that day is not
    // whole, so it is not among the days).
    expect(dayRuns([1, 2], [2 * DAY_MS + 1])).toEqual([[1, 2]]);
  });
});

describe('JoinedFactsCache', () => {
  // 800 bytes of samples + 2 bytes per key character + 256 of overhead.
  const entry = 800 + 2 + 256;

  it('keeps the most recently used entries within its bytes', () => {
    const cache = new JoinedFactsCache(3 * entry);
    cache.set('a', facts(100));
    cache.set('b', facts(100));
    cache.set('c', facts(100));
    expect(cache.stats()).toEqual({ entries: 3, bytes: 3 * entry });
    expect(cache.get('a')?.succeeded).toBe(100); // now the most recent
    cache.set('d', facts(100));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.get('d')).toBeDefined();
    // Replacing an entry counts its bytes once.
    cache.set('d', facts(50));
    expect(cache.stats()).toEqual({ entries: 3, bytes: 3 * entry - 400 });
    // An entry larger than the whole cache is not kept, and evicts nothing.
    cache.set('huge', facts(1000));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.stats().entries).toBe(3);
  });

  it('keeps nothing at 0 bytes, not even entries without samples', () => {
    const cache = new JoinedFactsCache(0);
    cache.set('empty', facts(0));
    expect(cache.get('empty')).toBeUndefined();
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0 });
  });
});

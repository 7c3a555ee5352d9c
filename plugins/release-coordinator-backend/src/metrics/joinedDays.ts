/*
 * Runs of whole days summed into one slot, and the in-process cache that
 * keeps them (MetricsScopes.readWholeDays with `breaks`).
 */

import { DeploymentSlot } from './MetricsStore';

/** Milliseconds of one day. */
const DAY_MS = 86_400_000;

/** Bytes an entry is counted as besides its samples and key. */
const ENTRY_OVERHEAD = 256;

/** What a run of days adds up to (samples ascending; never mutated). */
export type JoinedFacts = Omit<DeploymentSlot, 'entityRef' | 'start' | 'end'>;

/**
 * The day numbers (days since the epoch, ascending) in runs of consecutive
 * days, split where a day is missing and at every break that falls on the
 * midnight between two days.
 */
export function dayRuns(days: number[], breaks: number[]): number[][] {
  const splits = new Set(
    breaks.filter(time => time % DAY_MS === 0).map(time => time / DAY_MS),
  );
  const runs: number[][] = [];
  for (const day of days) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1] === day - 1 && !splits.has(day)) {
      run.push(day);
    } else {
      runs.push([day]);
    }
  }
  return runs;
}

/**
 * A least-recently-used map of joined facts, bounded by the bytes of their
 * samples (and keys). Entries are keyed by everything they were computed from (scope,
 * environment, days and the version of each day), so an entry is never
 * stale: a changed day is a new key, and the old entry ages out.
 */
export class JoinedFactsCache {
  private readonly entries = new Map<string, JoinedFacts>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): JoinedFacts | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, facts: JoinedFacts): void {
    const size = JoinedFactsCache.size(key, facts);
    if (size > this.maxBytes) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= JoinedFactsCache.size(key, previous);
    }
    this.entries.set(key, facts);
    this.bytes += size;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= JoinedFactsCache.size(oldest, entry);
    }
  }

  /** How many entries, and the bytes they are counted as. */
  stats(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /**
   * The bytes an entry is counted as: its samples, its key and a fixed
   * overhead, so that entries without samples are bounded too.
   */
  private static size(key: string, facts: JoinedFacts): number {
    return (
      facts.leadTimes.byteLength +
      facts.durations.byteLength +
      2 * key.length +
      ENTRY_OVERHEAD
    );
  }
}

import { MetricsDeployment } from './MetricsStore';

/** A critical or major incident's time span; `resolvedAt` null while open. */
export interface IncidentSpan {
  startedAt: number;
  resolvedAt: number | null;
}

/**
 * The times at which at least one of the incidents is open, as sorted,
 * disjoint half-open ranges [start, end) (end Infinity while open). An
 * incident is open at t when startedAt ≤ t < resolvedAt, or it is
 * unresolved (docs/metrics.md, "Deployment rework rate").
 */
export class OpenIncidentTimes {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(incidents: IncidentSpan[]) {
    const spans = incidents
      .map(i => ({ start: i.startedAt, end: i.resolvedAt ?? Infinity }))
      .filter(span => span.end > span.start)
      .sort((a, b) => a.start - b.start);
    for (const span of spans) {
      const last = this.ends.length - 1;
      // Touching ranges join: [a, b) ∪ [b, c) = [a, c).
      if (last >= 0 && span.start <= this.ends[last]) {
        this.ends[last] = Math.max(this.ends[last], span.end);
      } else {
        this.starts.push(span.start);
        this.ends.push(span.end);
      }
    }
  }

  /** Whether an incident is open at `time`. */
  isOpen(time: number): boolean {
    let low = 0;
    let high = this.starts.length;
    // First range whose start is after `time`.
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.starts[mid] <= time) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low > 0 && time < this.ends[low - 1];
  }
}

/**
 * Whether a succeeded deploy is rework because a critical or major incident
 * of its entity and environment was open at its start (its finishedAt if it
 * has no startedAt). Rollbacks are rework by kind and are counted as such
 * where they are counted; this answers false for them.
 */
export function isReworkDeploy(
  d: MetricsDeployment,
  open: OpenIncidentTimes,
): boolean {
  return (
    d.kind === 'deploy' &&
    d.status === 'succeeded' &&
    open.isOpen(d.startedAt ?? d.finishedAt)
  );
}

import { DateTime } from 'luxon';
import {
  MetricsSeriesResponse,
  SeriesBucket,
} from '@release-coordinator/backstage-plugin-common';

/*
 * The values each charted series carries per bucket (`SeriesPoint.values`),
 * as the charts read them:
 * - deploymentFrequency: succeeded, failed, cancelled, rollbacks (counts)
 * - leadTimeForChanges:  medianSeconds
 * - deploymentDuration:  medianSeconds, p95Seconds
 * - uptime:              downtimeSeconds, incidents (critical/major started in the bucket)
 * A key the backend does not send reads as 0 for counts and as a gap for
 * durations, so a missing sample is never drawn as a zero.
 */

/** One bar group of the deployments chart. */
export interface DeploymentBucket {
  label: string;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Rollbacks in the bucket; null (no marker) when there were none. */
  rollbacks: number | null;
  /** Height of the rollback marker: on top of the bar. */
  rollbackMarker: number | null;
}

/** One point of a duration trend; null is a gap in the line. */
export interface DurationPoint {
  label: string;
  medianSeconds: number | null;
  p95Seconds: number | null;
}

/** One bucket of the incidents and downtime timeline. */
export interface IncidentBucket {
  label: string;
  incidents: number;
  downtimeSeconds: number;
}

/** The x-axis label of a bucket: "Nov 26" for days, "Wk of Nov 23" for weeks (UTC). */
export function bucketLabel(start: string, bucket: SeriesBucket): string {
  const day = DateTime.fromISO(start, { zone: 'utc' }).toFormat('LLL d');
  return bucket === 'week' ? `Wk of ${day}` : day;
}

function count(values: Record<string, number | null>, key: string): number {
  const value = values[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function sample(
  values: Record<string, number | null>,
  key: string,
): number | null {
  const value = values[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Bars of deployments per bucket by status, with rollback markers. */
export function deploymentBuckets(
  series: MetricsSeriesResponse,
): DeploymentBucket[] {
  return series.points.map(({ start, values }) => {
    const succeeded = count(values, 'succeeded');
    const failed = count(values, 'failed');
    const cancelled = count(values, 'cancelled');
    const rollbacks = count(values, 'rollbacks');
    return {
      label: bucketLabel(start, series.bucket),
      succeeded,
      failed,
      cancelled,
      rollbacks: rollbacks > 0 ? rollbacks : null,
      rollbackMarker: rollbacks > 0 ? succeeded + failed + cancelled : null,
    };
  });
}

/** Median (and p95 where sent) per bucket of a duration metric. */
export function durationTrend(series: MetricsSeriesResponse): DurationPoint[] {
  return series.points.map(({ start, values }) => ({
    label: bucketLabel(start, series.bucket),
    medianSeconds: sample(values, 'medianSeconds'),
    p95Seconds: sample(values, 'p95Seconds'),
  }));
}

/** Incidents and critical downtime per bucket. */
export function incidentBuckets(
  series: MetricsSeriesResponse,
): IncidentBucket[] {
  return series.points.map(({ start, values }) => ({
    label: bucketLabel(start, series.bucket),
    incidents: count(values, 'incidents'),
    downtimeSeconds: count(values, 'downtimeSeconds'),
  }));
}

/** True when a trend has no sample to draw. */
export function hasSamples(points: DurationPoint[]): boolean {
  return points.some(point => point.medianSeconds !== null);
}

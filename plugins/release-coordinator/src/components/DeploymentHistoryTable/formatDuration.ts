import { Duration } from 'luxon';

/**
 * How long a deployment took, for humans ("4 min, 32 sec"); undefined while
 * it has not finished or when its times are missing or inconsistent.
 */
export function formatDuration(
  startedAt: string | undefined,
  finishedAt: string | undefined,
): string | undefined {
  if (!startedAt || !finishedAt) {
    return undefined;
  }
  const seconds = Math.round(
    (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000,
  );
  if (!Number.isFinite(seconds) || seconds < 0) {
    return undefined;
  }
  if (seconds === 0) {
    return '0 sec';
  }
  return Duration.fromObject({ seconds })
    .rescale()
    .toHuman({ unitDisplay: 'short' });
}

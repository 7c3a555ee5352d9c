import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';

/** What rollbacks read from `releaseCoordinator.rollback`. */
export interface RollbackSettings {
  /** How long a rollback may stay pending or running before it times out. */
  staleAfter: HumanDuration;
}

const KEY = 'releaseCoordinator.rollback.staleAfter';

/** Reads `releaseCoordinator.rollback`; throws naming the key when invalid. */
export function readRollbackSettings(config: Config): RollbackSettings {
  if (!config.has(KEY)) {
    return { staleAfter: { minutes: 30 } };
  }
  let staleAfter: HumanDuration;
  try {
    staleAfter = readDurationFromConfig(config, { key: KEY });
  } catch (error) {
    throw new Error(
      `Invalid config at '${KEY}': ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
  if (durationToMilliseconds(staleAfter) <= 0) {
    throw new Error(`Invalid config at '${KEY}': must be longer than zero`);
  }
  return { staleAfter };
}

/** A duration in words, e.g. `30 minutes` or `1 hour 30 minutes`. */
export function describeDuration(duration: HumanDuration): string {
  let seconds = Math.round(durationToMilliseconds(duration) / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ] as const) {
    const count = Math.floor(seconds / size);
    if (count > 0) {
      parts.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
      seconds -= count * size;
    }
  }
  return parts.join(' ') || '0 seconds';
}

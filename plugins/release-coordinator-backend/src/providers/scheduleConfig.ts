import { Config, readDurationFromConfig } from '@backstage/config';
import { HumanDuration } from '@backstage/types';

/** How one provider's pulls are scheduled. */
export interface ProviderSchedule {
  frequency: HumanDuration;
  timeout: HumanDuration;
  initialDelay: HumanDuration;
}

const DEFAULT_SCHEDULE: ProviderSchedule = {
  frequency: { minutes: 10 },
  timeout: { minutes: 5 },
  // Lets the catalog settle after a start before the first pulls.
  initialDelay: { seconds: 15 },
};

function readDuration(
  config: Config | undefined,
  key: string,
  prefix: string,
): HumanDuration | undefined {
  if (!config?.has(key)) {
    return undefined;
  }
  try {
    return readDurationFromConfig(config, { key });
  } catch (error) {
    // readDurationFromConfig names only the relative key; name the full one.
    throw new Error(
      `Invalid config at '${prefix}.${key}': ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}

/**
 * Reads the schedule of one provider from `releaseCoordinator.schedule`,
 * where `providers.<providerId>` overrides the shared `frequency`, `timeout`
 * and `initialDelay` key by key. Throws, naming the key, on a bad duration.
 */
export function readProviderSchedule(
  config: Config,
  providerId: string,
): ProviderSchedule {
  const base = 'releaseCoordinator.schedule';
  const shared = config.getOptionalConfig(base);
  const perProvider = shared
    ?.getOptionalConfig('providers')
    ?.getOptionalConfig(providerId);
  const providerPrefix = `${base}.providers.${providerId}`;

  const pick = (key: keyof ProviderSchedule): HumanDuration =>
    readDuration(perProvider, key, providerPrefix) ??
    readDuration(shared, key, base) ??
    DEFAULT_SCHEDULE[key];

  return {
    frequency: pick('frequency'),
    timeout: pick('timeout'),
    initialDelay: pick('initialDelay'),
  };
}

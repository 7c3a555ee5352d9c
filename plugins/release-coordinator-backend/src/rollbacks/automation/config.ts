import { Config } from '@backstage/config';
import { HumanDuration } from '@backstage/types';

/** Automated rollback of one environment (`environments[].automatedRollback`). */
export interface AutomatedRollbackSettings {
  environment: string;
  /** Whether critical incidents trigger a rollback. */
  enabled: boolean;
  /** Only record and notify what would have been rolled back. */
  dryRun: boolean;
  /** How long after a deploy a critical incident is blamed on it. */
  watchWindow: HumanDuration;
}

function readBoolean(config: Config, key: string, fullKey: string): boolean {
  if (!config.has(key)) {
    return false;
  }
  try {
    return config.getBoolean(key);
  } catch {
    throw new Error(`Invalid config at ${fullKey}: expected true or false`);
  }
}

/**
 * Reads `automatedRollback` of each configured environment, with the watch
 * windows already read with the environments; off unless enabled, and
 * without configured environments (the defaults) off everywhere. Throws
 * naming the key when a value is invalid.
 */
export function readAutomatedRollbackSettings(
  config: Config,
  environments: Array<{ name: string; watchWindow: HumanDuration }>,
): AutomatedRollbackSettings[] {
  const configs =
    config.getOptionalConfigArray('releaseCoordinator.environments') ?? [];
  return environments.map(({ name, watchWindow }) => {
    const index = configs.findIndex(
      env => env.getOptionalString('name') === name,
    );
    const automated = configs[index]?.getOptionalConfig('automatedRollback');
    const key = `releaseCoordinator.environments[${index}].automatedRollback`;
    return {
      environment: name,
      enabled: automated
        ? readBoolean(automated, 'enabled', `${key}.enabled`)
        : false,
      dryRun: automated
        ? readBoolean(automated, 'dryRun', `${key}.dryRun`)
        : false,
      watchWindow,
    };
  });
}

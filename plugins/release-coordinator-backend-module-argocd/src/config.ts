import { Config } from '@backstage/config';

/** One configured Argo CD server. */
export interface ArgoCdInstance {
  name: string;
  /** Base URL without a trailing slash. */
  url: string;
  token: string;
}

/** The module's configuration, read from `releaseCoordinator.argocd`. */
export interface ArgoCdConfig {
  instances: ArgoCdInstance[];
  /** Names of `releaseCoordinator.environments`, used to map namespaces. */
  environments: string[];
  rollbackStartTimeoutMs: number;
}

const CONFIG_KEY = 'releaseCoordinator.argocd';
const DEFAULT_ROLLBACK_START_TIMEOUT_MS = 10_000;

/**
 * Reads `releaseCoordinator.argocd`. Throws, naming the key, on a duplicate
 * or unusable instance name or a URL that is not http(s), so a bad config
 * fails the backend's start instead of every pull.
 */
export function readArgoCdConfig(config: Config): ArgoCdConfig {
  const section = config.getOptionalConfig(CONFIG_KEY);
  const instances = (section?.getOptionalConfigArray('instances') ?? []).map(
    (instance, index) => {
      const key = `${CONFIG_KEY}.instances[${index}]`;
      const name = instance.getString('name').trim();
      if (name === '' || name.includes('/')) {
        throw new Error(
          `Invalid config at '${key}.name': must be non-empty and contain no '/', got '${name}'`,
        );
      }
      const url = instance.getString('url').trim().replace(/\/+$/, '');
      if (!/^https?:\/\/[^/]/.test(url)) {
        throw new Error(
          `Invalid config at '${key}.url': must be an http(s) URL, got '${url}'`,
        );
      }
      return { name, url, token: instance.getString('token') };
    },
  );
  const seen = new Set<string>();
  for (const { name } of instances) {
    if (seen.has(name)) {
      throw new Error(
        `Invalid config at '${CONFIG_KEY}.instances': the name '${name}' is used twice`,
      );
    }
    seen.add(name);
  }
  return {
    instances,
    environments:
      config
        .getOptionalConfigArray('releaseCoordinator.environments')
        ?.map(environment => environment.getString('name')) ?? [],
    rollbackStartTimeoutMs:
      section?.getOptionalNumber('rollbackStartTimeoutMs') ??
      DEFAULT_ROLLBACK_START_TIMEOUT_MS,
  };
}

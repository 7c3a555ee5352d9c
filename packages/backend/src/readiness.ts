import {
  coreServices,
  createServiceFactory,
  RootHealthService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

/** How long readiness waits for the Release Coordinator's /health. */
const PLUGIN_HEALTH_TIMEOUT_MS = 3000;

/**
 * Where this backend listens, for calling itself: `backend.listen` is a
 * port, `:port`, `host:port` or `{ host, port }` (7007 by default).
 */
export function selfBaseUrl(config: Config): string {
  const listen = config.getOptional('backend.listen');
  let host: string | undefined;
  let port: number | undefined;
  if (typeof listen === 'string') {
    const match = /^(.*?):?(\d+)$/.exec(listen);
    host = match?.[1] || undefined;
    port = match ? Number(match[2]) : undefined;
  } else if (typeof listen === 'number') {
    port = listen;
  } else if (listen && typeof listen === 'object') {
    host = config.getOptionalString('backend.listen.host');
    const configured = config.getOptional('backend.listen.port');
    port = configured === undefined ? undefined : Number(configured);
  }
  const reachable =
    !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${
    port ?? 7007
  }`;
}

/**
 * The portal's readiness (`/.backstage/health/v1/readiness`), aware of the
 * database (docs/operations.md): not ready before start-up completes or
 * during shutdown, as Backstage's default, and also while the Release
 * Coordinator's `/health` reports its database unavailable — so a load
 * balancer takes a replica whose database is unreachable out of rotation.
 */
export class DatabaseAwareRootHealth implements RootHealthService {
  #state: 'init' | 'up' | 'down' = 'init';

  constructor(
    private readonly options: {
      lifecycle: {
        addStartupHook(hook: () => void): void;
        addBeforeShutdownHook(hook: () => void): void;
      };
      pluginHealthUrl: string;
      fetch?: typeof fetch;
    },
  ) {
    options.lifecycle.addStartupHook(() => {
      this.#state = 'up';
    });
    options.lifecycle.addBeforeShutdownHook(() => {
      this.#state = 'down';
    });
  }

  async getLiveness() {
    return { status: 200, payload: { status: 'ok' } };
  }

  async getReadiness() {
    if (this.#state === 'init') {
      return {
        status: 503,
        payload: { message: 'Backend has not started yet', status: 'error' },
      };
    }
    if (this.#state === 'down') {
      return {
        status: 503,
        payload: { message: 'Backend is shutting down', status: 'error' },
      };
    }
    const doFetch = this.options.fetch ?? fetch;
    try {
      const response = await doFetch(this.options.pluginHealthUrl, {
        signal: AbortSignal.timeout(PLUGIN_HEALTH_TIMEOUT_MS),
      });
      if (response.ok) {
        return { status: 200, payload: { status: 'ok' } };
      }
      return {
        status: 503,
        payload: {
          status: 'error',
          message: `Release Coordinator is not ready: its database is unavailable (/health answered ${response.status})`,
        },
      };
    } catch (error) {
      return {
        status: 503,
        payload: {
          status: 'error',
          message: `Release Coordinator is not ready: /health did not answer (${
            (error as Error).message
          })`,
        },
      };
    }
  }
}

/** Installs {@link DatabaseAwareRootHealth} as the root health service. */
export const databaseAwareRootHealthServiceFactory = createServiceFactory({
  service: coreServices.rootHealth,
  deps: {
    lifecycle: coreServices.rootLifecycle,
    config: coreServices.rootConfig,
  },
  async factory({ lifecycle, config }) {
    return new DatabaseAwareRootHealth({
      lifecycle,
      pluginHealthUrl: `${selfBaseUrl(config)}/api/release-coordinator/health`,
    });
  },
});

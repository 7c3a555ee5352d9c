import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
  ScmIntegrations,
} from '@backstage/integration';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { setTimeout as delay } from 'node:timers/promises';

/** Octokit with the throttling (rate limits) and retry (5xx) plugins. */
const GithubOctokit = Octokit.plugin(throttling, retry);

/**
 * The Octokit client the module uses.
 *
 * @public
 */
export type GithubOctokitClient = InstanceType<typeof GithubOctokit>;

/**
 * How rate-limited requests are retried inside one pull. Waits longer than
 * `maxWaitSeconds` are not taken: the error reaches the backend's scheduler,
 * which reads its `retry-after` / `x-ratelimit-reset` headers and pauses the
 * provider.
 *
 * @public
 */
export interface GithubRateLimitPolicy {
  /** Retries of one request after a rate-limit answer. Default 3. */
  maxRetries: number;
  /** Longest wait GitHub may ask for that is waited inside a pull. Default 60. */
  maxWaitSeconds: number;
  /** Milliseconds per second of asked wait; tests shrink it. Default 1000. */
  retryAfterBaseMs: number;
}

const DEFAULT_RATE_LIMIT_POLICY: GithubRateLimitPolicy = {
  maxRetries: 3,
  maxWaitSeconds: 60,
  retryAfterBaseMs: 1000,
};

/** Options of {@link GithubClientFactory}. */
export interface GithubClientFactoryOptions {
  integrations: ScmIntegrationRegistry;
  logger: LoggerService;
  credentialsProvider?: GithubCredentialsProvider;
  rateLimit?: Partial<GithubRateLimitPolicy>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Status and headers of an Octokit `RequestError`, read structurally. */
function errorResponse(error: unknown) {
  if (!isRecord(error) || typeof error.status !== 'number') {
    return undefined;
  }
  const response = isRecord(error.response) ? error.response : undefined;
  const headers = isRecord(response?.headers) ? response.headers : {};
  return { status: error.status, headers };
}

/** Seconds a 429 answer asks to wait: `retry-after`, else `x-ratelimit-reset`. */
export function secondsToWait(
  headers: Record<string, unknown>,
  nowMs: number,
): number {
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) {
    return retryAfter;
  }
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset) && reset > 0) {
    return Math.max(0, Math.ceil(reset - nowMs / 1000));
  }
  return 1;
}

/**
 * Creates Octokit clients for a GitHub host from the `integrations.github`
 * config: the API base URL and credentials (token or GitHub App) come from
 * `@backstage/integration`.
 *
 * @public
 */
export class GithubClientFactory {
  readonly #integrations: ScmIntegrationRegistry;
  readonly #credentials: GithubCredentialsProvider;
  readonly #logger: LoggerService;
  readonly #policy: GithubRateLimitPolicy;

  /** Builds the factory from the root config's `integrations`. */
  static fromConfig(
    config: Config,
    options: Omit<GithubClientFactoryOptions, 'integrations'>,
  ): GithubClientFactory {
    return new GithubClientFactory({
      ...options,
      integrations: ScmIntegrations.fromConfig(config),
    });
  }

  constructor(options: GithubClientFactoryOptions) {
    this.#integrations = options.integrations;
    this.#credentials =
      options.credentialsProvider ??
      DefaultGithubCredentialsProvider.fromIntegrations(options.integrations);
    this.#logger = options.logger;
    this.#policy = { ...DEFAULT_RATE_LIMIT_POLICY, ...options.rateLimit };
  }

  /**
   * Whether a token or a GitHub App is configured for the host. Without one
   * the module does not call GitHub on its own (the implicit anonymous
   * github.com integration has a rate limit of 60 requests per hour).
   */
  hasCredentials(host: string): boolean {
    const config = this.#integrations.github.byHost(host)?.config;
    return Boolean(config?.token || config?.apps?.length);
  }

  /** An Octokit client authorised for the repository `owner/repo` on `host`. */
  async forRepository(options: {
    host: string;
    owner: string;
    repo: string;
    signal?: AbortSignal;
  }): Promise<GithubOctokitClient> {
    const { host, owner, repo, signal } = options;
    const integration = this.#integrations.github.byHost(host);
    if (!integration) {
      throw new Error(
        `No GitHub integration for host '${host}' in integrations.github`,
      );
    }
    const { token } = await this.#credentials.getCredentials({
      url: `https://${host}/${owner}/${repo}`,
    });
    const policy = this.#policy;
    const logger = this.#logger;
    const shouldRetry =
      (kind: string) =>
      (
        retryAfter: number,
        request: object,
        _octokit: unknown,
        retryCount: number,
      ): boolean => {
        const route = describeRequest(request);
        if (
          retryCount < policy.maxRetries &&
          retryAfter <= policy.maxWaitSeconds
        ) {
          logger.warn(
            `GitHub ${kind} rate limit on ${route}; retrying in ${retryAfter}s (retry ${
              retryCount + 1
            } of ${policy.maxRetries})`,
          );
          return true;
        }
        logger.warn(
          `GitHub ${kind} rate limit on ${route}; not retrying (asked to wait ${retryAfter}s after ${retryCount} retries)`,
        );
        return false;
      };

    const octokit = new GithubOctokit({
      baseUrl: integration.config.apiBaseUrl ?? 'https://api.github.com',
      ...(token && { auth: token }),
      request: { ...(signal && { signal }) },
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => logger.warn(message),
        error: (message: string) => logger.error(message),
      },
      throttle: {
        onRateLimit: shouldRetry('primary'),
        onSecondaryRateLimit: shouldRetry('secondary'),
        retryAfterBaseValue: policy.retryAfterBaseMs,
        fallbackSecondaryRateRetryAfter: 60,
      },
      retry: {
        retryAfterBaseValue: policy.retryAfterBaseMs,
        // 429s are retried below, honouring their headers; the retry
        // plugin itself would wait a fixed 1 s, 4 s, 9 s.
        doNotRetry: [400, 401, 403, 404, 422, 429],
      },
    });
    octokit.hook.wrap('request', async (request, requestOptions) => {
      for (let retryCount = 0; ; retryCount++) {
        try {
          return await request(requestOptions);
        } catch (error) {
          const response = errorResponse(error);
          if (response?.status !== 429 || retryCount >= policy.maxRetries) {
            throw error;
          }
          const seconds = secondsToWait(response.headers, Date.now());
          if (seconds > policy.maxWaitSeconds) {
            throw error;
          }
          logger.warn(
            `GitHub answered 429 on ${describeRequest(
              requestOptions,
            )}; retrying in ${seconds}s`,
          );
          await delay(seconds * policy.retryAfterBaseMs, undefined, {
            ...(signal && { signal }),
          });
        }
      }
    });
    return octokit;
  }
}

function describeRequest(request: object): string {
  const { method, url } = request as { method?: unknown; url?: unknown };
  return `${typeof method === 'string' ? method : 'GET'} ${
    typeof url === 'string' ? url : '?'
  }`;
}

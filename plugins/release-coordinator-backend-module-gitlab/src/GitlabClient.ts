import { Config } from '@backstage/config';
import {
  GitLabIntegrationConfig,
  ScmIntegrations,
} from '@backstage/integration';

/**
 * An unsuccessful GitLab API response. `status` and `retryAfterMs` are what
 * the Release Coordinator scheduler reads to decide whether, and when, to
 * retry a pull (rate limits and 5xx are retried; 4xx are not).
 *
 * @public
 */
export class GitlabApiError extends Error {
  readonly status: number;
  /** Set on 429: how long GitLab asked to wait (`Retry-After`, `RateLimit-Reset`). */
  readonly retryAfterMs?: number;

  constructor(options: {
    message: string;
    status: number;
    retryAfterMs?: number;
  }) {
    super(options.message);
    this.name = 'GitlabApiError';
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** What a {@link GitlabClient} needs. */
export interface GitlabClientOptions {
  /** e.g. `https://gitlab.com/api/v4`, without a trailing slash. */
  apiBaseUrl: string;
  /** Sent as `PRIVATE-TOKEN`; anonymous access when absent. */
  token?: string;
  /** Current time in ms, for `RateLimit-Reset`; defaults to `Date.now`. */
  now?: () => number;
}

type QueryValue = string | number | undefined;

/** Milliseconds to wait that a 429 response asks for, if it says. */
export function retryAfterMsOf(
  headers: Headers,
  nowMs: number,
): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) {
      return Number(retryAfter) * 1000;
    }
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) {
      return Math.max(0, date - nowMs);
    }
  }
  // GitLab's RateLimit-Reset is the Unix time (seconds) the window resets.
  const reset = headers.get('ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) {
    return Math.max(0, Number(reset) * 1000 - nowMs);
  }
  return undefined;
}

/** The `rel="next"` URL of a `Link` header (keyset pagination). */
function nextLinkOf(headers: Headers): string | undefined {
  const link = headers.get('link');
  if (!link) {
    return undefined;
  }
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (match) {
      return match[1];
    }
  }
  return undefined;
}

/**
 * A small client for the parts of GitLab's REST API v4 the module uses:
 * `PRIVATE-TOKEN` authentication, offset (`X-Next-Page`) and keyset
 * (`Link`) pagination, and rate-limit errors the scheduler understands.
 *
 * @public
 */
export class GitlabClient {
  readonly #apiBaseUrl: string;
  readonly #token?: string;
  readonly #now: () => number;

  constructor(options: GitlabClientOptions) {
    this.#apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#now = options.now ?? Date.now;
  }

  /** A client for one GitLab integration of `integrations.gitlab`. */
  static fromIntegration(integration: GitLabIntegrationConfig): GitlabClient {
    return new GitlabClient({
      apiBaseUrl: integration.apiBaseUrl,
      token: integration.token,
    });
  }

  /**
   * The integration for `host` (or, without one, the first configured
   * `integrations.gitlab` entry). Undefined when none is configured: the
   * module then stays inert. The implicit public gitlab.com default that
   * `@backstage/integration` adds does not count as configured.
   */
  static findIntegration(
    config: Config,
    host?: string,
  ): GitLabIntegrationConfig | undefined {
    const configured = config.getOptionalConfigArray('integrations.gitlab');
    if (!host && (!configured || configured.length === 0)) {
      return undefined;
    }
    const integrations = ScmIntegrations.fromConfig(config).gitlab;
    const wanted = host ?? configured![0].getString('host');
    return integrations.byHost(wanted)?.config;
  }

  /** The URL of an API path such as `/projects/1/deployments`. */
  url(path: string, query: Record<string, QueryValue> = {}): string {
    const url = new URL(`${this.#apiBaseUrl}${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) {
        url.searchParams.set(key, String(value));
      }
    }
    return url.toString();
  }

  /** One request; throws {@link GitlabApiError} unless the status is 2xx. */
  async request<T>(options: {
    method?: 'GET' | 'POST';
    url: string;
    signal?: AbortSignal;
  }): Promise<{ body: T; headers: Headers }> {
    const method = options.method ?? 'GET';
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.#token) {
      headers['PRIVATE-TOKEN'] = this.#token;
    }
    const response = await fetch(options.url, {
      method,
      headers,
      signal: options.signal,
    });
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      const path = new URL(options.url).pathname;
      throw new GitlabApiError({
        message: `GitLab ${method} ${path} failed with ${response.status} ${
          response.statusText
        }${text ? `: ${text.slice(0, 300)}` : ''}`,
        status: response.status,
        retryAfterMs:
          response.status === 429
            ? retryAfterMsOf(response.headers, this.#now()) ?? 60_000
            : undefined,
      });
    }
    return { body: (await response.json()) as T, headers: response.headers };
  }

  /**
   * Walks the pages of a list endpoint, yielding each page. Follows
   * `X-Next-Page` (offset pagination) or a `Link: rel="next"` on the API's
   * own origin (keyset pagination), and stops after `maxPages`.
   */
  async *pages<T>(options: {
    path: string;
    query: Record<string, QueryValue>;
    signal?: AbortSignal;
    maxPages: number;
  }): AsyncGenerator<T[]> {
    let url: string | undefined = this.url(options.path, options.query);
    const origin = new URL(this.#apiBaseUrl).origin;
    for (let page = 1; url && page <= options.maxPages; page++) {
      const { body, headers } = await this.request<T[]>({
        url,
        signal: options.signal,
      });
      yield body;
      const nextPage = headers.get('x-next-page')?.trim();
      const nextLink = nextLinkOf(headers);
      if (nextPage) {
        const next: URL = new URL(url);
        next.searchParams.set('page', nextPage);
        url = next.toString();
      } else if (nextLink && new URL(nextLink).origin === origin) {
        url = nextLink;
      } else {
        url = undefined;
      }
    }
  }
}

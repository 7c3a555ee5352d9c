import {
  AuthenticationError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { ArgoCdInstance } from './config';
import { ArgoCdApplication, ArgoCdApplicationList } from './types';

/**
 * A failed Argo CD API call that may be worth retrying (429, 5xx). Carries
 * `status` and, when Argo CD or a proxy in front of it sent `Retry-After`,
 * `retryAfterMs`: the backend's scheduler reads both to back off.
 */
export class ArgoCdRequestError extends Error {
  readonly status: number;
  readonly retryAfterMs?: number;
  /** The gRPC status text Argo CD put in the body, e.g. `rollback cannot be ...`. */
  readonly vendorMessage?: string;

  constructor(options: {
    message: string;
    status: number;
    retryAfterMs?: number;
    vendorMessage?: string;
  }) {
    super(options.message);
    this.name = 'ArgoCdRequestError';
    this.status = options.status;
    this.vendorMessage = options.vendorMessage;
    if (options.retryAfterMs !== undefined) {
      this.retryAfterMs = options.retryAfterMs;
    }
  }
}

/** `Retry-After` as seconds or an HTTP date, in ms from now. */
export function parseRetryAfterMs(
  value: string | null,
  nowMs: number,
): number | undefined {
  if (!value) {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed) * 1000;
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Argo CD's error body (grpc-gateway): `{ error?, code, message }`. */
async function readVendorMessage(
  response: Response,
): Promise<string | undefined> {
  const text = await response.text().catch(() => '');
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null) {
      const { message, error } = body as Record<string, unknown>;
      if (typeof message === 'string' && message !== '') return message;
      if (typeof error === 'string' && error !== '') return error;
    }
  } catch {
    // Not JSON (e.g. a proxy's HTML page): use the start of the text.
  }
  return text.trim() ? text.trim().slice(0, 200) : undefined;
}

/**
 * A small client of one Argo CD server's REST API, authenticated with the
 * configured Bearer token. Uses Node's global `fetch`.
 */
export class ArgoCdClient {
  readonly instance: ArgoCdInstance;
  readonly #now: () => number;

  constructor(options: { instance: ArgoCdInstance; now?: () => number }) {
    this.instance = options.instance;
    this.#now = options.now ?? Date.now;
  }

  /** `GET /api/v1/applications/{name}`. */
  async getApplication(
    name: string,
    signal?: AbortSignal,
  ): Promise<ArgoCdApplication> {
    return this.#request<ArgoCdApplication>(
      'GET',
      `/api/v1/applications/${encodeURIComponent(name)}`,
      { signal, what: `application '${name}'` },
    );
  }

  /** `GET /api/v1/applications?selector=<label selector>`. */
  async listApplications(
    selector: string,
    signal?: AbortSignal,
  ): Promise<ArgoCdApplication[]> {
    const list = await this.#request<ArgoCdApplicationList>(
      'GET',
      `/api/v1/applications?selector=${encodeURIComponent(selector)}`,
      { signal, what: `applications matching '${selector}'` },
    );
    return list.items ?? [];
  }

  /** `POST /api/v1/applications/{name}/rollback` to a history id. */
  async rollback(
    name: string,
    historyId: number,
    signal?: AbortSignal,
  ): Promise<ArgoCdApplication> {
    return this.#request<ArgoCdApplication>(
      'POST',
      `/api/v1/applications/${encodeURIComponent(name)}/rollback`,
      {
        signal,
        what: `rollback of application '${name}' to history ${historyId}`,
        body: { id: historyId, prune: false, dryRun: false },
      },
    );
  }

  /** Link to the application in Argo CD's UI. */
  applicationUrl(name: string): string {
    return `${this.instance.url}/applications/${encodeURIComponent(name)}`;
  }

  async #request<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { signal?: AbortSignal; what: string; body?: unknown },
  ): Promise<T> {
    const response = await this.#fetch(method, path, options);
    if (response.ok) {
      return (await response.json()) as T;
    }
    throw await this.#errorOf(response, method, options.what);
  }

  async #fetch(
    method: 'GET' | 'POST',
    path: string,
    options: { signal?: AbortSignal; what: string; body?: unknown },
  ): Promise<Response> {
    const { instance } = this;
    try {
      return await fetch(`${instance.url}${path}`, {
        method,
        signal: options.signal,
        headers: {
          Accept: 'application/json',
          Authorization: `Bearer ${instance.token}`,
          ...(options.body !== undefined && {
            'Content-Type': 'application/json',
          }),
        },
        body:
          options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch (error) {
      if (options.signal?.aborted) {
        throw error;
      }
      // Unreachable (refused, reset, DNS): transient like a 503, so the
      // scheduler backs off and retries instead of giving up.
      const cause =
        error instanceof Error && error.cause instanceof Error
          ? error.cause.message
          : String(error);
      throw new ArgoCdRequestError({
        message: `Argo CD instance '${instance.name}': ${method} ${options.what} failed: ${instance.url} could not be reached (${cause})`,
        status: 503,
      });
    }
  }

  async #errorOf(
    response: Response,
    method: string,
    what: string,
  ): Promise<Error> {
    const { instance } = this;
    const vendorMessage = await readVendorMessage(response);
    const message = `Argo CD instance '${
      instance.name
    }': ${method} ${what} failed with HTTP ${response.status}${
      vendorMessage ? `: ${vendorMessage}` : ''
    }`;
    switch (response.status) {
      case 401:
        return new AuthenticationError(
          `${message} (check the token of this instance)`,
        );
      case 403:
        // Argo CD answers 403 for rate limits only behind proxies that
        // say so with Retry-After; otherwise it is RBAC.
        if (response.headers.get('retry-after') === null) {
          return new NotAllowedError(message);
        }
        break;
      case 404:
        return new NotFoundError(message);
      default:
        break;
    }
    return new ArgoCdRequestError({
      message,
      status: response.status,
      vendorMessage,
      retryAfterMs: parseRetryAfterMs(
        response.headers.get('retry-after'),
        this.#now(),
      ),
    });
  }
}

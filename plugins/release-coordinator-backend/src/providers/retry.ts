import { setTimeout as delay } from 'node:timers/promises';

/**
 * How the scheduler retries a failed pull: only errors that say they are
 * transient (rate limits, 5xx, an explicit `retryAfterMs`) are retried, with
 * exponential backoff or the delay the vendor asked for, and never longer
 * than the bounds below.
 */
export interface RetryPolicy {
  /** Attempts per pull, the first included. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles for each further one. */
  baseDelayMs: number;
  /**
   * Longest wait inside one run. A vendor asking for more (e.g. a rate
   * limit resetting in 20 minutes) is not waited for: the pull is recorded
   * as failed and the provider paused for the rest of the run.
   */
  maxDelayMs: number;
}

/** Default retry bounds: 4 attempts, 1 s → 2 s → 4 s, at most 60 s per wait. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
};

/** Whether an error may be retried, and after how long the vendor asked. */
export interface RetryHint {
  retryable: boolean;
  /** Delay the error asked for (`retryAfterMs`, `Retry-After`, `x-ratelimit-reset`). */
  delayMs?: number;
}

type HeaderReader = (name: string) => string | undefined;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function headerReader(headers: unknown): HeaderReader {
  if (!isRecord(headers)) {
    return () => undefined;
  }
  const getter = headers.get;
  if (typeof getter === 'function') {
    // A fetch `Headers` object.
    return name => {
      const value: unknown = getter.call(headers, name);
      return typeof value === 'string' ? value : undefined;
    };
  }
  const lowerCased = new Map(
    Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]),
  );
  return name => {
    const value = lowerCased.get(name);
    if (Array.isArray(value)) {
      return typeof value[0] === 'string' ? value[0] : undefined;
    }
    if (typeof value === 'number') {
      return String(value);
    }
    return typeof value === 'string' ? value : undefined;
  };
}

function statusOf(error: Record<string, unknown>): number | undefined {
  const response = isRecord(error.response) ? error.response : undefined;
  for (const candidate of [
    error.status,
    error.statusCode,
    response?.status,
    response?.statusCode,
  ]) {
    if (typeof candidate === 'number') {
      return candidate;
    }
  }
  return undefined;
}

function retryAfterHeaderMs(
  value: string | undefined,
  nowMs: number,
): number | undefined {
  if (!value) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(value.trim())) {
    return Math.ceil(Number(value) * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Reads what an error from a provider says about retrying it. Understands a
 * `retryAfterMs` property, HTTP statuses on `status`, `statusCode` or
 * `response.status` (Octokit, got, fetch wrappers) and the `Retry-After` and
 * `x-ratelimit-reset` headers on `response.headers` or `headers`.
 */
export function readRetryHint(error: unknown, nowMs: number): RetryHint {
  if (!isRecord(error)) {
    return { retryable: false };
  }
  if (typeof error.retryAfterMs === 'number' && error.retryAfterMs >= 0) {
    return { retryable: true, delayMs: error.retryAfterMs };
  }
  const status = statusOf(error);
  const response = isRecord(error.response) ? error.response : undefined;
  const header = headerReader(response?.headers ?? error.headers);

  const retryAfter = retryAfterHeaderMs(header('retry-after'), nowMs);
  const rateLimitExhausted = header('x-ratelimit-remaining') === '0';
  const resetHeader = header('x-ratelimit-reset');
  const resetMs =
    resetHeader && /^\d+$/.test(resetHeader)
      ? Math.max(0, Number(resetHeader) * 1000 - nowMs)
      : undefined;

  if (
    status === 429 ||
    (status === 403 && (rateLimitExhausted || retryAfter !== undefined))
  ) {
    return { retryable: true, delayMs: retryAfter ?? resetMs };
  }
  if (status !== undefined && status >= 500 && status <= 599) {
    return { retryable: true, delayMs: retryAfter };
  }
  return { retryable: false };
}

/**
 * The wait before the attempt after `attempt` (1-based): the vendor's delay
 * when it gave one, otherwise exponential backoff.
 */
export function backoffDelayMs(
  policy: RetryPolicy,
  attempt: number,
  hint: RetryHint,
): number {
  return hint.delayMs ?? policy.baseDelayMs * 2 ** (attempt - 1);
}

/** Waits `ms`, resolving early (without error) when the signal aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (!signal.aborted) {
      throw error;
    }
  }
}

/** A one-line description of a thrown value, for logs and the sync state. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }
  return String(error);
}

/** The result of {@link withRetry}: the value, or why it gave up. */
export type RetryOutcome<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      error: string;
      /** Set when the vendor asked for a longer pause than a run may wait. */
      pausedUntil?: number;
    };

/**
 * Runs `attempt` until it succeeds, the error is not transient, the policy's
 * attempts are used up, the vendor asks for a longer wait than
 * `policy.maxDelayMs`, or the signal aborts. Never throws.
 */
export async function withRetry<T>(options: {
  attempt: () => Promise<T>;
  policy: RetryPolicy;
  signal: AbortSignal;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  now: () => number;
  onRetry?: (delayMs: number, message: string) => void;
}): Promise<RetryOutcome<T>> {
  const { policy, signal, now } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await options.attempt() };
    } catch (error) {
      const hint = readRetryHint(error, now());
      const message = describeError(error);
      if (!hint.retryable || signal.aborted) {
        return { ok: false, error: message };
      }
      const delayMs = backoffDelayMs(policy, attempt, hint);
      if (delayMs > policy.maxDelayMs) {
        const pausedUntil = now() + delayMs;
        const until = new Date(pausedUntil).toISOString();
        return {
          ok: false,
          error: `${message} (rate limited until ${until})`,
          pausedUntil,
        };
      }
      if (attempt >= policy.maxAttempts) {
        return {
          ok: false,
          error: `${message} (gave up after ${attempt} attempts)`,
        };
      }
      options.onRetry?.(delayMs, message);
      await options.sleep(delayMs, signal);
      if (signal.aborted) {
        return { ok: false, error: message };
      }
    }
  }
}

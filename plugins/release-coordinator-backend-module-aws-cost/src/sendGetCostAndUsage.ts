import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetCostAndUsageCommandInput,
  GetCostAndUsageCommandOutput,
} from '@aws-sdk/client-cost-explorer';
import { LoggerService } from '@backstage/backend-plugin-api';
import { setTimeout as delay } from 'node:timers/promises';
import {
  AwsCostRequestError,
  AwsCostThrottledError,
} from './AwsCostExplorerError';

/**
 * How long to wait between throttled attempts: `baseDelayMs`, doubled per
 * attempt, at most `maxDelayMs`, for at most `maxAttempts` requests.
 *
 * @public
 */
export interface ThrottleBackoff {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** 5 attempts, waiting 1 s, 2 s, 4 s, 8 s between them (15 s in all). */
export const DEFAULT_THROTTLE_BACKOFF: ThrottleBackoff = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
};

/** What the scheduler is asked to wait once the backoff gives up. */
const THROTTLED_PAUSE_MS = 5 * 60_000;

/**
 * Request counters: every `GetCostAndUsage` call is billed ($0.01 each,
 * pages included), so the module counts them and the cache hits that
 * saved one.
 *
 * @public
 */
export interface CostExplorerUsage {
  /** GetCostAndUsage calls sent, pages and throttled attempts included. */
  requests: number;
  /** Queries answered from the cache without a call. */
  cacheHits: number;
  /** Calls answered with LimitExceededException or ThrottlingException. */
  throttled: number;
}

function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } })
    .$metadata?.httpStatusCode;
  return (
    error.name === 'LimitExceededException' ||
    error.name === 'ThrottlingException' ||
    status === 429
  );
}

/** Waits, unless the pull is aborted first. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal });
}

/**
 * Sends one `GetCostAndUsage` request, counting it, and backs off
 * `LimitExceededException` / `ThrottlingException` exponentially within
 * `backoff`; then gives up with {@link AwsCostThrottledError}, whose
 * `retryAfterMs` pauses the provider in the scheduler. Other failures are
 * thrown at once as {@link AwsCostRequestError}.
 */
export async function sendGetCostAndUsage(options: {
  client: CostExplorerClient;
  input: GetCostAndUsageCommandInput;
  signal: AbortSignal;
  /** The query and page in words, for logs and errors. */
  description: string;
  backoff: ThrottleBackoff;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  logger: LoggerService;
  /** Counted as requests are sent. */
  usage: CostExplorerUsage;
}): Promise<GetCostAndUsageCommandOutput> {
  const { client, input, signal, description, logger, usage } = options;
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    usage.requests += 1;
    logger.info(
      `Cost Explorer GetCostAndUsage request ${usage.requests}: ${description}${
        attempt > 1 ? ` (attempt ${attempt})` : ''
      }`,
    );
    try {
      return await client.send(new GetCostAndUsageCommand(input), {
        abortSignal: signal,
      });
    } catch (error) {
      if (!isThrottling(error)) {
        throw new AwsCostRequestError(description, error);
      }
      usage.throttled += 1;
      const { maxAttempts, baseDelayMs, maxDelayMs } = options.backoff;
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= maxAttempts) {
        throw new AwsCostThrottledError({
          message: `Cost Explorer is still throttling after ${attempt} attempts (${description}): ${message}`,
          retryAfterMs: THROTTLED_PAUSE_MS,
        });
      }
      const waitMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      logger.warn(
        `Cost Explorer throttled GetCostAndUsage (${description}): ${message}; retrying in ${waitMs} ms`,
      );
      await options.sleep(waitMs, signal);
    }
  }
}

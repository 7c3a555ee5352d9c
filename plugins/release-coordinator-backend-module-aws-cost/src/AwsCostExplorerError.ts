/**
 * Cost Explorer kept answering `LimitExceededException` (or
 * `ThrottlingException`) after the module's own backoff. `retryAfterMs`
 * tells the Release Coordinator scheduler to pause this provider instead of
 * asking again at once.
 *
 * @public
 */
export class AwsCostThrottledError extends Error {
  readonly retryAfterMs: number;

  constructor(options: { message: string; retryAfterMs: number }) {
    super(options.message);
    this.name = 'AwsCostThrottledError';
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * Cost Explorer answered something the module cannot read (a non-numeric
 * amount, a unit that is not a currency, a group key of another tag).
 *
 * @public
 */
export class AwsCostResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AwsCostResponseError';
  }
}

/**
 * A `GetCostAndUsage` call failed for another reason than throttling
 * (e.g. `AccessDeniedException` without `ce:GetCostAndUsage`). `status` is
 * the HTTP status, so the scheduler retries 5xx answers.
 *
 * @public
 */
export class AwsCostRequestError extends Error {
  readonly status?: number;

  constructor(description: string, cause: unknown) {
    const name = cause instanceof Error ? cause.name : 'Error';
    const message = cause instanceof Error ? cause.message : String(cause);
    super(
      `Cost Explorer GetCostAndUsage failed (${description}): ${name}: ${message}`,
      {
        cause,
      },
    );
    this.name = 'AwsCostRequestError';
    this.status = (
      cause as { $metadata?: { httpStatusCode?: number } } | undefined
    )?.$metadata?.httpStatusCode;
  }
}

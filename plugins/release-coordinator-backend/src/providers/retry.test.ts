import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  readRetryHint,
  sleep,
} from './retry';

const now = Date.parse('2026-11-26T10:00:00Z');

describe('readRetryHint', () => {
  it.each([
    [
      'an explicit retryAfterMs',
      { retryAfterMs: 2500 },
      { retryable: true, delayMs: 2500 },
    ],
    [
      '429 with Retry-After seconds',
      { status: 429, response: { headers: { 'Retry-After': '7' } } },
      { retryable: true, delayMs: 7000 },
    ],
    [
      '429 with Retry-After as an HTTP date',
      {
        status: 429,
        response: {
          headers: { 'retry-after': 'Thu, 26 Nov 2026 10:01:30 GMT' },
        },
      },
      { retryable: true, delayMs: 90_000 },
    ],
    [
      '403 with an exhausted GitHub rate limit',
      {
        response: {
          status: 403,
          headers: {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(now / 1000 + 120),
          },
        },
      },
      { retryable: true, delayMs: 120_000 },
    ],
    [
      '429 with fetch Headers',
      { statusCode: 429, headers: new Headers({ 'retry-after': '1' }) },
      { retryable: true, delayMs: 1000 },
    ],
    [
      '429 without headers',
      { status: 429 },
      { retryable: true, delayMs: undefined },
    ],
    ['503', { status: 503 }, { retryable: true, delayMs: undefined }],
    ['403 without rate-limit headers', { status: 403 }, { retryable: false }],
    ['404', { status: 404 }, { retryable: false }],
    ['a plain error', new Error('boom'), { retryable: false }],
    ['a string', 'boom', { retryable: false }],
  ])('reads %s', (_name, error, expected) => {
    expect(readRetryHint(error, now)).toEqual(expected);
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the base delay unless the vendor gave one', () => {
    const policy = DEFAULT_RETRY_POLICY;
    expect(
      [1, 2, 3].map(a => backoffDelayMs(policy, a, { retryable: true })),
    ).toEqual([1000, 2000, 4000]);
    expect(backoffDelayMs(policy, 3, { retryable: true, delayMs: 10 })).toBe(
      10,
    );
  });
});

describe('sleep', () => {
  it('returns early when the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    // Without the abort this would outlast Jest's 5 s test timeout.
    await expect(waiting).resolves.toBeUndefined();
  });
});

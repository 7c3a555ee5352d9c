import { AuthenticationError } from '@backstage/errors';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies `X-PagerDuty-Signature` (webhooks v3): `v1=<hex HMAC-SHA256 of
 * the raw body with the subscription's secret>`, possibly several
 * comma-separated (during a secret rotation); any matching one is valid.
 * Compared in constant time. Throws AuthenticationError (401) otherwise.
 */
export function verifyPagerDutySignature(options: {
  header: string | string[] | undefined;
  rawBody: Buffer;
  secret: string;
}): void {
  const { rawBody, secret } = options;
  const header = Array.isArray(options.header)
    ? options.header.join(',')
    : options.header;
  if (!header) {
    throw new AuthenticationError('Missing X-PagerDuty-Signature header');
  }
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const valid = header
    .split(',')
    .map(part => part.trim())
    .filter(part => part.startsWith('v1='))
    .map(part => Buffer.from(part.slice(3), 'hex'))
    .some(
      candidate =>
        candidate.length === expected.length &&
        timingSafeEqual(candidate, expected),
    );
  if (!valid) {
    throw new AuthenticationError('Invalid X-PagerDuty-Signature');
  }
}

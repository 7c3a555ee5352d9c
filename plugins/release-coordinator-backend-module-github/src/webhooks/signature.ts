import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `X-Hub-Signature-256` value GitHub sends for a body: `sha256=` and
 * the hex HMAC-SHA256 of the raw bytes with the webhook secret.
 *
 * @public
 */
export function signGithubPayload(secret: string, rawBody: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/**
 * Whether `header` is the valid `X-Hub-Signature-256` of the body, compared
 * in constant time.
 *
 * @public
 */
export function verifyGithubSignature(options: {
  secret: string;
  rawBody: Buffer;
  header: string | undefined;
}): boolean {
  const match = options.header?.trim().match(/^sha256=([0-9a-fA-F]{64})$/);
  if (!match) {
    return false;
  }
  const received = Buffer.from(match[1], 'hex');
  const expected = createHmac('sha256', options.secret)
    .update(options.rawBody)
    .digest();
  return timingSafeEqual(received, expected);
}

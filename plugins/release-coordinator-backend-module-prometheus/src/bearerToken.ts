import { AuthenticationError } from '@backstage/errors';
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Checks `Authorization: Bearer <token>` in constant time (both sides are
 * hashed first, so neither length nor content leaks through timing).
 * Throws AuthenticationError (401) when missing or wrong.
 */
export function verifyBearerToken(
  authorization: string | string[] | undefined,
  expected: string,
): void {
  const header = Array.isArray(authorization)
    ? authorization[0]
    : authorization;
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) {
    throw new AuthenticationError(
      'Missing bearer token: configure http_config.authorization in the Alertmanager webhook receiver',
    );
  }
  if (!timingSafeEqual(digest(match[1]), digest(expected))) {
    throw new AuthenticationError(
      'Invalid bearer token for the Alertmanager webhook',
    );
  }
}

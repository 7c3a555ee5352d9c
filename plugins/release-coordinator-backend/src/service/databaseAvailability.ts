import { ServiceUnavailableError } from '@backstage/errors';
import { ErrorRequestHandler } from 'express';
import { Knex } from 'knex';

/*
 * What the plugin does while its database is unreachable (docs/operations.md,
 * "When the database is down"): requests answer 503 with Retry-After instead
 * of 500, and /health (and with it the portal's readiness) reports it.
 */

/** Seconds a client is told to wait before retrying (Retry-After). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** How long /health waits for the database before reporting it down. */
export const DATABASE_HEALTH_TIMEOUT_MS = 2000;

/** Socket-level error codes of a database that cannot be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

/**
 * PostgreSQL SQLSTATEs of an unavailable server: class 08 (connection
 * exception), 57P01-57P03 (admin/crash shutdown, cannot connect now),
 * 57014 (query canceled: the statement timeout fired), 53300 (too many
 * connections), 55000 "not currently accepting connections" (a database closed
 * for maintenance), 3D000 is not one of them (a misconfiguration).
 */
function isPostgresUnavailable(code: string, message: string): boolean {
  return (
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '57014' ||
    code === '53300' ||
    (code === '55000' &&
      /not currently accepting connections|does not allow connections/i.test(
        message,
      ))
  );
}

/**
 * Whether an error means the database is unavailable right now (as opposed
 * to a bug or bad data): unreachable, restarting, overloaded, a connection
 * that could not be acquired in time, or a statement that timed out.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') {
    return false;
  }
  const { name, code, message } = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const text = typeof message === 'string' ? message : '';
  if (name === 'KnexTimeoutError') {
    return true;
  }
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || isPostgresUnavailable(code, text)) {
      return true;
    }
    // A locked SQLite file beyond the busy timeout.
    if (code === 'SQLITE_BUSY') {
      return true;
    }
  }
  return /Connection terminated|Unable to acquire a connection|Timeout acquiring a connection|the database system is (starting up|shutting down)|terminating connection due to administrator command/i.test(
    text,
  );
}

/**
 * Turns database unavailability into 503 with `Retry-After`, naming no
 * internals; other errors pass on to Backstage's error middleware.
 */
export function databaseUnavailableHandler(): ErrorRequestHandler {
  return (error, _req, res, next) => {
    const cause = (error as { cause?: unknown })?.cause;
    if (isDatabaseUnavailable(error) || isDatabaseUnavailable(cause)) {
      if (!res.headersSent) {
        res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      }
      next(
        new ServiceUnavailableError(
          `The Release Coordinator database is unavailable; retry in ${DATABASE_RETRY_AFTER_SECONDS} s`,
        ),
      );
      return;
    }
    next(error);
  };
}

/**
 * Asks the database a trivial question within `timeoutMs`; rejects with the
 * reason when it does not answer.
 */
export async function pingDatabase(
  db: Knex,
  timeoutMs = DATABASE_HEALTH_TIMEOUT_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`the database did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([db.raw('select 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { CustomErrorBase, isError } from '@backstage/errors';
import { ErrorRequestHandler } from 'express';

/*
 * Failures of the Backstage services this plugin calls (catalog,
 * notifications) are answered with 502 and our own message. The upstream
 * error is logged, never passed through: a catalog `ResponseError` carries
 * the catalog's status (a 400 of theirs is not the caller's fault) and its
 * serialized cause, stack trace included.
 */

/** A Backstage service the plugin depends on failed; answered with 502. */
export class UpstreamServiceError extends CustomErrorBase {
  name = 'UpstreamServiceError' as const;
  statusCode = 502;
}

/** `HTTP 400` for an upstream error with a status, else its error name. */
function describe(error: unknown): string {
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number') {
    return `HTTP ${status}`;
  }
  return isError(error) ? error.name : 'an unknown error';
}

/**
 * Runs a call to another Backstage service; any error it throws becomes an
 * {@link UpstreamServiceError} worded as `message` (without a cause).
 */
export async function callUpstream<T>(
  service: 'catalog' | 'notifications',
  message: string,
  call: () => Promise<T>,
  logger?: LoggerService,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    logger?.warn(
      `${message}: the ${service} failed`,
      isError(error) ? error : undefined,
    );
    throw new UpstreamServiceError(
      `${message}: the ${service} service failed (${describe(error)})`,
    );
  }
}

/**
 * The router's safety net for upstream errors not wrapped by
 * {@link callUpstream}: a `ResponseError` (what the Backstage service
 * clients throw for a failed response) becomes a 502 with our own message.
 */
export function upstreamErrorHandler(
  logger: LoggerService,
): ErrorRequestHandler {
  return (error, _req, _res, next) => {
    if (isError(error) && error.name === 'ResponseError') {
      logger.warn('A Backstage service the plugin called failed', error);
      next(
        new UpstreamServiceError(
          `A Backstage service this plugin depends on failed (${describe(
            error,
          )})`,
        ),
      );
      return;
    }
    next(error);
  };
}

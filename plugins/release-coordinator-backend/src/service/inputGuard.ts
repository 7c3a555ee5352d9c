import { InputError } from '@backstage/errors';
import express, {
  NextFunction,
  Request,
  RequestHandler,
  Response,
} from 'express';

/*
 * One guard for every text that reaches the database (docs/api.md, "Input
 * limits"): PostgreSQL `text` cannot hold NUL (`invalid byte sequence for
 * encoding "UTF8": 0x00`, a 500), and a lone UTF-16 surrogate has no UTF-8
 * form (the driver silently stores U+FFFD instead). Both are refused with a
 * 400 naming the field before any route runs, on SQLite and PostgreSQL
 * alike, so a refused request changes nothing.
 */

/** NUL, a high surrogate not followed by a low one, or a lone low surrogate. */
const INVALID_TEXT =
  /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Deepest nesting walked; deeper input is refused (no route takes it). */
const MAX_DEPTH = 32;

/** The message of a refused field. */
export const INVALID_TEXT_MESSAGE =
  'must not contain NUL or invalid characters';

/** True when `value` holds NUL or a lone UTF-16 surrogate. */
export function isInvalidText(value: string): boolean {
  return INVALID_TEXT.test(value);
}

/**
 * The dotted path (`body.items.0.comment`) of the first string, or object
 * key, in `value` that holds NUL or a lone surrogate; undefined when none.
 */
export function findInvalidText(
  value: unknown,
  path: string,
  depth = 0,
): string | undefined {
  if (typeof value === 'string') {
    return isInvalidText(value) ? path : undefined;
  }
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) {
    return undefined;
  }
  if (depth >= MAX_DEPTH) {
    return path;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findInvalidText(value[i], `${path}.${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (isInvalidText(key)) {
      return `${path} (a property name)`;
    }
    const found = findInvalidText(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Throws a 400 `InputError` naming the first invalid text in `value`. */
export function assertValidText(value: unknown, where: string): void {
  const field = findInvalidText(value, where);
  if (field) {
    throw new InputError(`${field}: ${INVALID_TEXT_MESSAGE}`);
  }
}

/**
 * Every route template with path parameters, so that a refused segment is
 * named like the parameter (`path.id`). A segment outside these is still
 * refused, as `path`. The router test holds this list to openapi.yaml.
 */
export const PATH_TEMPLATES: readonly string[] = [
  '/entities/:kind/:namespace/:name',
  '/cost-insights/entities/:kind/:namespace/:name',
  '/releases/:id/checklist/:itemId',
  '/releases/:id',
  '/rollbacks/:id',
  '/webhooks/:handlerPath',
];

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    // Express answers 400 for a parameter it cannot decode.
    return undefined;
  }
}

/** The name of path segment `index` (0 = first after the leading `/`). */
function segmentName(segments: string[], index: number): string {
  for (const template of PATH_TEMPLATES) {
    const parts = template.split('/').slice(1);
    if (parts.length > segments.length || index >= parts.length) continue;
    const matches = parts.every(
      (part, i) => part.startsWith(':') || part === segments[i],
    );
    if (matches && parts[index].startsWith(':')) {
      return `path.${parts[index].slice(1)}`;
    }
  }
  return 'path';
}

/** Throws a 400 naming the first path segment with NUL or a lone surrogate. */
export function assertValidPath(path: string): void {
  const segments = path.split('/').slice(1);
  segments.forEach((segment, index) => {
    const decoded = decodeSegment(segment);
    if (decoded !== undefined && isInvalidText(decoded)) {
      throw new InputError(
        `${segmentName(segments, index)}: ${INVALID_TEXT_MESSAGE}`,
      );
    }
  });
}

/**
 * The guard as middleware, mounted first on the plugin's router: the path
 * (every `:param` is a decoded segment of it), the query string, and a body
 * parsed already. Bodies parsed later go through {@link jsonBody}.
 */
export function inputGuard(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    assertValidPath(req.path);
    assertValidText(req.query, 'query');
    if (req.body !== undefined) {
      assertValidText(req.body, 'body');
    }
    next();
  };
}

/**
 * `express.json(options)` followed by the guard: the one JSON body parser of
 * the plugin's routes, so that no parsed body reaches a route unchecked.
 */
export function jsonBody(
  options?: Parameters<typeof express.json>[0],
): RequestHandler {
  const parse = express.json(options);
  return (req, res, next) =>
    parse(req, res, parseError => {
      if (parseError) {
        next(parseError);
        return;
      }
      try {
        assertValidText(req.body, 'body');
      } catch (error) {
        next(error);
        return;
      }
      next();
    });
}

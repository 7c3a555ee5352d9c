import { InputError } from '@backstage/errors';
import { Knex } from 'knex';

/** Position after the last item of a page: its sort time and id. */
export interface PageCursor {
  /** ISO-8601 UTC sort time of the last item. */
  at: string;
  /** Id of the last item (tiebreak between equal times). */
  id: string;
}

/** Whether a value is a time as the store writes it (UTC, ms, after 1970). */
function isStoredTime(value: string): boolean {
  const date = new Date(value);
  return (
    !Number.isNaN(date.getTime()) &&
    date.getUTCFullYear() >= 1970 &&
    date.toISOString() === value
  );
}

/** The opaque `nextCursor` for a page that ended at this item. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(
    JSON.stringify({ at: cursor.at, id: cursor.id }),
    'utf8',
  ).toString('base64url');
}

/** Reads a cursor made by {@link encodeCursor}; anything else is a 400. */
export function decodeCursor(value: string): PageCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw new InputError('Invalid query: cursor: not a cursor of this list');
  }
  if (
    typeof parsed === 'object' &&
    parsed !== null &&
    'at' in parsed &&
    'id' in parsed &&
    typeof parsed.at === 'string' &&
    typeof parsed.id === 'string' &&
    parsed.id.length > 0 &&
    parsed.id.length <= 36 &&
    isStoredTime(parsed.at)
  ) {
    return { at: parsed.at, id: parsed.id };
  }
  throw new InputError('Invalid query: cursor: not a cursor of this list');
}

/**
 * Keyset condition for the rows after `cursor` in an `ORDER BY column DESC,
 * id DESC` list: strictly older, or as old with a smaller id.
 */
export function olderThan(
  column: string,
  cursor: PageCursor,
): (builder: Knex.QueryBuilder) => void {
  return builder => {
    builder
      .where(column, '<', cursor.at)
      .orWhere(tie =>
        tie.where(column, '=', cursor.at).andWhere('id', '<', cursor.id),
      );
  };
}

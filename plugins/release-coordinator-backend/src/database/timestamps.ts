/**
 * The one place where timestamp representations of the databases meet.
 * Timestamps are written as ISO-8601 UTC strings with millisecond precision
 * (so SQLite keeps them sortable as text) and read back from whatever the
 * driver returns: a Date (pg), a string (SQLite) or epoch milliseconds.
 */

/** The value to write into a timestamp column. */
export function toDbTimestamp(date: Date): string {
  return date.toISOString();
}

/** An ISO-8601 UTC string from a timestamp column value. */
export function fromDbTimestamp(value: Date | string | number): string {
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (typeof value === 'number') {
    return new Date(value).toISOString();
  }
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) {
    throw new Error(`Unreadable timestamp in database: ${value}`);
  }
  return parsed.toISOString();
}

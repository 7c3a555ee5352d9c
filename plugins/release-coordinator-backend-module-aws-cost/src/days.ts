const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC day `YYYY-MM-DD` of an instant. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** The UTC day `days` after (or before, when negative) a `YYYY-MM-DD` day. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

/** True for a `YYYY-MM-DD` string naming a real calendar day. */
export function isDay(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(Date.parse(`${value}T00:00:00.000Z`)) &&
    addDays(value, 0) === value
  );
}

/** The days [start, end), `YYYY-MM-DD` strings compare like the days they name. */
export function daysBetween(start: string, end: string): string[] {
  const days: string[] = [];
  for (let day = start; day < end; day = addDays(day, 1)) {
    days.push(day);
  }
  return days;
}

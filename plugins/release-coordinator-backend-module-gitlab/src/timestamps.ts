import { DateTime } from 'luxon';

// Webhook bodies use `2021-04-28 21:50:00 +0200` or `... UTC`; the REST API ISO-8601.
const WEBHOOK_FORMATS = ['yyyy-MM-dd HH:mm:ss ZZZ', 'yyyy-MM-dd HH:mm:ss z'];

/**
 * A GitLab timestamp as an ISO-8601 UTC string, or undefined when it is
 * absent or not a date.
 */
export function toUtcIso(value: string | null | undefined): string | undefined {
  if (!value) {
    return undefined;
  }
  let parsed = DateTime.fromISO(value, { setZone: true });
  for (const format of WEBHOOK_FORMATS) {
    if (parsed.isValid) {
      break;
    }
    parsed = DateTime.fromFormat(value, format, { setZone: true });
  }
  return parsed.isValid ? parsed.toUTC().toISO() ?? undefined : undefined;
}

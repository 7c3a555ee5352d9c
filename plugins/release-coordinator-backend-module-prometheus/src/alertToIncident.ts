import { InputError } from '@backstage/errors';
import {
  IncidentInput,
  IncidentSeverity,
} from '@release-coordinator/backstage-plugin-common';
import { DateTime } from 'luxon';
import { createHash } from 'node:crypto';
import { AlertmanagerAlert, AlertStatus } from './alertmanagerPayload';

/** The `source` of incidents from Alertmanager. */
export const ALERTMANAGER_SOURCE = 'alertmanager';

const MAX_TITLE = 1000;
const MAX_URL = 2048;

/** critical|page → critical; major|error|high → major; anything else → minor. */
export function severityFromLabel(value: string | undefined): IncidentSeverity {
  const normalized = value?.trim().toLowerCase();
  if (normalized === 'critical' || normalized === 'page') {
    return 'critical';
  }
  if (
    normalized === 'major' ||
    normalized === 'error' ||
    normalized === 'high'
  ) {
    return 'major';
  }
  return 'minor';
}

/**
 * The alert's fingerprint, or (for senders that leave it out) a sha256 of
 * its labels sorted by name, so that the same alert always gets the same id.
 */
export function alertFingerprint(alert: AlertmanagerAlert): string {
  if (alert.fingerprint) {
    return alert.fingerprint;
  }
  const sorted = Object.keys(alert.labels)
    .sort()
    .map(name => [name, alert.labels[name]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/**
 * An RFC 3339 time as an ISO-8601 UTC string with milliseconds; undefined
 * for Go's zero time (`0001-01-01T00:00:00Z`, "not set") and unparseable input.
 */
export function toUtcTimestamp(value: string | undefined): string | undefined {
  if (!value) {
    return undefined;
  }
  const parsed = DateTime.fromISO(value, { setZone: true });
  if (!parsed.isValid || parsed.year < 1970) {
    return undefined;
  }
  return parsed.toUTC().toISO() ?? undefined;
}

function httpUrl(value: string | undefined): string | undefined {
  if (!value || value.length > MAX_URL) {
    return undefined;
  }
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Turns one alert of a notification into an incident of `entityRef`.
 *
 * The externalId is `<fingerprint>@<startsAt>`: the fingerprint names the
 * alert (its label set), which can fire again after it resolved; each
 * firing keeps its `startsAt` from firing to resolved, so the pair names one
 * incident and a later firing becomes a new one.
 */
export function alertToIncident(options: {
  alert: AlertmanagerAlert;
  index: number;
  groupStatus: AlertStatus;
  entityRef: string;
  severityLabel: string;
}): IncidentInput {
  const { alert, index, groupStatus, entityRef, severityLabel } = options;
  const status = alert.status ?? groupStatus;
  const startedAt = toUtcTimestamp(alert.startsAt);
  if (!startedAt) {
    throw new InputError(
      `Invalid Alertmanager payload: alerts[${index}].startsAt must be an RFC 3339 time, got ${alert.startsAt}`,
    );
  }
  let resolvedAt: string | undefined;
  if (status === 'resolved') {
    resolvedAt = toUtcTimestamp(alert.endsAt);
    if (!resolvedAt) {
      throw new InputError(
        `Invalid Alertmanager payload: alerts[${index}].endsAt must be set on a resolved alert`,
      );
    }
  }
  const title =
    alert.annotations.summary?.trim() ||
    alert.labels.alertname?.trim() ||
    'Alertmanager alert';
  const environment = (alert.labels.environment ?? alert.labels.env)?.trim();
  const url = httpUrl(alert.generatorURL);
  return {
    entityRef,
    source: ALERTMANAGER_SOURCE,
    externalId: `${alertFingerprint(alert)}@${startedAt}`,
    severity: severityFromLabel(alert.labels[severityLabel]),
    title: title.slice(0, MAX_TITLE),
    ...(environment && { environment }),
    startedAt,
    ...(resolvedAt && { resolvedAt }),
    ...(url && { url }),
  };
}

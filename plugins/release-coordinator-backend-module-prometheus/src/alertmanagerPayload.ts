import { InputError } from '@backstage/errors';

/** Status of an alert group or of one alert. */
export type AlertStatus = 'firing' | 'resolved';

/** One alert of an Alertmanager webhook (v4) notification. */
export interface AlertmanagerAlert {
  /** Absent in some senders; the group status applies then. */
  status?: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  /** `0001-01-01T00:00:00Z` while firing. */
  endsAt?: string;
  generatorURL?: string;
  /** Hash of the labels; absent in some senders. */
  fingerprint?: string;
}

/**
 * An Alertmanager webhook notification, version 4 (the `webhook_config`
 * payload of https://prometheus.io/docs/alerting/latest/configuration/).
 */
export interface AlertmanagerWebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts?: number;
  status: AlertStatus;
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: AlertmanagerAlert[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(field: string, message: string): never {
  throw new InputError(`Invalid Alertmanager payload: ${field} ${message}`);
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined) {
    return {};
  }
  if (!isRecord(value)) {
    return fail(field, 'must be an object of strings');
  }
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') {
      fail(`${field}.${key}`, 'must be a string');
    }
  }
  return value as Record<string, string>;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  return typeof value === 'string' ? value : fail(field, 'must be a string');
}

function status(value: unknown, field: string): AlertStatus | undefined {
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  if (value === 'firing' || value === 'resolved') {
    return value;
  }
  return fail(
    field,
    `must be "firing" or "resolved", got ${JSON.stringify(value)}`,
  );
}

/** Checks the shape of a v4 notification; throws InputError naming the field. */
export function parseAlertmanagerPayload(
  body: unknown,
): AlertmanagerWebhookPayload {
  if (!isRecord(body)) {
    return fail('body', 'must be a JSON object');
  }
  if (body.version !== '4') {
    fail('version', `must be "4", got ${JSON.stringify(body.version)}`);
  }
  const groupStatus = status(body.status, 'status');
  if (!groupStatus) {
    fail('status', 'is required');
  }
  if (!Array.isArray(body.alerts)) {
    fail('alerts', 'must be an array');
  }
  const alerts = body.alerts.map((alert: unknown, i: number) => {
    const field = `alerts[${i}]`;
    if (!isRecord(alert)) {
      return fail(field, 'must be an object');
    }
    const startsAt = optionalString(alert.startsAt, `${field}.startsAt`);
    if (!startsAt) {
      fail(`${field}.startsAt`, 'is required');
    }
    return {
      status: status(alert.status, `${field}.status`),
      labels: stringMap(alert.labels, `${field}.labels`),
      annotations: stringMap(alert.annotations, `${field}.annotations`),
      startsAt,
      endsAt: optionalString(alert.endsAt, `${field}.endsAt`),
      generatorURL: optionalString(alert.generatorURL, `${field}.generatorURL`),
      fingerprint: optionalString(alert.fingerprint, `${field}.fingerprint`),
    };
  });
  return {
    version: '4',
    groupKey: optionalString(body.groupKey, 'groupKey') ?? '',
    truncatedAlerts:
      typeof body.truncatedAlerts === 'number'
        ? body.truncatedAlerts
        : undefined,
    status: groupStatus,
    receiver: optionalString(body.receiver, 'receiver') ?? '',
    groupLabels: stringMap(body.groupLabels, 'groupLabels'),
    commonLabels: stringMap(body.commonLabels, 'commonLabels'),
    commonAnnotations: stringMap(body.commonAnnotations, 'commonAnnotations'),
    externalURL: optionalString(body.externalURL, 'externalURL') ?? '',
    alerts,
  };
}

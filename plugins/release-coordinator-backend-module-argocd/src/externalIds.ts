import { DateTime } from 'luxon';
import { ArgoCdRevisionHistory } from './types';

/** An Argo CD timestamp (RFC 3339) as an ISO string in UTC, seconds precision kept. */
export function normalizeTimestamp(
  value: string | undefined,
): string | undefined {
  if (!value) {
    return undefined;
  }
  const parsed = DateTime.fromISO(value, { zone: 'utc' });
  return parsed.isValid
    ? parsed.toUTC().toISO({ suppressMilliseconds: true }) ?? undefined
    : undefined;
}

/**
 * External ids. A sync has one identity in Argo CD: its start time. The
 * operation's `startedAt` is copied into the history entry's
 * `deployStartedAt` when the sync succeeds, so the same sync seen Running,
 * then Succeeded in `operationState`, then in `status.history`, always gets
 * `<instance>/<app>/op-<startedAt>` and is stored once. History entries
 * written by Argo CD versions without `deployStartedAt` use
 * `<instance>/<app>/history-<id>`.
 */
export function operationExternalId(
  instance: string,
  app: string,
  startedAt: string,
): string {
  return `${instance}/${app}/op-${startedAt}`;
}

/** See {@link operationExternalId}. */
export function historyExternalId(
  instance: string,
  app: string,
  entry: ArgoCdRevisionHistory,
): string {
  const startedAt = normalizeTimestamp(entry.deployStartedAt);
  return startedAt
    ? operationExternalId(instance, app, startedAt)
    : `${instance}/${app}/history-${entry.id}`;
}

/** What an external id of this module names. */
export type ParsedExternalId =
  | { instance: string; app: string; historyId: number }
  | { instance: string; app: string; startedAt: string };

/** Parses an external id made by this module, or returns undefined. */
export function parseExternalId(
  externalId: string,
): ParsedExternalId | undefined {
  const match = /^([^/]+)\/(.+)\/(?:history-(\d+)|op-(.+))$/.exec(externalId);
  if (!match) {
    return undefined;
  }
  const [, instance, app, historyId, startedAt] = match;
  return historyId !== undefined
    ? { instance, app, historyId: Number(historyId) }
    : { instance, app, startedAt };
}

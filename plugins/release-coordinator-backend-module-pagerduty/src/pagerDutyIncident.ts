import {
  IncidentInput,
  IncidentSeverity,
} from '@release-coordinator/backstage-plugin-common';

/** The `source` of incidents from PagerDuty. */
export const PAGERDUTY_SOURCE = 'pagerduty';

/** The entity annotation naming the PagerDuty service of an entity. */
export const PAGERDUTY_SERVICE_ID_ANNOTATION = 'pagerduty.com/service-id';

const MAX_TITLE = 1000;

/**
 * The fields of a PagerDuty incident object used here; the same object
 * comes in webhook v3 `event.data` and REST `GET /incidents`.
 */
export interface PagerDutyIncident {
  id: string;
  title?: string;
  summary?: string;
  status?: string;
  urgency?: string;
  created_at: string;
  /** REST only. */
  resolved_at?: string | null;
  /** REST only. */
  last_status_change_at?: string;
  html_url?: string;
  service: { id: string };
}

/** urgency high → critical; low (or anything else) → major. */
export function severityFromUrgency(
  urgency: string | undefined,
): IncidentSeverity {
  return urgency === 'high' ? 'critical' : 'major';
}

/** An ISO-8601 UTC string with milliseconds, or undefined when unparseable. */
export function toUtcTimestamp(
  value: string | null | undefined,
): string | undefined {
  if (!value) {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Maps a PagerDuty incident to an incident of the entity. */
export function toIncidentInput(options: {
  incident: PagerDutyIncident;
  entityRef: string;
  /** Set when the incident is resolved. */
  resolvedAt?: string;
  /**
   * When PagerDuty observed the state reported (the event's `occurred_at`,
   * the incident's `last_status_change_at`): orders the reports, so that a
   * reopened incident is open again and a late old event changes nothing.
   */
  reportedAt?: string;
}): IncidentInput {
  const { incident, entityRef, resolvedAt, reportedAt } = options;
  const startedAt = toUtcTimestamp(incident.created_at);
  if (!startedAt) {
    throw new Error(
      `PagerDuty incident ${incident.id} has an unreadable created_at: ${incident.created_at}`,
    );
  }
  // A clock skew must not make the report invalid (resolved before started).
  const resolved =
    resolvedAt !== undefined && resolvedAt < startedAt ? startedAt : resolvedAt;
  const title = (
    incident.title ||
    incident.summary ||
    `PagerDuty incident ${incident.id}`
  )
    .trim()
    .slice(0, MAX_TITLE);
  return {
    entityRef,
    source: PAGERDUTY_SOURCE,
    externalId: incident.id,
    severity: severityFromUrgency(incident.urgency),
    title,
    startedAt,
    ...(resolved && { resolvedAt: resolved }),
    ...(incident.html_url?.startsWith('http') && { url: incident.html_url }),
    ...(reportedAt && { reportedAt }),
  };
}

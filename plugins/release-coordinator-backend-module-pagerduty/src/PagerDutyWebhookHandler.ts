import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  WebhookHandler,
  WebhookRequest,
  WebhookResult,
} from '@release-coordinator/backstage-plugin-node';
import {
  PAGERDUTY_SERVICE_ID_ANNOTATION,
  PagerDutyIncident,
  toIncidentInput,
  toUtcTimestamp,
} from './pagerDutyIncident';
import { verifyPagerDutySignature } from './signature';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function fail(field: string, message: string): never {
  throw new InputError(`Invalid PagerDuty webhook: ${field} ${message}`);
}

function requiredString(
  record: Record<string, unknown>,
  key: string,
  field: string,
): string {
  const value = record[key];
  return typeof value === 'string' && value !== ''
    ? value
    : fail(`${field}.${key}`, 'must be a non-empty string');
}

/** The incident object of an `incident.*` event, checked field by field. */
function parseIncident(data: unknown): PagerDutyIncident {
  if (!isRecord(data)) {
    return fail('event.data', 'must be an object');
  }
  if (!isRecord(data.service)) {
    return fail('event.data.service', 'must be an object');
  }
  const optional = (key: string) =>
    typeof data[key] === 'string' ? (data[key] as string) : undefined;
  const createdAt = requiredString(data, 'created_at', 'event.data');
  if (!toUtcTimestamp(createdAt)) {
    fail('event.data.created_at', 'must be an ISO-8601 time');
  }
  return {
    id: requiredString(data, 'id', 'event.data'),
    created_at: createdAt,
    service: { id: requiredString(data.service, 'id', 'event.data.service') },
    title: optional('title'),
    status: optional('status'),
    urgency: optional('urgency'),
    html_url: optional('html_url'),
  };
}

/**
 * The incident events read, and the state of the incident after each: every
 * other event type (`incident.annotated`, `incident.priority_updated`,
 * `pagey.ping`, ...) changes neither whether it is open nor its times.
 */
const INCIDENT_EVENT_STATES = new Map<string, 'open' | 'resolved'>([
  ['incident.triggered', 'open'],
  ['incident.acknowledged', 'open'],
  ['incident.unacknowledged', 'open'],
  ['incident.reopened', 'open'],
  ['incident.resolved', 'resolved'],
]);

/**
 * Receives PagerDuty webhooks v3 at `POST /api/release-coordinator/webhooks/pagerduty`:
 * `incident.triggered` opens and `incident.resolved` resolves an incident of
 * the entity annotated `pagerduty.com/service-id` with the incident's
 * service; `incident.reopened`, `incident.acknowledged` and
 * `incident.unacknowledged` report it open (reopening a resolved one when
 * newer than its resolution); other event types (`pagey.ping`, ...) are
 * accepted and ignored. Incidents of services no entity claims are
 * skipped with a warning. Deliveries are deduped by `X-Webhook-Id`, else by
 * the event id.
 *
 * @public
 */
export class PagerDutyWebhookHandler implements WebhookHandler {
  readonly path = 'pagerduty';

  constructor(
    private readonly options: { secret: string; logger: LoggerService },
  ) {}

  async handle(request: WebhookRequest): Promise<WebhookResult> {
    const { secret, logger } = this.options;
    verifyPagerDutySignature({
      header: request.headers['x-pagerduty-signature'],
      rawBody: request.rawBody,
      secret,
    });
    const body = request.body;
    if (!isRecord(body) || !isRecord(body.event)) {
      return fail('event', 'must be an object');
    }
    const event = body.event;
    const eventType = requiredString(event, 'event_type', 'event');
    const deliveryId =
      headerValue(request.headers['x-webhook-id']) ??
      requiredString(event, 'id', 'event');

    const state = INCIDENT_EVENT_STATES.get(eventType);
    if (!state) {
      logger.debug(
        `Ignored PagerDuty webhook event ${eventType} (${deliveryId})`,
      );
      return {};
    }

    const incident = parseIncident(event.data);
    // The event's own time orders it against the stored incident: a
    // reopen after a resolve reopens it, a late older event changes nothing.
    const occurredAt = toUtcTimestamp(
      requiredString(event, 'occurred_at', 'event'),
    );
    if (!occurredAt) {
      return fail('event.occurred_at', 'must be an ISO-8601 time');
    }
    const resolvedAt = state === 'resolved' ? occurredAt : undefined;

    const serviceId = incident.service.id;
    const refs = await request.findEntityRefsByAnnotation(
      PAGERDUTY_SERVICE_ID_ANNOTATION,
      serviceId,
    );
    if (refs.length === 0) {
      logger.warn(
        `Skipped PagerDuty ${eventType} of incident ${incident.id}: no entity has ${PAGERDUTY_SERVICE_ID_ANNOTATION}=${serviceId}`,
      );
      return { deliveryId };
    }
    if (refs.length > 1) {
      logger.warn(
        `PagerDuty incident ${incident.id}: ${
          refs.length
        } entities have ${PAGERDUTY_SERVICE_ID_ANNOTATION}=${serviceId} (${refs.join(
          ', ',
        )}); attributed to ${refs[0]}`,
      );
    }
    return {
      deliveryId,
      incidents: [
        toIncidentInput({
          incident,
          entityRef: refs[0],
          resolvedAt,
          reportedAt: occurredAt,
        }),
      ],
    };
  }
}

import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  IncidentProvider,
  IncidentPullResult,
  ProviderPullRequest,
} from '@release-coordinator/backstage-plugin-node';
import { PagerDutyClient } from './PagerDutyClient';
import { MAX_LOOKBACK_DAYS, PagerDutyApiSettings } from './config';
import {
  PAGERDUTY_SERVICE_ID_ANNOTATION,
  PAGERDUTY_SOURCE,
  toIncidentInput,
  toUtcTimestamp,
} from './pagerDutyIncident';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Pulls the incidents of entities annotated `pagerduty.com/service-id` from
 * `GET /incidents` of the PagerDuty REST API.
 *
 * The cursor is the `since` of the next pull: the start of the oldest
 * incident that was still open, or else the `until` of this pull. So an
 * incident is fetched again until it is resolved (and its resolution
 * recorded), while resolved history is not fetched twice. The first pull
 * reaches `lookbackDays` back; no pull reaches further than PagerDuty's
 * 6-month window.
 *
 * @public
 */
export class PagerDutyIncidentProvider implements IncidentProvider {
  readonly id = PAGERDUTY_SOURCE;
  private readonly client: PagerDutyClient;
  private readonly settings: PagerDutyApiSettings;
  private readonly now: () => number;

  constructor(options: { settings: PagerDutyApiSettings; now?: () => number }) {
    this.settings = options.settings;
    this.now = options.now ?? Date.now;
    this.client = new PagerDutyClient({
      baseUrl: options.settings.baseUrl,
      token: options.settings.token,
      now: this.now,
    });
  }

  appliesTo(entity: Entity): boolean {
    return Boolean(
      entity.metadata.annotations?.[PAGERDUTY_SERVICE_ID_ANNOTATION]?.trim(),
    );
  }

  async pull(request: ProviderPullRequest): Promise<IncidentPullResult> {
    const serviceId =
      request.entity.metadata.annotations?.[
        PAGERDUTY_SERVICE_ID_ANNOTATION
      ]?.trim();
    if (!serviceId) {
      return { incidents: [] };
    }
    const nowMs = this.now();
    const earliest = nowMs - MAX_LOOKBACK_DAYS * DAY_MS;
    const cursorMs = request.cursor ? Date.parse(request.cursor) : NaN;
    const sinceMs = Number.isNaN(cursorMs)
      ? nowMs - this.settings.lookbackDays * DAY_MS
      : Math.max(cursorMs, earliest);
    const since = new Date(sinceMs).toISOString();
    const until = new Date(nowMs).toISOString();

    const found = await this.client.listIncidents({
      serviceId,
      since,
      until,
      signal: request.signal,
    });
    const entityRef = stringifyEntityRef(request.entity);
    const incidents = found.map(incident =>
      toIncidentInput({
        incident,
        entityRef,
        resolvedAt:
          incident.status === 'resolved'
            ? toUtcTimestamp(incident.resolved_at) ??
              toUtcTimestamp(incident.last_status_change_at)
            : undefined,
        reportedAt: toUtcTimestamp(incident.last_status_change_at),
      }),
    );
    const stillOpen = incidents
      .filter(incident => incident.resolvedAt === undefined)
      .map(incident => incident.startedAt)
      .sort();
    return { incidents, cursor: stillOpen[0] ?? until };
  }
}

import { PagerDutyIncident } from './pagerDutyIncident';

/**
 * A failed PagerDuty REST call. `status` is the HTTP status; on 429
 * `retryAfterMs` says when to try again, which the Release Coordinator
 * scheduler honours (it retries errors carrying `retryAfterMs`, and 5xx).
 *
 * @public
 */
export class PagerDutyApiError extends Error {
  readonly status: number;
  readonly retryAfterMs?: number;

  constructor(options: {
    message: string;
    status: number;
    retryAfterMs?: number;
  }) {
    super(options.message);
    this.name = 'PagerDutyApiError';
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Wait used when a 429 carries no reset header. */
const DEFAULT_RETRY_AFTER_MS = 60_000;
const PAGE_SIZE = 100;

/**
 * The delay a 429 asks for: `Retry-After` (seconds or HTTP date), else
 * `ratelimit-reset` (seconds until the window resets), else a minute.
 */
function retryAfterMs(headers: Headers, nowMs: number): number {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) {
      return Math.ceil(Number(retryAfter) * 1000);
    }
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) {
      return Math.max(0, date - nowMs);
    }
  }
  const reset = headers.get('ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) {
    return Number(reset) * 1000;
  }
  return DEFAULT_RETRY_AFTER_MS;
}

interface ListIncidentsPage {
  incidents: PagerDutyIncident[];
  more: boolean;
  offset: number;
  limit: number;
}

function isListIncidentsPage(value: unknown): value is ListIncidentsPage {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const page = value as Record<string, unknown>;
  return Array.isArray(page.incidents);
}

/**
 * The part of the PagerDuty REST API v2 the incident pull uses:
 * `GET /incidents` with classic offset pagination (`limit`, `offset`, `more`).
 *
 * @public
 */
export class PagerDutyClient {
  constructor(
    private readonly options: {
      baseUrl: string;
      token: string;
      now?: () => number;
    },
  ) {}

  /** Every incident of the service created in [since, until), all pages. */
  async listIncidents(request: {
    serviceId: string;
    since: string;
    until: string;
    signal?: AbortSignal;
  }): Promise<PagerDutyIncident[]> {
    const incidents: PagerDutyIncident[] = [];
    for (let offset = 0; ; ) {
      const page = await this.getIncidentsPage({ ...request, offset });
      incidents.push(...page.incidents);
      if (!page.more || page.incidents.length === 0) {
        return incidents;
      }
      offset += page.incidents.length;
    }
  }

  private async getIncidentsPage(request: {
    serviceId: string;
    since: string;
    until: string;
    offset: number;
    signal?: AbortSignal;
  }): Promise<ListIncidentsPage> {
    const url = new URL(`${this.options.baseUrl}/incidents`);
    url.searchParams.append('service_ids[]', request.serviceId);
    url.searchParams.set('since', request.since);
    url.searchParams.set('until', request.until);
    url.searchParams.set('time_zone', 'UTC');
    url.searchParams.set('limit', String(PAGE_SIZE));
    url.searchParams.set('offset', String(request.offset));

    const response = await fetch(url, {
      headers: {
        Authorization: `Token token=${this.options.token}`,
        Accept: 'application/json',
      },
      signal: request.signal,
    });
    if (response.status === 429) {
      const waitMs = retryAfterMs(
        response.headers,
        (this.options.now ?? Date.now)(),
      );
      throw new PagerDutyApiError({
        message: `PagerDuty rate limit reached on GET /incidents; retry in ${Math.ceil(
          waitMs / 1000,
        )} s`,
        status: 429,
        retryAfterMs: waitMs,
      });
    }
    if (!response.ok) {
      const detail = (await response.text()).slice(0, 500);
      throw new PagerDutyApiError({
        message: `PagerDuty GET /incidents failed with ${response.status} ${response.statusText}: ${detail}`,
        status: response.status,
      });
    }
    const body: unknown = await response.json();
    if (!isListIncidentsPage(body)) {
      throw new PagerDutyApiError({
        message: 'PagerDuty GET /incidents answered without an incidents array',
        status: response.status,
      });
    }
    return body;
  }
}

import { Entity } from '@backstage/catalog-model';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { PagerDutyApiError } from './PagerDutyClient';
import { PagerDutyIncidentProvider } from './PagerDutyIncidentProvider';

const TOKEN = 'y_NbAkKc66ryYTWUXYEu';
const NOW = Date.parse('2026-11-26T12:00:00.000Z');

/** An incident as `GET /incidents` returns it (PagerDuty REST API v2). */
function restIncident(
  n: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const id = `PINC${String(n).padStart(4, '0')}`;
  const createdAt = new Date(Date.parse('2026-11-01T00:00:00Z') + n * 60_000)
    .toISOString()
    .replace('.000', '');
  return {
    id,
    type: 'incident',
    summary: `[#${n}] Disk usage above 90%`,
    self: `https://api.pagerduty.com/incidents/${id}`,
    html_url: `https://acme.pagerduty.com/incidents/${id}`,
    incident_number: n,
    title: `Disk usage above 90% (${n})`,
    created_at: createdAt,
    updated_at: createdAt,
    status: 'resolved',
    incident_key: `key-${n}`,
    service: {
      id: 'PIJ90N7',
      type: 'service_reference',
      summary: 'Payments API',
      self: 'https://api.pagerduty.com/services/PIJ90N7',
      html_url: 'https://acme.pagerduty.com/service-directory/PIJ90N7',
    },
    assignments: [],
    assigned_via: 'escalation_policy',
    last_status_change_at: new Date(Date.parse(createdAt) + 30 * 60_000)
      .toISOString()
      .replace('.000', ''),
    resolved_at: new Date(Date.parse(createdAt) + 30 * 60_000)
      .toISOString()
      .replace('.000', ''),
    alert_counts: { all: 1, triggered: 0, resolved: 1 },
    is_mergeable: true,
    escalation_policy: {
      id: 'PT20YPA',
      type: 'escalation_policy_reference',
      summary: 'Another Escalation Policy',
    },
    teams: [],
    pending_actions: [],
    acknowledgements: [],
    priority: null,
    resolve_reason: null,
    urgency: n % 2 === 0 ? 'high' : 'low',
    ...overrides,
  };
}

interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

/**
 * A local server speaking the part of the PagerDuty REST API the provider
 * uses: `GET /incidents` with token auth, `service_ids[]`, `since`/`until`
 * and classic offset pagination (`limit`, `offset`, `more`), or a queued
 * error response (429 with rate-limit headers, 401, 500).
 */
async function startPagerDuty(incidents: Array<Record<string, unknown>>) {
  const requests: RecordedRequest[] = [];
  const errors: Array<{
    status: number;
    headers?: Record<string, string>;
    body: unknown;
  }> = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
    });
    const send = (
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Token token=${TOKEN}`) {
      send(401, { error: { message: 'Unauthorized', code: 2006 } });
      return;
    }
    const queued = errors.shift();
    if (queued) {
      send(queued.status, queued.body, queued.headers);
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/incidents') {
      send(404, { error: { message: 'Not Found', code: 2100 } });
      return;
    }
    const serviceIds = url.searchParams.getAll('service_ids[]');
    const since = Date.parse(url.searchParams.get('since') ?? '');
    const until = Date.parse(url.searchParams.get('until') ?? '');
    const limit = Number(url.searchParams.get('limit') ?? 25);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const matching = incidents.filter(incident => {
      const created = Date.parse(incident.created_at as string);
      const service = incident.service as { id: string };
      return (
        serviceIds.includes(service.id) && created >= since && created < until
      );
    });
    send(200, {
      incidents: matching.slice(offset, offset + limit),
      limit,
      offset,
      more: offset + limit < matching.length,
      total: null,
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    queueError(
      status: number,
      body: unknown,
      headers?: Record<string, string>,
    ) {
      errors.push({ status, body, headers });
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'pagerduty.com/service-id': 'PIJ90N7' },
  },
  spec: { type: 'service', owner: 'group:team-a', lifecycle: 'production' },
};

describe('PagerDutyIncidentProvider', () => {
  let pagerDuty: Awaited<ReturnType<typeof startPagerDuty>>;

  function provider(token = TOKEN, lookbackDays = 30) {
    return new PagerDutyIncidentProvider({
      settings: { baseUrl: pagerDuty.baseUrl, token, lookbackDays },
      now: () => NOW,
    });
  }

  function pull(cursor?: string, p = provider()) {
    return p.pull({ entity, cursor, signal: new AbortController().signal });
  }

  afterEach(async () => {
    await pagerDuty?.close();
  });

  it('applies to entities with a pagerduty.com/service-id annotation', async () => {
    pagerDuty = await startPagerDuty([]);
    expect(provider().id).toBe('pagerduty');
    expect(provider().appliesTo(entity)).toBe(true);
    expect(
      provider().appliesTo({
        ...entity,
        metadata: { name: 'x', annotations: {} },
      }),
    ).toBe(false);
  });

  it('pulls every page with the token, service, window and offset pagination', async () => {
    const all = Array.from({ length: 250 }, (_, i) => restIncident(i + 1));
    const other = restIncident(900, { service: { id: 'POTHER1' } });
    pagerDuty = await startPagerDuty([...all, other]);

    const result = await pull();
    expect(result.incidents).toHaveLength(250);
    expect(pagerDuty.requests.map(r => r.query.get('offset'))).toEqual([
      '0',
      '100',
      '200',
    ]);
    for (const request of pagerDuty.requests) {
      expect(request.method).toBe('GET');
      expect(request.path).toBe('/incidents');
      expect(request.headers.authorization).toBe(`Token token=${TOKEN}`);
      expect(request.headers.accept).toBe('application/json');
      expect(request.query.getAll('service_ids[]')).toEqual(['PIJ90N7']);
      expect(request.query.get('limit')).toBe('100');
      // First pull: lookbackDays (30) back from now.
      expect(request.query.get('since')).toBe('2026-10-27T12:00:00.000Z');
      expect(request.query.get('until')).toBe('2026-11-26T12:00:00.000Z');
    }
    expect(result.incidents[1]).toEqual({
      entityRef: 'component:default/payments',
      source: 'pagerduty',
      externalId: 'PINC0002',
      severity: 'critical',
      title: 'Disk usage above 90% (2)',
      startedAt: '2026-11-01T00:02:00.000Z',
      resolvedAt: '2026-11-01T00:32:00.000Z',
      url: 'https://acme.pagerduty.com/incidents/PINC0002',
      // Orders the report against webhook events (a later reopen wins).
      reportedAt: '2026-11-01T00:32:00.000Z',
    });
    expect(result.incidents[0].severity).toBe('major');
    // Nothing open: the next pull starts where this one ended.
    expect(result.cursor).toBe('2026-11-26T12:00:00.000Z');
  });

  it('keeps the window open from the oldest unresolved incident, so its resolution is pulled later', async () => {
    const open = restIncident(5, {
      status: 'acknowledged',
      resolved_at: null,
      last_status_change_at: '2026-11-01T00:06:00Z',
    });
    const triggered = restIncident(9, {
      status: 'triggered',
      resolved_at: null,
    });
    pagerDuty = await startPagerDuty([restIncident(1), open, triggered]);

    const first = await pull('2026-10-31T00:00:00.000Z');
    expect(pagerDuty.requests[0].query.get('since')).toBe(
      '2026-10-31T00:00:00.000Z',
    );
    expect(first.incidents.map(i => [i.externalId, i.resolvedAt])).toEqual([
      ['PINC0001', '2026-11-01T00:31:00.000Z'],
      ['PINC0005', undefined],
      ['PINC0009', undefined],
    ]);
    expect(first.cursor).toBe('2026-11-01T00:05:00.000Z');

    await pull(first.cursor);
    expect(pagerDuty.requests[1].query.get('since')).toBe(
      '2026-11-01T00:05:00.000Z',
    );
  });

  it('takes last_status_change_at when a resolved incident has no resolved_at', async () => {
    pagerDuty = await startPagerDuty([
      restIncident(3, {
        resolved_at: undefined,
        last_status_change_at: '2026-11-01T01:00:00Z',
      }),
    ]);
    const result = await pull();
    expect(result.incidents[0].resolvedAt).toBe('2026-11-01T01:00:00.000Z');
  });

  it('never asks for more than the 6 months PagerDuty allows', async () => {
    pagerDuty = await startPagerDuty([]);
    await pull('2025-01-01T00:00:00.000Z');
    expect(pagerDuty.requests[0].query.get('since')).toBe(
      '2026-05-31T12:00:00.000Z',
    );
  });

  it('throws an error carrying retryAfterMs on 429 with Retry-After', async () => {
    pagerDuty = await startPagerDuty([restIncident(1)]);
    pagerDuty.queueError(
      429,
      { error: { message: 'Rate Limit Exceeded', code: 2020 } },
      {
        'Retry-After': '17',
        'ratelimit-limit': '960',
        'ratelimit-remaining': '0',
        'ratelimit-reset': '40',
      },
    );
    const error = await pull().catch(e => e);
    expect(error).toBeInstanceOf(PagerDutyApiError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 17_000 });
    expect(error.message).toMatch(/rate limit/);
    // The scheduler's retry succeeds once the limit has passed.
    expect((await pull()).incidents).toHaveLength(1);
  });

  it('reads ratelimit-reset when a 429 has no Retry-After', async () => {
    pagerDuty = await startPagerDuty([]);
    pagerDuty.queueError(
      429,
      { error: { message: 'Rate Limit Exceeded', code: 2020 } },
      {
        'ratelimit-limit': '960',
        'ratelimit-remaining': '0',
        'ratelimit-reset': '40',
      },
    );
    await expect(pull()).rejects.toMatchObject({
      status: 429,
      retryAfterMs: 40_000,
    });
  });

  it('stops at a 429 in the middle of the pages, returning nothing partial', async () => {
    pagerDuty = await startPagerDuty(
      Array.from({ length: 150 }, (_, i) => restIncident(i + 1)),
    );
    // The first page answers; the second is rate limited.
    pagerDuty.queueError(200, {
      incidents: Array.from({ length: 100 }, (_, i) => restIncident(i + 1)),
      limit: 100,
      offset: 0,
      more: true,
      total: null,
    });
    pagerDuty.queueError(
      429,
      { error: { message: 'Rate Limit Exceeded', code: 2020 } },
      { 'Retry-After': '2' },
    );
    await expect(pull()).rejects.toMatchObject({
      status: 429,
      retryAfterMs: 2000,
    });
    expect(pagerDuty.requests.map(r => r.query.get('offset'))).toEqual([
      '0',
      '100',
    ]);
  });

  it('reports a bad token as a non-retryable 401 naming PagerDuty', async () => {
    pagerDuty = await startPagerDuty([]);
    const error = await pull(undefined, provider('wrong-token')).catch(e => e);
    expect(error).toBeInstanceOf(PagerDutyApiError);
    expect(error.status).toBe(401);
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toContain('PagerDuty GET /incidents failed with 401');
  });

  it('reports a 5xx with its status, which the scheduler retries', async () => {
    pagerDuty = await startPagerDuty([]);
    pagerDuty.queueError(503, { error: { message: 'Service Unavailable' } });
    await expect(pull()).rejects.toMatchObject({ status: 503 });
  });
});

import { mockServices } from '@backstage/backend-test-utils';
import { AuthenticationError, InputError } from '@backstage/errors';
import { WebhookRequest } from '@release-coordinator/backstage-plugin-node';
import { createHmac } from 'node:crypto';
import { PagerDutyWebhookHandler } from './PagerDutyWebhookHandler';

const SECRET = 'ChangeMe-pd-signing-secret';

const CATALOG: Record<string, string[]> = {
  PIJ90N7: ['component:default/payments'],
};

/**
 * A webhooks v3 event shaped like PagerDuty's documented example
 * (developer.pagerduty.com, "Webhooks v3 overview"): `event.data` is the
 * incident, with its service reference.
 */
function incidentEvent(
  eventType: string,
  overrides: { urgency?: string; serviceId?: string; occurredAt?: string } = {},
) {
  return {
    event: {
      id: '5ac64822-4adc-4fda-ade0-410becf0de4f',
      event_type: eventType,
      resource_type: 'incident',
      occurred_at: overrides.occurredAt ?? '2026-11-26T10:00:00.000Z',
      agent: {
        html_url: 'https://acme.pagerduty.com/users/PLH1HKV',
        id: 'PLH1HKV',
        self: 'https://api.pagerduty.com/users/PLH1HKV',
        summary: 'Tenex Engineer',
        type: 'user_reference',
      },
      client: { name: 'PagerDuty' },
      data: {
        id: 'PGR0VU2',
        type: 'incident',
        self: 'https://api.pagerduty.com/incidents/PGR0VU2',
        html_url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
        number: 2,
        status:
          {
            'incident.resolved': 'resolved',
            'incident.acknowledged': 'acknowledged',
          }[eventType] ?? 'triggered',
        incident_key: 'd3640fbd41094207a1c11e58e46b1662',
        created_at: '2026-11-26T09:30:07Z',
        title: 'Payments API 5xx rate above 5%',
        service: {
          html_url: 'https://acme.pagerduty.com/services/PIJ90N7',
          id: overrides.serviceId ?? 'PIJ90N7',
          self: 'https://api.pagerduty.com/services/PIJ90N7',
          summary: 'Payments API',
          type: 'service_reference',
        },
        assignees: [],
        escalation_policy: {
          html_url: 'https://acme.pagerduty.com/escalation_policies/PUS0KTE',
          id: 'PUS0KTE',
          self: 'https://api.pagerduty.com/escalation_policies/PUS0KTE',
          summary: 'Default',
          type: 'escalation_policy_reference',
        },
        teams: [],
        priority: null,
        urgency: overrides.urgency ?? 'high',
        conference_bridge: null,
        resolve_reason: null,
      },
    },
  };
}

function sign(raw: string, secret = SECRET): string {
  return `v1=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

function setup() {
  const logger = mockServices.logger.mock();
  const handler = new PagerDutyWebhookHandler({ secret: SECRET, logger });
  const lookups: Array<[string, string]> = [];
  function deliver(
    raw: string,
    headers: Record<string, string | undefined> = {},
  ) {
    const request: WebhookRequest = {
      headers: {
        'content-type': 'application/json',
        'x-pagerduty-signature': sign(raw),
        'x-webhook-id': 'c2a4d7b2-0d0d-4b33-9a6a-4bb8e3b5a0c1',
        ...headers,
      },
      rawBody: Buffer.from(raw),
      body: JSON.parse(raw),
      async findEntityRefsByAnnotation(annotation, value) {
        lookups.push([annotation, value]);
        return CATALOG[value] ?? [];
      },
    };
    return handler.handle(request);
  }
  return { handler, logger, lookups, deliver };
}

describe('PagerDutyWebhookHandler', () => {
  it('serves the pagerduty path', () => {
    expect(setup().handler.path).toBe('pagerduty');
  });

  it('opens an incident on incident.triggered, deduped by X-Webhook-Id', async () => {
    const { deliver, lookups } = setup();
    const result = await deliver(
      JSON.stringify(incidentEvent('incident.triggered')),
    );
    expect(lookups).toEqual([['pagerduty.com/service-id', 'PIJ90N7']]);
    expect(result).toEqual({
      deliveryId: 'c2a4d7b2-0d0d-4b33-9a6a-4bb8e3b5a0c1',
      incidents: [
        {
          entityRef: 'component:default/payments',
          source: 'pagerduty',
          externalId: 'PGR0VU2',
          severity: 'critical',
          title: 'Payments API 5xx rate above 5%',
          startedAt: '2026-11-26T09:30:07.000Z',
          url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
          reportedAt: '2026-11-26T10:00:00.000Z',
        },
      ],
    });
  });

  it.each([
    'incident.reopened',
    'incident.acknowledged',
    'incident.unacknowledged',
  ])('reports the incident open, at the event time, on %s', async eventType => {
    const { deliver } = setup();
    const result = await deliver(
      JSON.stringify(
        incidentEvent(eventType, { occurredAt: '2026-11-26T11:02:13.511Z' }),
      ),
    );
    expect(result.incidents).toEqual([
      {
        entityRef: 'component:default/payments',
        source: 'pagerduty',
        externalId: 'PGR0VU2',
        severity: 'critical',
        title: 'Payments API 5xx rate above 5%',
        startedAt: '2026-11-26T09:30:07.000Z',
        url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
        reportedAt: '2026-11-26T11:02:13.511Z',
      },
    ]);
    expect(result.incidents?.[0]).not.toHaveProperty('resolvedAt');
  });

  it('refuses an incident event without a readable occurred_at', async () => {
    const { deliver } = setup();
    await expect(
      deliver(
        JSON.stringify(
          incidentEvent('incident.reopened', { occurredAt: 'yesterday' }),
        ),
      ),
    ).rejects.toThrow('event.occurred_at must be an ISO-8601 time');
  });

  it('ignores event types that merely look like object keys', async () => {
    const { deliver, lookups } = setup();
    await expect(
      deliver(JSON.stringify(incidentEvent('constructor'))),
    ).resolves.toEqual({});
    expect(lookups).toEqual([]);
  });

  it('resolves the incident at the event time on incident.resolved', async () => {
    const { deliver } = setup();
    const result = await deliver(
      JSON.stringify(
        incidentEvent('incident.resolved', {
          urgency: 'low',
          occurredAt: '2026-11-26T10:12:45.120Z',
        }),
      ),
    );
    expect(result.incidents).toEqual([
      expect.objectContaining({
        externalId: 'PGR0VU2',
        severity: 'major',
        startedAt: '2026-11-26T09:30:07.000Z',
        resolvedAt: '2026-11-26T10:12:45.120Z',
        reportedAt: '2026-11-26T10:12:45.120Z',
      }),
    ]);
  });

  it('falls back to the event id when there is no X-Webhook-Id', async () => {
    const { deliver } = setup();
    const result = await deliver(
      JSON.stringify(incidentEvent('incident.triggered')),
      { 'x-webhook-id': undefined },
    );
    expect(result.deliveryId).toBe('5ac64822-4adc-4fda-ade0-410becf0de4f');
  });

  it.each(['incident.annotated', 'incident.priority_updated', 'pagey.ping'])(
    'accepts and ignores %s',
    async eventType => {
      const { deliver, lookups } = setup();
      const result = await deliver(JSON.stringify(incidentEvent(eventType)));
      expect(result).toEqual({});
      expect(lookups).toEqual([]);
    },
  );

  it('skips an incident of a service no entity claims, with a warning', async () => {
    const { deliver, logger } = setup();
    const result = await deliver(
      JSON.stringify(
        incidentEvent('incident.triggered', { serviceId: 'PZZZZZZ' }),
      ),
    );
    expect(result).toEqual({
      deliveryId: 'c2a4d7b2-0d0d-4b33-9a6a-4bb8e3b5a0c1',
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('no entity has pagerduty.com/service-id=PZZZZZZ'),
    );
  });

  it('accepts a delivery when any of several signatures matches (secret rotation)', async () => {
    const { deliver } = setup();
    const raw = JSON.stringify(incidentEvent('incident.triggered'));
    const header = `${sign(raw, 'old-secret')}, ${sign(raw)},v1=abc`;
    const result = await deliver(raw, { 'x-pagerduty-signature': header });
    expect(result.incidents).toHaveLength(1);
  });

  it.each([
    ['no signature header', () => undefined, /Missing X-PagerDuty-Signature/],
    [
      'another secret',
      (raw: string) => sign(raw, 'wrong'),
      /Invalid X-PagerDuty-Signature/,
    ],
    ['a signature of other bytes', (raw: string) => sign(`${raw} `), /Invalid/],
    [
      'an unknown scheme',
      (raw: string) => sign(raw).replace('v1=', 'v0='),
      /Invalid/,
    ],
    [
      'a truncated signature',
      (raw: string) => sign(raw).slice(0, 40),
      /Invalid/,
    ],
  ])('rejects %s with 401', async (_name, signature, message) => {
    const { deliver, lookups } = setup();
    const raw = JSON.stringify(incidentEvent('incident.triggered'));
    const attempt = deliver(raw, { 'x-pagerduty-signature': signature(raw) });
    await expect(attempt).rejects.toThrow(AuthenticationError);
    await expect(attempt).rejects.toThrow(message);
    expect(lookups).toEqual([]);
  });

  it('verifies the exact bytes: reformatted JSON with the same content fails', async () => {
    const { deliver } = setup();
    const compact = JSON.stringify(incidentEvent('incident.triggered'));
    const pretty = JSON.stringify(incidentEvent('incident.triggered'), null, 2);
    await expect(
      deliver(pretty, { 'x-pagerduty-signature': sign(compact) }),
    ).rejects.toThrow(AuthenticationError);
  });

  it.each([
    ['no event', {}, /event must be an object/],
    [
      'an incident without service',
      (() => {
        const e = incidentEvent('incident.triggered');
        return {
          event: { ...e.event, data: { ...e.event.data, service: undefined } },
        };
      })(),
      /event\.data\.service must be an object/,
    ],
    [
      'an unreadable created_at',
      (() => {
        const e = incidentEvent('incident.triggered');
        return {
          event: {
            ...e.event,
            data: { ...e.event.data, created_at: 'yesterday' },
          },
        };
      })(),
      /event\.data\.created_at must be an ISO-8601 time/,
    ],
  ])(
    'rejects a signed payload with %s as bad input',
    async (_name, body, message) => {
      const { deliver } = setup();
      const attempt = deliver(JSON.stringify(body));
      await expect(attempt).rejects.toThrow(InputError);
      await expect(attempt).rejects.toThrow(message);
    },
  );
});

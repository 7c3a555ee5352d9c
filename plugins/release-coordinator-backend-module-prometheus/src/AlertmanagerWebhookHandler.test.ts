import { mockServices } from '@backstage/backend-test-utils';
import { AuthenticationError, InputError } from '@backstage/errors';
import { WebhookRequest } from '@release-coordinator/backstage-plugin-node';
import { createHash } from 'node:crypto';
import { AlertmanagerWebhookHandler } from './AlertmanagerWebhookHandler';
import { AlertmanagerWebhookSettings } from './config';

const TOKEN = 'am-token-0123456789';

/** Entities by their `prometheus.io/service-name` annotation. */
const CATALOG: Record<string, string[]> = {
  'payments-api': ['component:default/payments'],
  ledger: ['component:default/ledger'],
  shared: ['component:default/a-shared', 'component:default/b-shared'],
};

/**
 * A v4 notification shaped like Alertmanager's documented webhook payload
 * (prometheus.io/docs/alerting/latest/configuration/#webhook_config): two
 * grouped alerts of `HighErrorRate`, one still firing (Go zero `endsAt`) and
 * one resolved, timestamps with nanoseconds and zones as Alertmanager sends.
 */
function groupedPayload() {
  return {
    receiver: 'release-coordinator',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: {
          alertname: 'HighErrorRate',
          service: 'payments-api',
          severity: 'critical',
          environment: 'production',
          instance: 'payments-7d9f:8080',
          job: 'payments',
        },
        annotations: {
          summary: 'Payments API 5xx rate above 5%',
          description: 'payments-7d9f:8080 returns 7.2% 5xx',
        },
        startsAt: '2026-11-26T10:15:03.157076+01:00',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL:
          'http://prometheus.example.org:9090/graph?g0.expr=rate%28http_requests_total%7Bcode%3D~%225..%22%7D%5B5m%5D%29+%3E+0.05&g0.tab=1',
        fingerprint: '1a30ba71cca2921f',
      },
      {
        status: 'resolved',
        labels: {
          alertname: 'HighErrorRate',
          service: 'ledger',
          severity: 'warning',
          env: 'staging',
          instance: 'ledger-5c4b:8080',
          job: 'ledger',
        },
        annotations: { description: 'ledger-5c4b:8080 returns 6.1% 5xx' },
        startsAt: '2026-11-26T08:00:00Z',
        endsAt: '2026-11-26T08:42:10.5Z',
        generatorURL:
          'http://prometheus.example.org:9090/graph?g0.expr=rate%28http_requests_total%5B5m%5D%29&g0.tab=1',
        fingerprint: 'bc97ff14869b13e3',
      },
    ],
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: { alertname: 'HighErrorRate' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.org:9093',
    version: '4',
    groupKey: '{}/{severity=~"critical|warning"}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
  };
}

function setup(settings: Partial<AlertmanagerWebhookSettings> = {}) {
  const logger = mockServices.logger.mock();
  const lookups: Array<[string, string]> = [];
  const handler = new AlertmanagerWebhookHandler({
    settings: {
      token: TOKEN,
      entityLabel: 'service',
      severityLabel: 'severity',
      ...settings,
    },
    logger,
  });
  function deliver(
    body: unknown,
    authorization: string | null = `Bearer ${TOKEN}`,
  ) {
    const rawBody = Buffer.from(JSON.stringify(body));
    const request: WebhookRequest = {
      headers: {
        'content-type': 'application/json',
        ...(authorization !== null && { authorization }),
      },
      rawBody,
      body: JSON.parse(rawBody.toString('utf8')),
      async findEntityRefsByAnnotation(annotation, value) {
        lookups.push([annotation, value]);
        return CATALOG[value] ?? [];
      },
    };
    return handler.handle(request);
  }
  return { handler, logger, lookups, deliver };
}

describe('AlertmanagerWebhookHandler', () => {
  it('serves the alertmanager path', () => {
    expect(setup().handler.path).toBe('alertmanager');
  });

  it('turns each alert of a group into an incident of its entity', async () => {
    const { deliver, lookups } = setup();
    const result = await deliver(groupedPayload());
    expect(result.deliveryId).toBeUndefined();
    expect(result.incidents).toEqual([
      {
        entityRef: 'component:default/payments',
        source: 'alertmanager',
        externalId: '1a30ba71cca2921f@2026-11-26T09:15:03.157Z',
        severity: 'critical',
        title: 'Payments API 5xx rate above 5%',
        environment: 'production',
        startedAt: '2026-11-26T09:15:03.157Z',
        url: groupedPayload().alerts[0].generatorURL,
      },
      {
        entityRef: 'component:default/ledger',
        source: 'alertmanager',
        externalId: 'bc97ff14869b13e3@2026-11-26T08:00:00.000Z',
        severity: 'minor',
        // No summary annotation: the alert name.
        title: 'HighErrorRate',
        environment: 'staging',
        startedAt: '2026-11-26T08:00:00.000Z',
        resolvedAt: '2026-11-26T08:42:10.500Z',
        url: groupedPayload().alerts[1].generatorURL,
      },
    ]);
    expect(lookups).toEqual([
      ['prometheus.io/service-name', 'payments-api'],
      ['prometheus.io/service-name', 'ledger'],
    ]);
  });

  it('gives a firing alert and its later resolution the same externalId', async () => {
    const { deliver } = setup();
    const firing = groupedPayload();
    firing.alerts = [firing.alerts[0]];
    const resolved = groupedPayload();
    resolved.status = 'resolved';
    resolved.alerts = [
      {
        ...firing.alerts[0],
        status: 'resolved',
        endsAt: '2026-11-26T10:55:00.000+01:00',
      },
    ];
    const [opened] = (await deliver(firing)).incidents!;
    const [closed] = (await deliver(resolved)).incidents!;
    expect(closed.externalId).toBe(opened.externalId);
    expect(opened.resolvedAt).toBeUndefined();
    expect(closed.resolvedAt).toBe('2026-11-26T09:55:00.000Z');
    expect(closed.startedAt).toBe(opened.startedAt);
  });

  it('takes the group status for an alert without its own status', async () => {
    const { deliver } = setup();
    const payload = groupedPayload();
    payload.status = 'resolved';
    const { status: _dropped, ...withoutStatus } = payload.alerts[1];
    const result = await deliver({ ...payload, alerts: [withoutStatus] });
    expect(result.incidents![0].resolvedAt).toBe('2026-11-26T08:42:10.500Z');

    const firingGroup = groupedPayload();
    const { status: _also, ...firingWithoutStatus } = firingGroup.alerts[0];
    const firing = await deliver({
      ...firingGroup,
      alerts: [firingWithoutStatus],
    });
    expect(firing.incidents![0].resolvedAt).toBeUndefined();
  });

  it('keys an alert without fingerprint by a sha256 of its sorted labels', async () => {
    const { deliver } = setup();
    const payload = groupedPayload();
    const { fingerprint: _f, ...alert } = payload.alerts[0];
    const reordered = {
      ...alert,
      labels: Object.fromEntries(Object.entries(alert.labels).reverse()),
    };
    const a = await deliver({ ...payload, alerts: [alert] });
    const b = await deliver({ ...payload, alerts: [reordered] });
    const expected = createHash('sha256')
      .update(
        JSON.stringify(
          Object.keys(alert.labels)
            .sort()
            .map(name => [
              name,
              alert.labels[name as keyof typeof alert.labels],
            ]),
        ),
      )
      .digest('hex');
    expect(a.incidents![0].externalId).toBe(
      `${expected}@2026-11-26T09:15:03.157Z`,
    );
    expect(b.incidents![0].externalId).toBe(a.incidents![0].externalId);
  });

  it.each([
    ['critical', 'critical'],
    ['page', 'critical'],
    ['CRITICAL', 'critical'],
    ['major', 'major'],
    ['error', 'major'],
    ['high', 'major'],
    ['warning', 'minor'],
    ['info', 'minor'],
    [undefined, 'minor'],
  ])('maps severity label %p to %p', async (label, severity) => {
    const { deliver } = setup();
    const payload = groupedPayload();
    const { severity: _s, ...labels } = payload.alerts[0].labels;
    const alert = {
      ...payload.alerts[0],
      labels: label === undefined ? labels : { ...labels, severity: label },
    };
    const result = await deliver({ ...payload, alerts: [alert] });
    expect(result.incidents![0].severity).toBe(severity);
  });

  it('uses the configured entity and severity labels', async () => {
    const { deliver, lookups } = setup({
      entityLabel: 'app',
      severityLabel: 'priority',
    });
    const payload = groupedPayload();
    const alert = {
      ...payload.alerts[0],
      labels: {
        alertname: 'Down',
        app: 'ledger',
        priority: 'page',
        severity: 'info',
      },
    };
    const result = await deliver({ ...payload, alerts: [alert] });
    expect(lookups).toEqual([['prometheus.io/service-name', 'ledger']]);
    expect(result.incidents![0]).toMatchObject({
      entityRef: 'component:default/ledger',
      severity: 'critical',
    });
    expect(result.incidents![0].environment).toBeUndefined();
  });

  it('skips alerts for services no entity claims, naming the label value, and keeps the rest', async () => {
    const { deliver, logger } = setup();
    const payload = groupedPayload();
    const unknown = {
      ...payload.alerts[0],
      labels: { ...payload.alerts[0].labels, service: 'billing-v2' },
    };
    const { service: _s, ...unlabelled } = payload.alerts[1].labels;
    const result = await deliver({
      ...payload,
      alerts: [
        unknown,
        { ...payload.alerts[1], labels: unlabelled },
        payload.alerts[0],
      ],
    });
    expect(result.incidents!.map(i => i.entityRef)).toEqual([
      'component:default/payments',
    ]);
    expect(result.ignored).toEqual([
      "alerts[0] (HighErrorRate): no entity has prometheus.io/service-name=billing-v2 (label 'service')",
      "alerts[1] (HighErrorRate): it has no 'service' label",
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'no entity has prometheus.io/service-name=billing-v2',
      ),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining("it has no 'service' label"),
    );
  });

  it('answers why when no alert of the delivery matches an entity', async () => {
    const { deliver } = setup();
    // Alertmanager's documented example payload: labels of its own choosing.
    const payload = groupedPayload();
    const result = await deliver({
      ...payload,
      alerts: payload.alerts.map(alert => ({
        ...alert,
        labels: { ...alert.labels, service: 'unknown-service' },
      })),
    });
    expect(result.incidents).toEqual([]);
    expect(result.ignored).toEqual([
      "alerts[0] (HighErrorRate): no entity has prometheus.io/service-name=unknown-service (label 'service')",
      "alerts[1] (HighErrorRate): no entity has prometheus.io/service-name=unknown-service (label 'service')",
    ]);
    const matched = await deliver(groupedPayload());
    expect(matched).not.toHaveProperty('ignored');
  });

  it('attributes an alert claimed by several entities to the first, with a warning', async () => {
    const { deliver, logger } = setup();
    const payload = groupedPayload();
    const alert = {
      ...payload.alerts[0],
      labels: { ...payload.alerts[0].labels, service: 'shared' },
    };
    const result = await deliver({ ...payload, alerts: [alert] });
    expect(result.incidents![0].entityRef).toBe('component:default/a-shared');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('2 entities'),
    );
  });

  it('looks each service up once per notification', async () => {
    const { deliver, lookups } = setup();
    const payload = groupedPayload();
    const second = { ...payload.alerts[0], fingerprint: 'ffff000011112222' };
    await deliver({ ...payload, alerts: [payload.alerts[0], second] });
    expect(lookups).toEqual([['prometheus.io/service-name', 'payments-api']]);
  });

  it.each([
    ['no Authorization header', null, /Missing bearer token/],
    ['another scheme', `Basic ${TOKEN}`, /Missing bearer token/],
    ['a wrong token', 'Bearer not-the-token', /Invalid bearer token/],
    ['a token prefix', `Bearer ${TOKEN.slice(0, -1)}`, /Invalid bearer token/],
  ])(
    'rejects %s with 401 before reading the payload',
    async (_name, header, message) => {
      const { deliver, lookups } = setup();
      const attempt = deliver(groupedPayload(), header);
      await expect(attempt).rejects.toThrow(AuthenticationError);
      await expect(attempt).rejects.toThrow(message);
      expect(lookups).toEqual([]);
    },
  );

  it('accepts the bearer scheme in any case', async () => {
    const { deliver } = setup();
    await expect(
      deliver(groupedPayload(), `bearer ${TOKEN}`),
    ).resolves.toBeDefined();
  });

  it.each([
    [
      'another version',
      { ...groupedPayload(), version: '3' },
      /version must be "4"/,
    ],
    [
      'no alerts array',
      { ...groupedPayload(), alerts: undefined },
      /alerts must be an array/,
    ],
    [
      'a bad group status',
      { ...groupedPayload(), status: 'pending' },
      /status must be "firing" or "resolved"/,
    ],
    [
      'an alert without startsAt',
      {
        ...groupedPayload(),
        alerts: [{ ...groupedPayload().alerts[0], startsAt: undefined }],
      },
      /alerts\[0\]\.startsAt is required/,
    ],
    [
      'a resolved alert with the zero endsAt',
      {
        ...groupedPayload(),
        alerts: [
          { ...groupedPayload().alerts[1], endsAt: '0001-01-01T00:00:00Z' },
        ],
      },
      /alerts\[0\]\.endsAt must be set on a resolved alert/,
    ],
    [
      'a non-string label',
      {
        ...groupedPayload(),
        alerts: [{ ...groupedPayload().alerts[0], labels: { service: 7 } }],
      },
      /alerts\[0\]\.labels\.service must be a string/,
    ],
  ])(
    'rejects a payload with %s as bad input naming the field',
    async (_name, body, message) => {
      const { deliver } = setup();
      const attempt = deliver(body);
      await expect(attempt).rejects.toThrow(InputError);
      await expect(attempt).rejects.toThrow(message);
    },
  );
});

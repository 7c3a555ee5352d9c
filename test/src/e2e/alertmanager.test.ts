import { AlertmanagerServer } from './alertmanagerServer';
import { Portal } from './portal';
import { waitFor } from './processes';

/**
 * Debian's prometheus-alertmanager on loopback delivers real webhook
 * notifications (firing, then resolved) to the portal backend, which records
 * them as one incident of payments-api.
 */

const TOKEN = 'e2e-alertmanager-token';
const ENTITY = 'component/default/payments-api';

interface Incident {
  id: string;
  entityRef: string;
  source: string;
  externalId: string;
  severity: string;
  title: string;
  startedAt: string;
  resolvedAt?: string;
}

describe('Alertmanager webhooks into the portal (real prometheus-alertmanager)', () => {
  let portal: Portal;
  let alertmanager: AlertmanagerServer | undefined;

  const logs = () =>
    `${alertmanager?.logs() ?? ''}\n--- backend ---\n${portal?.logs.slice(
      -4000,
    )}`;

  async function alertmanagerIncidents(): Promise<Incident[]> {
    const response = await fetch(
      `${portal.baseUrl}/api/release-coordinator/entities/${ENTITY}/incidents?limit=100`,
      { headers: { authorization: `Bearer ${await portal.guestToken()}` } },
    );
    if (!response.ok) {
      throw new Error(`incidents route answered ${response.status}`);
    }
    const body = (await response.json()) as { items: Incident[] };
    return body.items.filter(
      incident =>
        incident.source === 'alertmanager' &&
        incident.title === 'HighErrorRate',
    );
  }

  async function postAlert(alert: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${alertmanager!.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([alert]),
    });
    if (!response.ok) {
      throw new Error(
        `Alertmanager refused the alert: ${
          response.status
        } ${await response.text()}`,
      );
    }
  }

  beforeAll(async () => {
    // A missing binary fails the suite before anything starts.
    AlertmanagerServer.binary();
    portal = await Portal.create({
      extraEnv: {
        APP_CONFIG_releaseCoordinator_webhooks_alertmanager_token:
          JSON.stringify(TOKEN),
      },
    });
    await portal.start();

    const backendPort = new URL(portal.baseUrl).port;
    alertmanager = await AlertmanagerServer.start({
      webhookUrl: `http://127.0.0.1:${backendPort}/api/release-coordinator/webhooks/alertmanager`,
      token: TOKEN,
      groupBy: ['alertname', 'service'],
      repeatInterval: '1h',
    });
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await portal?.stop();
    portal?.cleanup();
  });

  it('rejects a webhook with a wrong bearer token with 401', async () => {
    const response = await fetch(
      `${portal.baseUrl}/api/release-coordinator/webhooks/alertmanager`,
      {
        method: 'POST',
        headers: {
          authorization: 'Bearer not-the-token',
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          version: '4',
          groupKey: '{}:{alertname="HighErrorRate"}',
          status: 'firing',
          receiver: 'release-coordinator',
          groupLabels: { alertname: 'WrongToken' },
          commonLabels: {},
          commonAnnotations: {},
          externalURL: 'http://127.0.0.1:9093',
          truncatedAlerts: 0,
          alerts: [
            {
              status: 'firing',
              labels: {
                alertname: 'WrongToken',
                service: 'payments-api',
                severity: 'critical',
              },
              annotations: {},
              startsAt: new Date().toISOString(),
              endsAt: '0001-01-01T00:00:00Z',
              generatorURL: '',
              fingerprint: '0123456789abcdef',
            },
          ],
        }),
      },
    );
    expect(response.status).toBe(401);

    const stored = await fetch(
      `${portal.baseUrl}/api/release-coordinator/entities/${ENTITY}/incidents?limit=100`,
      { headers: { authorization: `Bearer ${await portal.guestToken()}` } },
    );
    const body = (await stored.json()) as { items: Incident[] };
    expect(body.items.map(incident => incident.title)).not.toContain(
      'WrongToken',
    );
  });

  it('records a firing alert as an incident and resolves it when the alert resolves', async () => {
    // Alertmanager keeps second precision in its API; send a whole second.
    const startsAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const labels = {
      alertname: 'HighErrorRate',
      service: 'payments-api',
      severity: 'critical',
    };
    await postAlert({ labels, startsAt: startsAt.toISOString() });

    const firing = await waitFor(
      'the firing incident',
      async () => {
        const incidents = await alertmanagerIncidents();
        return incidents.length > 0 ? incidents : undefined;
      },
      logs,
    );
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({
      entityRef: 'component:default/payments-api',
      source: 'alertmanager',
      severity: 'critical',
      title: 'HighErrorRate',
      startedAt: startsAt.toISOString(),
    });
    expect(firing[0].resolvedAt).toBeUndefined();
    expect(firing[0].externalId).toMatch(/^[0-9a-f]+@/);

    const endsAt = new Date();
    await postAlert({
      labels,
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
    });

    const resolved = await waitFor(
      'the incident to be resolved',
      async () => {
        const incidents = await alertmanagerIncidents();
        return incidents.some(incident => incident.resolvedAt)
          ? incidents
          : undefined;
      },
      logs,
    );
    // The resolution updated the incident: still one, same id.
    expect(resolved).toHaveLength(1);
    expect(resolved[0].id).toBe(firing[0].id);
    expect(resolved[0].externalId).toBe(firing[0].externalId);
    expect(resolved[0].startedAt).toBe(startsAt.toISOString());
    expect(Date.parse(resolved[0].resolvedAt ?? '')).toBeGreaterThanOrEqual(
      startsAt.getTime(),
    );
  });
});

import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { Portal } from './portal';

/**
 * Debian's prometheus-alertmanager on loopback delivers real webhook
 * notifications (firing, then resolved) to the portal backend, which records
 * them as one incident of payments-api.
 */

const ALERTMANAGER_PATH =
  process.env.ALERTMANAGER_PATH || '/usr/bin/prometheus-alertmanager';
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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

async function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  describeFailure: () => string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) {
      return value;
    }
    await sleep(500);
  }
  throw new Error(`Timed out waiting for ${what}\n${describeFailure()}`);
}

describe('Alertmanager webhooks into the portal (real prometheus-alertmanager)', () => {
  let portal: Portal;
  let alertmanager: ChildProcess | undefined;
  let alertmanagerOutput = '';
  let alertmanagerUrl = '';
  let workDir = '';

  const logs = () =>
    `--- alertmanager ---\n${alertmanagerOutput.slice(
      -4000,
    )}\n--- backend ---\n${portal?.logs.slice(-4000)}`;

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
    const response = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
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
    if (!fs.existsSync(ALERTMANAGER_PATH)) {
      throw new Error(
        `Alertmanager binary not found at ${ALERTMANAGER_PATH}: install Debian's prometheus-alertmanager (scripts/test.sh does) or set ALERTMANAGER_PATH`,
      );
    }
    portal = await Portal.create({
      extraEnv: {
        APP_CONFIG_releaseCoordinator_webhooks_alertmanager_token:
          JSON.stringify(TOKEN),
      },
    });
    await portal.start();

    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-e2e-alertmanager-'));
    const backendPort = new URL(portal.baseUrl).port;
    const webhookUrl = `http://127.0.0.1:${backendPort}/api/release-coordinator/webhooks/alertmanager`;
    // JSON is valid YAML: no YAML library needed.
    const config = {
      global: { resolve_timeout: '5m' },
      route: {
        receiver: 'release-coordinator',
        group_by: ['alertname', 'service'],
        group_wait: '1s',
        group_interval: '1s',
        repeat_interval: '1h',
      },
      receivers: [
        {
          name: 'release-coordinator',
          webhook_configs: [
            {
              url: webhookUrl,
              send_resolved: true,
              http_config: {
                authorization: { type: 'Bearer', credentials: TOKEN },
              },
            },
          ],
        },
      ],
    };
    const configFile = path.join(workDir, 'alertmanager.yml');
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
    fs.mkdirSync(path.join(workDir, 'data'));

    const port = await freePort();
    alertmanagerUrl = `http://127.0.0.1:${port}`;
    alertmanagerOutput = '';
    const child = spawn(
      ALERTMANAGER_PATH,
      [
        `--config.file=${configFile}`,
        `--storage.path=${path.join(workDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', chunk => {
      alertmanagerOutput += chunk.toString();
    });
    child.stderr?.on('data', chunk => {
      alertmanagerOutput += chunk.toString();
    });
    alertmanager = child;

    await waitFor(
      'Alertmanager to be ready',
      async () => {
        if (child.exitCode !== null) {
          throw new Error('exited');
        }
        const ready = await fetch(`${alertmanagerUrl}/-/ready`);
        return ready.ok ? true : undefined;
      },
      logs,
      30_000,
    );
  });

  afterAll(async () => {
    const child = alertmanager;
    if (child && child.exitCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timeout = sleep(10_000).then(() => 'timeout');
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    }
    await portal?.stop();
    portal?.cleanup();
    if (workDir) {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
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

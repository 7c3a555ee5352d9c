import fs from 'fs';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import { freePort, ManagedProcess, requireBinary } from './processes';

/**
 * A `/metrics` endpoint in the Prometheus text exposition format with one
 * gauge whose value the test sets, e.g. an error ratio of a service.
 */
export class GaugeEndpoint {
  value = 0;
  #server?: Server;
  #address = '';

  constructor(
    readonly metric: string,
    readonly help: string,
    readonly labels: Record<string, string>,
  ) {}

  /** `127.0.0.1:<port>`, the scrape target. */
  get address(): string {
    return this.#address;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      const labels = Object.entries(this.labels)
        .map(([name, value]) => `${name}="${value}"`)
        .join(',');
      res.writeHead(200, {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      });
      res.end(
        `# HELP ${this.metric} ${this.help}\n# TYPE ${this.metric} gauge\n${this.metric}{${labels}} ${this.value}\n`,
      );
    });
    await new Promise<void>(resolve =>
      server.listen(0, '127.0.0.1', () => resolve()),
    );
    this.#server = server;
    this.#address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve => {
      if (!this.#server) {
        resolve();
        return;
      }
      this.#server.close(() => resolve());
    });
  }
}

/** An alerting rule as Prometheus' rule files declare it. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * Debian's `prometheus` on loopback with its own config, rule file and TSDB
 * directory: scrapes the targets every second, evaluates the rules every
 * second and sends alerts to the Alertmanager given, re-sending firing
 * alerts every second (default: every minute).
 */
export class PrometheusServer {
  private constructor(
    readonly url: string,
    private readonly process: ManagedProcess,
    private readonly workDir: string,
  ) {}

  /** The binary (`PROMETHEUS_PATH`); fails, never skips, when missing. */
  static binary(): string {
    return requireBinary({
      path: process.env.PROMETHEUS_PATH || '/usr/bin/prometheus',
      what: 'Prometheus',
      debianPackage: 'prometheus',
      env: 'PROMETHEUS_PATH',
    });
  }

  static async start(options: {
    scrapeTargets: string[];
    alertmanagerAddress: string;
    rules: AlertingRule[];
  }): Promise<PrometheusServer> {
    const binary = PrometheusServer.binary();
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-e2e-prom-'));
    // JSON is valid YAML: no YAML library needed.
    const rulesFile = path.join(workDir, 'rules.yml');
    fs.writeFileSync(
      rulesFile,
      JSON.stringify({
        groups: [
          {
            name: 'release-coordinator-e2e',
            interval: '1s',
            rules: options.rules,
          },
        ],
      }),
    );
    const configFile = path.join(workDir, 'prometheus.yml');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [rulesFile],
        alerting: {
          alertmanagers: [
            { static_configs: [{ targets: [options.alertmanagerAddress] }] },
          ],
        },
        scrape_configs: [
          {
            job_name: 'e2e',
            static_configs: [{ targets: options.scrapeTargets }],
          },
        ],
      }),
    );
    const port = await freePort();
    const prometheus = new ManagedProcess('prometheus', binary, [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--rules.alert.resend-delay=1s',
    ]);
    const server = new PrometheusServer(
      `http://127.0.0.1:${port}`,
      prometheus,
      workDir,
    );
    await prometheus.waitUntilReady(`${server.url}/-/ready`);
    return server;
  }

  logs(): string {
    return this.process.logs();
  }

  /** The state of an alert (`pending`, `firing`), or undefined when inactive. */
  async alertState(alertname: string): Promise<string | undefined> {
    const response = await fetch(`${this.url}/api/v1/alerts`);
    const body = (await response.json()) as {
      data: {
        alerts: Array<{ labels: Record<string, string>; state: string }>;
      };
    };
    return body.data.alerts.find(a => a.labels.alertname === alertname)?.state;
  }

  async stop(): Promise<void> {
    await this.process.stop();
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}

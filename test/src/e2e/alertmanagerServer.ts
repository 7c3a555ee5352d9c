import fs from 'fs';
import os from 'os';
import path from 'path';
import { freePort, ManagedProcess, requireBinary } from './processes';

/**
 * Debian's `prometheus-alertmanager` on loopback with its own config and
 * storage directory, routing every alert to one webhook with a bearer
 * token: group wait and interval of one second, and a repeat interval the
 * test chooses (how often a still-firing group is sent again).
 */
export class AlertmanagerServer {
  private constructor(
    readonly url: string,
    private readonly process: ManagedProcess,
    private readonly workDir: string,
  ) {}

  /** `127.0.0.1:<port>`, as Prometheus' alerting config names it. */
  get address(): string {
    return new URL(this.url).host;
  }

  /** The binary (`ALERTMANAGER_PATH`); fails, never skips, when missing. */
  static binary(): string {
    return requireBinary({
      path: process.env.ALERTMANAGER_PATH || '/usr/bin/prometheus-alertmanager',
      what: 'Alertmanager',
      debianPackage: 'prometheus-alertmanager',
      env: 'ALERTMANAGER_PATH',
    });
  }

  static async start(options: {
    webhookUrl: string;
    token: string;
    repeatInterval: string;
    groupBy: string[];
  }): Promise<AlertmanagerServer> {
    const binary = AlertmanagerServer.binary();
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-e2e-am-'));
    const configFile = path.join(workDir, 'alertmanager.yml');
    // JSON is valid YAML.
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        route: {
          receiver: 'release-coordinator',
          group_by: options.groupBy,
          group_wait: '1s',
          group_interval: '1s',
          repeat_interval: options.repeatInterval,
        },
        receivers: [
          {
            name: 'release-coordinator',
            webhook_configs: [
              {
                url: options.webhookUrl,
                send_resolved: true,
                http_config: {
                  authorization: { type: 'Bearer', credentials: options.token },
                },
              },
            ],
          },
        ],
      }),
    );
    fs.mkdirSync(path.join(workDir, 'data'));
    const port = await freePort();
    const alertmanager = new ManagedProcess('alertmanager', binary, [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ]);
    const server = new AlertmanagerServer(
      `http://127.0.0.1:${port}`,
      alertmanager,
      workDir,
    );
    await alertmanager.waitUntilReady(`${server.url}/-/ready`);
    return server;
  }

  logs(): string {
    return this.process.logs();
  }

  /**
   * Webhook notifications Alertmanager has sent successfully, from its own
   * `alertmanager_notifications_total` minus the failed ones.
   */
  async webhookNotificationsSent(): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    // Summed over the series of the webhook integration (newer versions
    // add a receiver_name label).
    const counter = (metric: string) =>
      text
        .split('\n')
        .filter(
          line =>
            line.startsWith(`${metric}{`) &&
            line.includes('integration="webhook"'),
        )
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    return (
      counter('alertmanager_notifications_total') -
      counter('alertmanager_notifications_failed_total')
    );
  }

  async stop(): Promise<void> {
    await this.process.stop();
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}

import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { freePort, sleep } from './processes';

/** The repository root. */
// The suite runs from source, never from a production build.
// eslint-disable-next-line no-restricted-syntax
export const repoRoot = path.resolve(__dirname, '../../..');

/**
 * A running portal: the backend of packages/backend serving the production
 * build of packages/app, with the embedded defaults of app-config.yaml and
 * its own SQLite data directory.
 */
export class Portal {
  private process?: ChildProcess;
  private output = '';

  private constructor(
    readonly baseUrl: string,
    private readonly port: number,
    readonly dataDir: string,
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  /**
   * Creates a portal on a free port with a fresh data directory.
   * `extraEnv` adds environment variables to the backend, e.g. config
   * overrides as `APP_CONFIG_<path>` with JSON values.
   */
  static async create(
    options: { extraEnv?: Record<string, string> } = {},
  ): Promise<Portal> {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-e2e-data-'));
    return new Portal(
      `http://localhost:${port}`,
      port,
      dataDir,
      options.extraEnv,
    );
  }

  /** Starts the backend and waits until the catalog has the examples. */
  async start(): Promise<void> {
    if (!fs.existsSync(path.join(repoRoot, 'packages/app/dist/index.html'))) {
      throw new Error(
        'packages/app/dist is missing: build the app first (yarn workspace app build)',
      );
    }
    this.output = '';
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, '.yarn/releases/yarn-4.13.0.cjs'), 'start'],
      {
        cwd: path.join(repoRoot, 'packages/backend'),
        env: {
          ...process.env,
          // As `npm start` runs it: guest and the example users are for
          // development only (Jest itself runs with NODE_ENV=test).
          NODE_ENV: 'development',
          APP_CONFIG_app_baseUrl: JSON.stringify(this.baseUrl),
          APP_CONFIG_backend_baseUrl: JSON.stringify(this.baseUrl),
          APP_CONFIG_backend_listen_port: String(this.port),
          APP_CONFIG_backend_database_connection_directory: JSON.stringify(
            this.dataDir,
          ),
          ...this.extraEnv,
        },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', chunk => {
      this.output += chunk.toString();
    });
    child.stderr?.on('data', chunk => {
      this.output += chunk.toString();
    });
    this.process = child;
    await this.waitUntilReady();
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      if (this.process?.exitCode !== null) {
        throw new Error(`The backend exited early:\n${this.output}`);
      }
      try {
        const health = await fetch(
          `${this.baseUrl}/api/release-coordinator/health`,
        );
        const index = await fetch(`${this.baseUrl}/`);
        const catalogReady = await this.catalogHasExamples();
        if (health.ok && index.ok && catalogReady) {
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(1000);
    }
    throw new Error(`The backend did not become ready:\n${this.output}`);
  }

  private async catalogHasExamples(): Promise<boolean> {
    const token = await this.guestToken();
    const response = await fetch(
      `${this.baseUrl}/api/catalog/entities/by-name/component/default/payments-api`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    return response.ok;
  }

  /** A Backstage user token of the guest user. */
  async guestToken(): Promise<string> {
    return this.signIn('guest/refresh');
  }

  /**
   * A Backstage user token of an example user of the catalog (e.g. `carol`),
   * from the development-only `exampleUser` auth provider.
   */
  async userToken(name: string): Promise<string> {
    return this.signIn(`exampleUser/refresh?user=${encodeURIComponent(name)}`);
  }

  private async signIn(authPath: string): Promise<string> {
    const response = await fetch(`${this.baseUrl}/api/auth/${authPath}`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    if (!response.ok) {
      throw new Error(`sign-in at ${authPath} failed: ${response.status}`);
    }
    const body = (await response.json()) as {
      backstageIdentity: { token: string };
    };
    return body.backstageIdentity.token;
  }

  /** Stops the backend (the whole process group). */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.pid === undefined) {
      return;
    }
    const exited = new Promise(resolve => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    const timeout = sleep(15_000).then(() => 'timeout');
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
    this.process = undefined;
  }

  /**
   * Removes the data directory, keeping what the backend printed in
   * test-results/e2e-logs/ for diagnosing failures (also in CI artefacts).
   */
  cleanup(): void {
    try {
      const logDir = path.resolve(
        // eslint-disable-next-line no-restricted-syntax
        __dirname,
        '../../../test-results/e2e-logs',
      );
      fs.mkdirSync(logDir, { recursive: true });
      fs.writeFileSync(
        path.join(logDir, `portal-${path.basename(this.dataDir)}.log`),
        this.output,
      );
    } catch {
      // Logs are a convenience; never fail a test over them.
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** What the backend printed, for failure messages. */
  get logs(): string {
    return this.output;
  }
}

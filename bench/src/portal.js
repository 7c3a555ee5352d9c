// @ts-check
'use strict';

/**
 * Starts and stops the portal backend (packages/backend, serving the built
 * app) from source through the backstage-cli node transform, as
 * `yarn start` does but without its file watcher, with a bench app-config
 * layered on top: the generated
 * catalog, a static external-access token, a port of its own and, on
 * PostgreSQL, the production config with POSTGRES_* variables.
 */

const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

class BenchPortal {
  /**
   * @param {object} options
   * @param {string} options.repoRoot
   * @param {'sqlite' | 'postgres'} options.database
   * @param {string} options.workDir temp dir: config, catalog, SQLite files, logs
   * @param {string} options.catalogFile
   * @param {string} options.probeName the component whose presence means "catalog ready"
   * @param {{ host: string, port: number } | undefined} options.postgres
   */
  constructor(options) {
    this.options = options;
    this.port = 0;
    this.baseUrl = '';
    this.staticToken = require('crypto').randomBytes(24).toString('hex');
    this.child = undefined;
    this.logOffset = 0;
    this.logFile = path.join(
      options.workDir,
      `backend-${options.database}.log`,
    );
  }

  async init() {
    this.port = await freePort();
    // 127.0.0.1 rather than localhost: loopback only, no IPv6 surprises.
    this.baseUrl = `http://127.0.0.1:${this.port}`;
    const { workDir, database, catalogFile, repoRoot } = this.options;
    const dataDir = path.join(workDir, 'sqlite');
    fs.mkdirSync(dataDir, { recursive: true });
    const config = {
      app: { baseUrl: this.baseUrl },
      backend: {
        baseUrl: this.baseUrl,
        listen:
          database === 'postgres'
            ? `127.0.0.1:${this.port}`
            : { port: this.port, host: '127.0.0.1' },
        ...(database === 'sqlite'
          ? {
              database: {
                client: 'better-sqlite3',
                connection: { directory: dataDir },
              },
            }
          : {}),
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: {
                token: this.staticToken,
                subject: 'release-coordinator-bench',
              },
            },
          ],
        },
      },
      catalog: {
        // After the first ingestion the catalog would re-process all
        // entities every few minutes, competing with the measurements.
        processingInterval: { hours: 24 },
        rules: [
          {
            allow: [
              'Component',
              'System',
              'API',
              'Resource',
              'Location',
              'Domain',
            ],
          },
        ],
        locations: [
          {
            type: 'file',
            target: path.join(repoRoot, 'examples/org.yaml'),
            rules: [{ allow: ['User', 'Group'] }],
          },
          {
            type: 'file',
            target: catalogFile,
            rules: [{ allow: ['Component', 'Group'] }],
          },
        ],
      },
      releaseCoordinator: {
        demo: { enabled: false },
        // The background task builds the rollups of the generated history
        // (the bench waits for it before measuring); once they are up to
        // date, a run is one indexed query.
        metrics: { rollupRefreshFrequency: { seconds: 10 } },
      },
    };
    this.configFile = path.join(workDir, `app-config.bench-${database}.json`);
    fs.writeFileSync(this.configFile, JSON.stringify(config, null, 2));
    this.sqliteDir = dataDir;
  }

  /** The plugin's own database, for the direct inserts. */
  pluginDatabase() {
    if (this.options.database === 'sqlite') {
      return {
        client: 'sqlite',
        target: path.join(this.sqliteDir, 'release-coordinator.sqlite'),
      };
    }
    const pg = this.options.postgres;
    if (!pg) throw new Error('postgres options missing');
    return {
      client: 'postgres',
      target: `postgresql://postgres@${pg.host}:${pg.port}/backstage_plugin_release-coordinator`,
    };
  }

  async start() {
    const { repoRoot, database, postgres } = this.options;
    const configArgs = ['--config', path.join(repoRoot, 'app-config.yaml')];
    if (database === 'postgres')
      configArgs.push(
        '--config',
        path.join(repoRoot, 'app-config.production.yaml'),
      );
    configArgs.push('--config', this.configFile);
    /** @type {NodeJS.ProcessEnv} */
    const env = { ...process.env, NODE_ENV: 'development' };
    if (database === 'postgres' && postgres) {
      Object.assign(env, {
        POSTGRES_HOST: postgres.host,
        POSTGRES_PORT: String(postgres.port),
        POSTGRES_USER: 'postgres',
        POSTGRES_PASSWORD: 'unused-trust-auth',
      });
    }
    this.logOffset = fs.existsSync(this.logFile)
      ? fs.statSync(this.logFile).size
      : 0;
    const log = fs.openSync(this.logFile, 'a');
    // What `backstage-cli package start` runs, minus its file watcher:
    // helpers editing the tree must not restart the backend mid-measurement.
    const nodeTransform = require.resolve(
      '@backstage/cli-node/config/nodeTransform.cjs',
      {
        paths: [
          path.dirname(
            require.resolve('@backstage/cli-module-build/package.json', {
              paths: [path.join(repoRoot, 'node_modules/@backstage/cli')],
            }),
          ),
        ],
      },
    );
    env.ESBK_TSCONFIG_PATH = path.join(repoRoot, 'tsconfig.json');
    // BENCH_BACKEND_CPU_PROF_DIR: a V8 CPU profile of each backend run
    // (written when it stops), for finding where a measurement's time goes.
    const profileDir = process.env.BENCH_BACKEND_CPU_PROF_DIR;
    this.child = spawn(
      process.execPath,
      [
        ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
        '--enable-source-maps',
        '--require',
        nodeTransform,
        'src/index',
        ...configArgs,
      ],
      {
        cwd: path.join(repoRoot, 'packages/backend'),
        env,
        detached: true,
        stdio: ['ignore', log, log],
      },
    );
    fs.closeSync(log);
    await this.waitUntilReady();
  }

  async waitUntilReady() {
    const deadline = Date.now() + 15 * 60_000; // first start ingests the whole catalog
    while (Date.now() < deadline) {
      if (!this.child || this.child.exitCode !== null) {
        throw new Error(
          `The backend exited early; see ${this.logFile}:\n${this.tail()}`,
        );
      }
      // `backstage-cli package start` keeps watching after the backend
      // process crashed: read the log instead of waiting for the deadline.
      const fatal = this.fatalError();
      if (fatal) {
        throw new Error(
          `The backend failed to start (${fatal}); see ${this.logFile}`,
        );
      }
      try {
        const health = await fetch(
          `${this.baseUrl}/api/release-coordinator/health`,
        );
        if (health.ok) {
          const entity = await fetch(
            `${this.baseUrl}/api/catalog/entities/by-name/component/default/${this.options.probeName}`,
            { headers: { authorization: `Bearer ${this.staticToken}` } },
          );
          if (entity.ok) return;
        }
      } catch {
        // not listening yet
      }
      await sleep(1000);
    }
    throw new Error(
      `The backend did not become ready; see ${this.logFile}:\n${this.tail()}`,
    );
  }

  /** A Backstage user token of the guest user (as the frontend gets it). */
  async guestToken() {
    const response = await fetch(`${this.baseUrl}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    if (!response.ok)
      throw new Error(`guest sign-in failed: ${response.status}`);
    const body = await response.json();
    return body.backstageIdentity.token;
  }

  fatalError() {
    let text = '';
    try {
      text = fs.readFileSync(this.logFile, 'utf8').slice(this.logOffset);
    } catch {
      return undefined;
    }
    const match = /^(\w*Error: .*)$/m.exec(text);
    if (
      match &&
      /Backend failed to start|ConfigSchemaError|exited with code|uncaught/i.test(
        text,
      )
    ) {
      return match[1].slice(0, 300);
    }
    return undefined;
  }

  tail() {
    try {
      return fs
        .readFileSync(this.logFile, 'utf8')
        .split('\n')
        .slice(-40)
        .join('\n');
    } catch {
      return '';
    }
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    const timeout = sleep(20_000).then(() => 'timeout');
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
    this.child = undefined;
  }
}

module.exports = { BenchPortal, freePort };

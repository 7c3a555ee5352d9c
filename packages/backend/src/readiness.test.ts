import { ConfigReader } from '@backstage/config';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { DatabaseAwareRootHealth, selfBaseUrl } from './readiness';

function lifecycle() {
  const hooks = {
    startup: [] as Array<() => void>,
    shutdown: [] as Array<() => void>,
  };
  return {
    hooks,
    addStartupHook: (hook: () => void) => hooks.startup.push(hook),
    addBeforeShutdownHook: (hook: () => void) => hooks.shutdown.push(hook),
  };
}

describe('DatabaseAwareRootHealth', () => {
  let server: http.Server;
  let answer = 200;
  let url: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.statusCode =
        req.url === '/api/release-coordinator/health' ? answer : 404;
      res.end(
        JSON.stringify({ status: answer === 200 ? 'ok' : 'unavailable' }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    url = `http://127.0.0.1:${port}/api/release-coordinator/health`;
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  it('is ready only after start-up, while the plugin database answers, and not during shutdown', async () => {
    const hooks = lifecycle();
    const health = new DatabaseAwareRootHealth({
      lifecycle: hooks,
      pluginHealthUrl: url,
    });
    expect((await health.getReadiness()).status).toBe(503);
    hooks.hooks.startup.forEach(hook => hook());

    answer = 200;
    expect(await health.getReadiness()).toEqual({
      status: 200,
      payload: { status: 'ok' },
    });

    answer = 503;
    expect(await health.getReadiness()).toEqual({
      status: 503,
      payload: {
        status: 'error',
        message: expect.stringContaining(
          'database is unavailable (/health answered 503)',
        ),
      },
    });
    // Liveness is not readiness: the process is alive.
    expect((await health.getLiveness()).status).toBe(200);

    answer = 200;
    expect((await health.getReadiness()).status).toBe(200);
    hooks.hooks.shutdown.forEach(hook => hook());
    expect((await health.getReadiness()).status).toBe(503);
  });

  it('is not ready when /health cannot be reached', async () => {
    const hooks = lifecycle();
    const health = new DatabaseAwareRootHealth({
      lifecycle: hooks,
      pluginHealthUrl: 'http://127.0.0.1:1/api/release-coordinator/health',
    });
    hooks.hooks.startup.forEach(hook => hook());
    expect(await health.getReadiness()).toEqual({
      status: 503,
      payload: {
        status: 'error',
        message: expect.stringContaining('did not answer'),
      },
    });
  });
});

describe('selfBaseUrl', () => {
  it.each([
    [{}, 'http://127.0.0.1:7007'],
    [{ listen: ':7007' }, 'http://127.0.0.1:7007'],
    [{ listen: 7010 }, 'http://127.0.0.1:7010'],
    [{ listen: '0.0.0.0:7011' }, 'http://127.0.0.1:7011'],
    [{ listen: { port: 7012 } }, 'http://127.0.0.1:7012'],
    [{ listen: { host: '10.0.0.5', port: '7013' } }, 'http://10.0.0.5:7013'],
  ])('%j → %s', (backend, expected) => {
    expect(selfBaseUrl(new ConfigReader({ backend }))).toBe(expected);
  });
});

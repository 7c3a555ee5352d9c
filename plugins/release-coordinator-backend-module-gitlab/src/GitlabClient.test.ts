import { ConfigReader } from '@backstage/config';
import { GitlabApiError, GitlabClient } from './GitlabClient';
import { gitlabDeployment } from './__testUtils__/fixtures';
import { GitlabTestServer } from './__testUtils__/GitlabTestServer';

const TOKEN = 'glpat-test-token';

function deployments(count: number) {
  return Array.from({ length: count }, (_, i) =>
    gitlabDeployment({
      id: i + 1,
      status: 'success',
      updatedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
    }),
  );
}

describe('GitlabClient', () => {
  let server: GitlabTestServer;

  beforeEach(async () => {
    server = await GitlabTestServer.start({ token: TOKEN });
    server.addProject({
      id: 42,
      pathWithNamespace: 'acme/payments',
      deployments: deployments(45),
    });
  });

  afterEach(async () => {
    await server.stop();
  });

  async function collect(client: GitlabClient, maxPages = 10) {
    const pages: number[][] = [];
    for await (const page of client.pages<{ id: number }>({
      path: '/projects/42/deployments',
      query: { per_page: 20 },
      maxPages,
    })) {
      pages.push(page.map(d => d.id));
    }
    return pages;
  }

  it('sends PRIVATE-TOKEN and follows X-Next-Page to the last page', async () => {
    const client = new GitlabClient({
      apiBaseUrl: server.apiBaseUrl,
      token: TOKEN,
    });
    const pages = await collect(client);
    expect(pages.map(p => p.length)).toEqual([20, 20, 5]);
    expect(pages.flat()).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    expect(server.requests.map(r => r.query.get('page'))).toEqual([
      null,
      '2',
      '3',
    ]);
    expect(server.requests.every(r => r.privateToken === TOKEN)).toBe(true);
  });

  it('follows a Link rel="next" header when GitLab uses keyset pagination', async () => {
    server.keysetPagination = true;
    const client = new GitlabClient({
      apiBaseUrl: server.apiBaseUrl,
      token: TOKEN,
    });
    const pages = await collect(client);
    expect(pages.flat()).toHaveLength(45);
    expect(server.requests).toHaveLength(3);
  });

  it('stops after maxPages', async () => {
    const client = new GitlabClient({
      apiBaseUrl: server.apiBaseUrl,
      token: TOKEN,
    });
    const pages = await collect(client, 2);
    expect(pages.flat()).toHaveLength(40);
    expect(server.requests).toHaveLength(2);
  });

  it('turns a 429 with Retry-After into an error carrying retryAfterMs', async () => {
    server.rateLimitNextRequest({
      'Retry-After': '30',
      'RateLimit-Limit': '600',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '1700000000',
    });
    const client = new GitlabClient({
      apiBaseUrl: server.apiBaseUrl,
      token: TOKEN,
    });
    const error = await collect(client).catch(e => e);
    expect(error).toBeInstanceOf(GitlabApiError);
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(30_000);
  });

  it('reads RateLimit-Reset when a 429 has no Retry-After', async () => {
    const nowMs = Date.UTC(2026, 10, 26, 12, 0, 0);
    server.rateLimitNextRequest({
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': String(nowMs / 1000 + 45),
    });
    const client = new GitlabClient({
      apiBaseUrl: server.apiBaseUrl,
      token: TOKEN,
      now: () => nowMs,
    });
    const error = await collect(client).catch(e => e);
    expect(error.retryAfterMs).toBe(45_000);
  });

  it('reports a 5xx with its status and no retryAfterMs, for backoff', async () => {
    server.failNextRequestWithBadGateway();
    const client = new GitlabClient({
      apiBaseUrl: server.apiBaseUrl,
      token: TOKEN,
    });
    const error = await collect(client).catch(e => e);
    expect(error).toBeInstanceOf(GitlabApiError);
    expect(error.status).toBe(502);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('reports a wrong token as a 401 that is not retried', async () => {
    const client = new GitlabClient({
      apiBaseUrl: server.apiBaseUrl,
      token: 'wrong',
    });
    const error = await collect(client).catch(e => e);
    expect(error).toBeInstanceOf(GitlabApiError);
    expect(error.status).toBe(401);
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toContain('401');
    expect(error.message).not.toContain('wrong');
  });

  describe('findIntegration', () => {
    it('finds nothing when integrations.gitlab is not configured', () => {
      expect(
        GitlabClient.findIntegration(new ConfigReader({})),
      ).toBeUndefined();
    });

    it('takes the first configured integration, or the one for the host', () => {
      const config = new ConfigReader({
        integrations: {
          gitlab: [
            {
              host: server.host,
              apiBaseUrl: server.apiBaseUrl,
              token: TOKEN,
            },
            {
              host: 'gitlab.example.com',
              apiBaseUrl: 'https://gitlab.example.com/api/v4',
              token: 'other',
            },
          ],
        },
      });
      expect(GitlabClient.findIntegration(config)).toMatchObject({
        host: server.host,
        apiBaseUrl: server.apiBaseUrl,
        token: TOKEN,
      });
      expect(
        GitlabClient.findIntegration(config, 'gitlab.example.com'),
      ).toMatchObject({ token: 'other' });
      expect(
        GitlabClient.findIntegration(config, 'unknown.example.com'),
      ).toBeUndefined();
    });
  });
});

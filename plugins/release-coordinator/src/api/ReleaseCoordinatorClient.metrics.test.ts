import { ResponseError } from '@backstage/errors';
import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ReleaseCoordinatorClient } from './ReleaseCoordinatorClient';

const baseUrl = 'http://example.com/api/release-coordinator';

describe('ReleaseCoordinatorClient metrics routes', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new ReleaseCoordinatorClient({
    discoveryApi: mockApis.discovery(),
    fetchApi: new MockFetchApi({ injectIdentityAuth: { token: 'user-token' } }),
  });

  /** Answers `path` with `body` and records the URL and token it was called with. */
  function capture(path: string, body: object) {
    const seen: { url?: URL; authorization?: string | null } = {};
    server.use(
      http.get(`${baseUrl}${path}`, ({ request }) => {
        seen.url = new URL(request.url);
        seen.authorization = request.headers.get('authorization');
        return HttpResponse.json(body);
      }),
    );
    return seen;
  }

  it('getMetrics sends window=<N>d and the environment to the entity route', async () => {
    const seen = capture('/entities/component/default/payments/metrics', {
      entityRef: 'component:default/payments',
    });

    await expect(
      client.getMetrics({
        entityRef: 'component:default/payments',
        windowDays: 7,
        environment: 'staging',
      }),
    ).resolves.toEqual({ entityRef: 'component:default/payments' });
    expect(seen.url?.searchParams.get('window')).toBe('7d');
    expect(seen.url?.searchParams.get('environment')).toBe('staging');
    expect(seen.authorization).toBe('Bearer user-token');
  });

  it('getMetrics leaves unset options to the backend defaults', async () => {
    const seen = capture('/entities/group/default/team-a/metrics', {});

    await client.getMetrics({ entityRef: 'group:team-a' });
    expect(seen.url?.search).toBe('');
  });

  it('getMetricsBreakdown calls the breakdown route of a group', async () => {
    const seen = capture('/entities/group/default/team-a/metrics/breakdown', {
      items: [],
    });

    await expect(
      client.getMetricsBreakdown({
        entityRef: 'group:default/team-a',
        windowDays: 90,
        environment: 'production',
      }),
    ).resolves.toEqual({ items: [] });
    expect(seen.url?.searchParams.get('window')).toBe('90d');
    expect(seen.url?.searchParams.get('environment')).toBe('production');
  });

  it('getMetricsSeries sends the metric, window, environment and bucket', async () => {
    const seen = capture(
      '/entities/component/default/payments/metrics/series',
      {
        points: [],
      },
    );

    await client.getMetricsSeries({
      entityRef: 'component:default/payments',
      metric: 'leadTimeForChanges',
      windowDays: 30,
      environment: 'production',
      bucket: 'day',
    });
    expect(Object.fromEntries(seen.url!.searchParams)).toEqual({
      metric: 'leadTimeForChanges',
      window: '30d',
      environment: 'production',
      bucket: 'day',
    });
  });

  it('turns a 400 naming the window into a ResponseError', async () => {
    server.use(
      http.get(`${baseUrl}/entities/component/default/payments/metrics`, () =>
        HttpResponse.json(
          {
            error: { name: 'InputError', message: 'window must be 1d..365d' },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );

    const error = await client
      .getMetrics({ entityRef: 'component:default/payments', windowDays: 400 })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.cause.message).toBe('window must be 1d..365d');
  });
});

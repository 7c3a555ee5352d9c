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

const release = {
  id: 'rel-1',
  entityRef: 'component:default/payments',
  environment: 'production',
  version: '1.4.0',
  state: 'ready',
  createdBy: 'user:default/alice',
  createdAt: '2026-11-20T10:00:00.000Z',
};

describe('ReleaseCoordinatorClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new ReleaseCoordinatorClient({
    discoveryApi: mockApis.discovery(),
    // The token only gets there through the fetch API, never global fetch.
    fetchApi: new MockFetchApi({ injectIdentityAuth: { token: 'user-token' } }),
  });

  describe('getHealth', () => {
    it('returns the health body', async () => {
      server.use(
        http.get(`${baseUrl}/health`, () =>
          HttpResponse.json({ status: 'ok' }),
        ),
      );

      await expect(client.getHealth()).resolves.toEqual({ status: 'ok' });
    });

    it('throws a ResponseError when the backend fails', async () => {
      server.use(
        http.get(`${baseUrl}/health`, () =>
          HttpResponse.json(
            {
              error: { name: 'Error', message: 'database is down' },
              response: { statusCode: 503 },
            },
            { status: 503 },
          ),
        ),
      );

      const error = await client.getHealth().catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(503);
      expect(error.message).toBe('Request failed with 503 Service Unavailable');
      expect(error.cause.message).toBe('database is down');
    });
  });

  describe('listReleases', () => {
    it('calls the entity releases route with the user token and environment', async () => {
      let seen: { url: URL; authorization: string | null } | undefined;
      server.use(
        http.get(
          `${baseUrl}/entities/:kind/:namespace/:name/releases`,
          ({ request }) => {
            seen = {
              url: new URL(request.url),
              authorization: request.headers.get('authorization'),
            };
            return HttpResponse.json({ items: [release] });
          },
        ),
      );

      const result = await client.listReleases({
        entityRef: 'component:default/payments',
        environment: 'production',
      });

      expect(result).toEqual({ items: [release] });
      expect(seen?.url.pathname).toBe(
        '/api/release-coordinator/entities/component/default/payments/releases',
      );
      expect(seen?.url.searchParams.get('environment')).toBe('production');
      expect(seen?.authorization).toBe('Bearer user-token');
    });

    it('defaults the namespace, omits an empty query and encodes each part', async () => {
      let seenUrl: string | undefined;
      server.use(
        http.get(`${baseUrl}/entities/*`, ({ request }) => {
          seenUrl = request.url;
          return HttpResponse.json({ items: [] });
        }),
      );

      await expect(
        client.listReleases({ entityRef: 'component:pay ments#1' }),
      ).resolves.toEqual({ items: [] });
      expect(seenUrl).toBe(
        `${baseUrl}/entities/component/default/pay%20ments%231/releases`,
      );
    });

    it('turns a 404 into a ResponseError carrying the backend message', async () => {
      server.use(
        http.get(`${baseUrl}/entities/:kind/:namespace/:name/releases`, () =>
          HttpResponse.json(
            {
              error: {
                name: 'NotFoundError',
                message: 'entity component:default/nope not found',
              },
              request: { method: 'GET', url: '/entities' },
              response: { statusCode: 404 },
            },
            { status: 404 },
          ),
        ),
      );

      const error = await client
        .listReleases({ entityRef: 'component:default/nope' })
        .catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(404);
      expect(error.body.error.name).toBe('NotFoundError');
      expect(error.cause.message).toBe(
        'entity component:default/nope not found',
      );
    });
  });
});

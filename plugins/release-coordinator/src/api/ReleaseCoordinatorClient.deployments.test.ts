import { ResponseError } from '@backstage/errors';
import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { makeDeployment, makeEnvironments } from '../__testUtils__/deployments';
import { ReleaseCoordinatorClient } from './ReleaseCoordinatorClient';

const baseUrl = 'http://example.com/api/release-coordinator';
const entityPath = `${baseUrl}/entities/component/default/payments`;

function errorBody(name: string, message: string, statusCode: number) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode } },
    { status: statusCode },
  );
}

describe('ReleaseCoordinatorClient (deployments, incidents, environments)', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new ReleaseCoordinatorClient({
    discoveryApi: mockApis.discovery(),
    fetchApi: new MockFetchApi({ injectIdentityAuth: { token: 'user-token' } }),
  });

  /** Records the URL of every request to the given route. */
  function recordRequests(
    route: string,
    body: Parameters<typeof HttpResponse.json>[0],
  ): URL[] {
    const seen: URL[] = [];
    server.use(
      http.get(route, ({ request }) => {
        seen.push(new URL(request.url));
        expect(request.headers.get('authorization')).toBe('Bearer user-token');
        return HttpResponse.json(body);
      }),
    );
    return seen;
  }

  describe('listDeployments', () => {
    it('sends every filter, the page size and the cursor as query parameters', async () => {
      const page = { items: [makeDeployment()], nextCursor: 'c2' };
      const seen = recordRequests(`${entityPath}/deployments`, page);

      await expect(
        client.listDeployments({
          entityRef: 'component:default/payments',
          environment: 'eu west & more',
          status: 'in_progress',
          limit: 25,
          cursor: 'eyJ0IjoiMjAyNi0xMS0yMCJ9+/=',
        }),
      ).resolves.toEqual(page);

      expect(seen).toHaveLength(1);
      const params = seen[0].searchParams;
      expect(params.get('environment')).toBe('eu west & more');
      expect(params.get('status')).toBe('in_progress');
      expect(params.get('limit')).toBe('25');
      // The opaque cursor arrives byte for byte, '+' '/' '=' included.
      expect(params.get('cursor')).toBe('eyJ0IjoiMjAyNi0xMS0yMCJ9+/=');
      expect(seen[0].search).not.toContain('eu west');
    });

    it('leaves out the parameters that are not set', async () => {
      const seen = recordRequests(`${baseUrl}/entities/*`, { items: [] });

      await client.listDeployments({ entityRef: 'component:payments' });

      expect(seen[0].pathname).toBe(
        '/api/release-coordinator/entities/component/default/payments/deployments',
      );
      expect(seen[0].search).toBe('');
    });

    it('turns a 400 into a ResponseError naming the field', async () => {
      server.use(
        http.get(`${entityPath}/deployments`, () =>
          errorBody('InputError', 'status must be one of queued, …', 400),
        ),
      );

      const error = await client
        .listDeployments({ entityRef: 'component:default/payments' })
        .catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(400);
      expect(error.body.error.name).toBe('InputError');
      expect(error.cause.message).toBe('status must be one of queued, …');
    });
  });

  describe('listIncidents', () => {
    it('sends environment, since, limit and cursor', async () => {
      const seen = recordRequests(`${entityPath}/incidents`, { items: [] });

      await expect(
        client.listIncidents({
          entityRef: 'component:default/payments',
          environment: 'production',
          since: '2026-11-01T00:00:00.000Z',
          limit: 10,
          cursor: 'next page',
        }),
      ).resolves.toEqual({ items: [] });

      const params = seen[0].searchParams;
      expect(seen[0].pathname).toBe(
        '/api/release-coordinator/entities/component/default/payments/incidents',
      );
      expect(params.get('environment')).toBe('production');
      expect(params.get('since')).toBe('2026-11-01T00:00:00.000Z');
      expect(params.get('limit')).toBe('10');
      expect(params.get('cursor')).toBe('next page');
    });

    it('turns a 403 into a ResponseError', async () => {
      server.use(
        http.get(`${entityPath}/incidents`, () =>
          errorBody('NotAllowedError', 'not allowed', 403),
        ),
      );

      const error = await client
        .listIncidents({ entityRef: 'component:default/payments' })
        .catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(403);
    });
  });

  describe('getEnvironments', () => {
    it('returns the environments and sync state of the entity', async () => {
      const body = makeEnvironments({
        items: [{ environment: 'production', current: makeDeployment() }],
        sync: [
          {
            providerId: 'github',
            entityRef: 'component:default/payments',
            lastSuccessAt: '2026-11-20T10:00:00.000Z',
          },
        ],
      });
      const seen = recordRequests(`${entityPath}/environments`, body);

      await expect(
        client.getEnvironments({ entityRef: 'component:default/payments' }),
      ).resolves.toEqual(body);
      expect(seen[0].search).toBe('');
    });

    it('turns a 404 into a ResponseError', async () => {
      server.use(
        http.get(
          `${baseUrl}/entities/:kind/:namespace/:name/environments`,
          () =>
            errorBody(
              'NotFoundError',
              'entity component:default/nope not found',
              404,
            ),
        ),
      );

      const error = await client
        .getEnvironments({ entityRef: 'component:default/nope' })
        .catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(404);
      expect(error.cause.message).toBe(
        'entity component:default/nope not found',
      );
    });
  });
});

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

describe('ReleaseCoordinatorClient cost routes', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new ReleaseCoordinatorClient({
    discoveryApi: mockApis.discovery(),
    fetchApi: new MockFetchApi({ injectIdentityAuth: { token: 'user-token' } }),
  });

  const items = [
    {
      entityRef: 'component:default/payments',
      date: '2026-11-20',
      source: 'aws',
      amount: 12.5,
      currency: 'USD',
    },
  ];

  it('listCosts sends from and to to the entity route with the user token', async () => {
    let seen: { url?: URL; authorization?: string | null } = {};
    server.use(
      http.get(
        `${baseUrl}/entities/component/default/payments/costs`,
        ({ request }) => {
          seen = {
            url: new URL(request.url),
            authorization: request.headers.get('authorization'),
          };
          return HttpResponse.json({ items });
        },
      ),
    );
    await expect(
      client.listCosts({
        entityRef: 'component:default/payments',
        from: '2026-11-01',
        to: '2026-11-25',
      }),
    ).resolves.toEqual({ items });
    expect(seen.url?.searchParams.get('from')).toBe('2026-11-01');
    expect(seen.url?.searchParams.get('to')).toBe('2026-11-25');
    expect(seen.authorization).toBe('Bearer user-token');
  });

  it('listCosts leaves the range to the backend when not given', async () => {
    let search: string | undefined;
    server.use(
      http.get(
        `${baseUrl}/entities/group/default/team-a/costs`,
        ({ request }) => {
          search = new URL(request.url).search;
          return HttpResponse.json({ items: [] });
        },
      ),
    );
    await client.listCosts({ entityRef: 'group:team-a' });
    expect(search).toBe('');
  });

  it('listCosts turns a 400 into a ResponseError carrying the message', async () => {
    server.use(
      http.get(`${baseUrl}/entities/component/default/payments/costs`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'Invalid query: from: must not be after to',
            },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    const error = await client
      .listCosts({
        entityRef: 'component:default/payments',
        from: '2026-11-26',
        to: '2026-11-01',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe(
      'Invalid query: from: must not be after to',
    );
  });
});

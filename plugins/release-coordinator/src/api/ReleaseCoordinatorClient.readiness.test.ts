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

function backendError(name: string, message: string, statusCode: number) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode } },
    { status: statusCode },
  );
}

interface SeenRequest {
  method: string;
  path: string;
  contentType: string | null;
  authorization: string | null;
  body: unknown;
}

async function record(request: Request): Promise<SeenRequest> {
  const text = await request.text();
  return {
    method: request.method,
    path: new URL(request.url).pathname,
    contentType: request.headers.get('content-type'),
    authorization: request.headers.get('authorization'),
    body: text ? JSON.parse(text) : undefined,
  };
}

describe('ReleaseCoordinatorClient (release readiness)', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new ReleaseCoordinatorClient({
    discoveryApi: mockApis.discovery(),
    fetchApi: new MockFetchApi({ injectIdentityAuth: { token: 'user-token' } }),
  });

  it('getRelease loads one release by its encoded id', async () => {
    let seen: SeenRequest | undefined;
    server.use(
      http.get(`${baseUrl}/releases/:id`, async ({ request }) => {
        seen = await record(request);
        return HttpResponse.json({ release: { id: 'rel 1' }, checklist: [] });
      }),
    );

    await expect(client.getRelease('rel 1')).resolves.toEqual({
      release: { id: 'rel 1' },
      checklist: [],
    });
    expect(seen?.path).toBe('/api/release-coordinator/releases/rel%201');
    expect(seen?.authorization).toBe('Bearer user-token');
  });

  it('getRelease turns a 404 into a ResponseError', async () => {
    server.use(
      http.get(`${baseUrl}/releases/:id`, () =>
        backendError('NotFoundError', 'release nope not found', 404),
      ),
    );

    const error = await client.getRelease('nope').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.cause.message).toBe('release nope not found');
  });

  it('updateChecklistItem PUTs the JSON body to the item route', async () => {
    let seen: SeenRequest | undefined;
    server.use(
      http.put(
        `${baseUrl}/releases/:id/checklist/:itemId`,
        async ({ request }) => {
          seen = await record(request);
          return HttpResponse.json({ id: 'deployment-plan-documented' });
        },
      ),
    );

    await client.updateChecklistItem('rel-1', 'deployment-plan-documented', {
      status: 'passed',
      evidenceUrl: 'https://wiki.example.com/plan',
      comment: 'reviewed with SRE',
    });

    expect(seen).toEqual({
      method: 'PUT',
      path: '/api/release-coordinator/releases/rel-1/checklist/deployment-plan-documented',
      contentType: 'application/json',
      authorization: 'Bearer user-token',
      body: {
        status: 'passed',
        evidenceUrl: 'https://wiki.example.com/plan',
        comment: 'reviewed with SRE',
      },
    });
  });

  it('updateChecklistItem surfaces a 403 with the backend message', async () => {
    server.use(
      http.put(`${baseUrl}/releases/:id/checklist/:itemId`, () =>
        backendError(
          'NotAllowedError',
          'only database-admin members may attest db-migration-tested',
          403,
        ),
      ),
    );

    const error = await client
      .updateChecklistItem('rel-1', 'db-migration-tested', {
        status: 'passed',
        comment: 'ran on replica',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toBe(
      'only database-admin members may attest db-migration-tested',
    );
  });

  it('submitApproval POSTs the decision and accepts a 201', async () => {
    let seen: SeenRequest | undefined;
    server.use(
      http.post(`${baseUrl}/releases/:id/approvals`, async ({ request }) => {
        seen = await record(request);
        return HttpResponse.json({ id: 'a1' }, { status: 201 });
      }),
    );

    await client.submitApproval('rel-1', {
      decision: 'reject',
      comment: 'no rollback plan',
    });

    expect(seen).toEqual({
      method: 'POST',
      path: '/api/release-coordinator/releases/rel-1/approvals',
      contentType: 'application/json',
      authorization: 'Bearer user-token',
      body: { decision: 'reject', comment: 'no rollback plan' },
    });
  });

  it('submitApproval turns a 409 into a ResponseError naming the conflict', async () => {
    server.use(
      http.post(`${baseUrl}/releases/:id/approvals`, () =>
        backendError(
          'ConflictError',
          'production is frozen by year-end until 2027-01-04',
          409,
        ),
      ),
    );

    const error = await client
      .submitApproval('rel-1', { decision: 'approve' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe(
      'production is frozen by year-end until 2027-01-04',
    );
  });

  it('getAuditTrail loads the audit route', async () => {
    const items = [
      {
        id: 'e1',
        releaseId: 'rel-1',
        entityRef: 'component:default/payments',
        actor: 'user:default/alice',
        action: 'release.created',
        createdAt: '2026-11-20T10:00:00.000Z',
      },
    ];
    let path: string | undefined;
    server.use(
      http.get(`${baseUrl}/releases/:id/audit`, ({ request }) => {
        path = new URL(request.url).pathname;
        return HttpResponse.json({ items });
      }),
    );

    await expect(client.getAuditTrail('rel-1')).resolves.toEqual({ items });
    expect(path).toBe('/api/release-coordinator/releases/rel-1/audit');
  });

  it('createRelease POSTs to the entity releases route and returns the details', async () => {
    let seen: SeenRequest | undefined;
    server.use(
      http.post(
        `${baseUrl}/entities/:kind/:namespace/:name/releases`,
        async ({ request }) => {
          seen = await record(request);
          return HttpResponse.json(
            { release: { id: 'rel-9' }, checklist: [] },
            { status: 201 },
          );
        },
      ),
    );
    const body = {
      version: '2.0.0',
      environment: 'production',
      commitSha: 'abc1234',
      plan: {
        strategy: 'canary' as const,
        zeroDowntime: true,
        hasDatabaseMigrations: true,
        hasConfigChanges: false,
      },
    };

    await expect(
      client.createRelease('component:default/payments', body),
    ).resolves.toEqual({ release: { id: 'rel-9' }, checklist: [] });
    expect(seen).toEqual({
      method: 'POST',
      path: '/api/release-coordinator/entities/component/default/payments/releases',
      contentType: 'application/json',
      authorization: 'Bearer user-token',
      body,
    });
  });

  it('createRelease surfaces a 400 naming the field', async () => {
    server.use(
      http.post(`${baseUrl}/entities/:kind/:namespace/:name/releases`, () =>
        backendError(
          'InputError',
          'plan.strategy: a zero-downtime release cannot use rolling',
          400,
        ),
      ),
    );

    const error = await client
      .createRelease('component:default/payments', {
        version: '2.0.0',
        environment: 'production',
        plan: {
          strategy: 'rolling',
          zeroDowntime: true,
          hasDatabaseMigrations: false,
          hasConfigChanges: false,
        },
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe(
      'plan.strategy: a zero-downtime release cannot use rolling',
    );
  });
});

import { ResponseError } from '@backstage/errors';
import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { makeRollback, makeRollbackPlan } from '../__testUtils__/rollbacks';
import { ReleaseCoordinatorClient } from './ReleaseCoordinatorClient';

const baseUrl = 'http://example.com/api/release-coordinator';
const entityPath = `${baseUrl}/entities/component/default/payments`;

function errorBody(name: string, message: string, statusCode: number) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode } },
    { status: statusCode },
  );
}

describe('ReleaseCoordinatorClient (rollbacks)', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new ReleaseCoordinatorClient({
    discoveryApi: mockApis.discovery(),
    fetchApi: new MockFetchApi({ injectIdentityAuth: { token: 'user-token' } }),
  });

  describe('createRollback', () => {
    it('posts the request with the Idempotency-Key header and returns the rollback', async () => {
      const rollback = makeRollback({ state: 'pending' });
      const seen: Array<{ headers: Headers; body: unknown }> = [];
      server.use(
        http.post(`${entityPath}/rollbacks`, async ({ request }) => {
          seen.push({ headers: request.headers, body: await request.json() });
          return HttpResponse.json({ rollback }, { status: 202 });
        }),
      );

      await expect(
        client.createRollback({
          entityRef: 'component:payments',
          idempotencyKey: '6f1c2d3e-key',
          request: {
            environment: 'production',
            targetDeploymentId: 'dep-1',
            reason: 'error rate doubled',
            confirmMigrationRollback: true,
          },
        }),
      ).resolves.toEqual(rollback);

      expect(seen).toHaveLength(1);
      expect(seen[0].headers.get('idempotency-key')).toBe('6f1c2d3e-key');
      expect(seen[0].headers.get('content-type')).toBe('application/json');
      expect(seen[0].headers.get('authorization')).toBe('Bearer user-token');
      expect(seen[0].body).toEqual({
        environment: 'production',
        targetDeploymentId: 'dep-1',
        reason: 'error rate doubled',
        confirmMigrationRollback: true,
      });
    });

    it('turns a 409 into a ResponseError carrying the backend message', async () => {
      server.use(
        http.post(`${entityPath}/rollbacks`, () =>
          errorBody(
            'ConflictError',
            'Argo CD refuses to roll back payments: auto-sync is enabled',
            409,
          ),
        ),
      );

      const error = await client
        .createRollback({
          entityRef: 'component:default/payments',
          idempotencyKey: 'k',
          request: { environment: 'production', reason: 'why' },
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(409);
      expect(error.body.error.name).toBe('ConflictError');
      expect(error.cause.message).toBe(
        'Argo CD refuses to roll back payments: auto-sync is enabled',
      );
    });
  });

  describe('getRollbackPlan', () => {
    it('asks for the environment and the picked target', async () => {
      const plan = makeRollbackPlan();
      const seen: URL[] = [];
      server.use(
        http.get(`${entityPath}/rollbacks/plan`, ({ request }) => {
          seen.push(new URL(request.url));
          return HttpResponse.json(plan);
        }),
      );

      await expect(
        client.getRollbackPlan({
          entityRef: 'component:default/payments',
          environment: 'eu west',
          targetDeploymentId: 'dep-1',
        }),
      ).resolves.toEqual(plan);
      expect(seen[0].searchParams.get('environment')).toBe('eu west');
      expect(seen[0].searchParams.get('targetDeploymentId')).toBe('dep-1');

      await client.getRollbackPlan({
        entityRef: 'component:default/payments',
        environment: 'production',
      });
      expect(seen[1].search).toBe('?environment=production');
    });

    it('turns a 400 into a ResponseError naming the field', async () => {
      server.use(
        http.get(`${entityPath}/rollbacks/plan`, () =>
          errorBody(
            'InputError',
            'targetDeploymentId dep-9 is not an earlier succeeded deployment',
            400,
          ),
        ),
      );

      const error = await client
        .getRollbackPlan({
          entityRef: 'component:default/payments',
          environment: 'production',
          targetDeploymentId: 'dep-9',
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(400);
      expect(error.cause.message).toContain('targetDeploymentId');
    });
  });

  describe('listRollbacks', () => {
    it('sends environment, limit and cursor and returns the page', async () => {
      const page = { items: [makeRollback()], nextCursor: 'c+/=' };
      const seen: URL[] = [];
      server.use(
        http.get(`${entityPath}/rollbacks`, ({ request }) => {
          seen.push(new URL(request.url));
          return HttpResponse.json(page);
        }),
      );

      await expect(
        client.listRollbacks({
          entityRef: 'component:default/payments',
          environment: 'production',
          limit: 1,
          cursor: 'c+/=',
        }),
      ).resolves.toEqual(page);
      const params = seen[0].searchParams;
      expect(params.get('environment')).toBe('production');
      expect(params.get('limit')).toBe('1');
      expect(params.get('cursor')).toBe('c+/=');
    });
  });

  describe('getRollback', () => {
    it('unwraps the rollback', async () => {
      const rollback = makeRollback({ id: 'rb/7', state: 'succeeded' });
      const seen: string[] = [];
      server.use(
        http.get(`${baseUrl}/rollbacks/:id`, ({ request, params }) => {
          seen.push(new URL(request.url).pathname);
          expect(params.id).toBe('rb/7');
          return HttpResponse.json({ rollback });
        }),
      );

      await expect(client.getRollback('rb/7')).resolves.toEqual(rollback);
      expect(seen).toEqual(['/api/release-coordinator/rollbacks/rb%2F7']);
    });

    it('turns a 404 into a ResponseError', async () => {
      server.use(
        http.get(`${baseUrl}/rollbacks/:id`, () =>
          errorBody('NotFoundError', 'rollback rb-9 not found', 404),
        ),
      );

      const error = await client.getRollback('rb-9').catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(404);
      expect(error.cause.message).toBe('rollback rb-9 not found');
    });
  });
});

import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { ArgoCdRequestError } from './ArgoCdClient';
import { ArgoCdDeploymentProvider } from './ArgoCdDeploymentProvider';
import { ArgoCdInstance } from './config';
import { ArgoCdTestServer } from './__testUtils__/ArgoCdTestServer';
import {
  component,
  historyEntry,
  operationState,
  SHA,
} from './__testUtils__/fixtures';
import { startTwoInstances } from './__testUtils__/twoInstances';

const signal = new AbortController().signal;

describe('ArgoCdDeploymentProvider', () => {
  let us: ArgoCdTestServer;
  let eu: ArgoCdTestServer;
  let instances: ArgoCdInstance[];

  beforeEach(async () => {
    ({ us, eu, instances } = await startTwoInstances());
  });

  afterEach(async () => {
    await Promise.all([us.close(), eu.close()]);
  });

  const provider = (overrides: Partial<{ instances: ArgoCdInstance[] }> = {}) =>
    new ArgoCdDeploymentProvider({
      config: {
        instances: overrides.instances ?? instances,
        rollbackStartTimeoutMs: 2000,
        environments: [],
      },
    });

  const identityEntity = (extra: Record<string, string> = {}) =>
    component('identity-service', {
      'argocd/app-name': 'identity-service',
      'release-coordinator/environments': 'production',
      ...extra,
    });

  describe('pull', () => {
    it('finds an app-name on the instance that has it and maps status.history', async () => {
      const result = await provider().pull({
        entity: identityEntity(),
        signal,
      });

      // Looked up on 'us' first (404 there), then on 'eu', each with its own token.
      expect(us.requests).toEqual([
        expect.objectContaining({
          method: 'GET',
          path: '/api/v1/applications/identity-service',
          authorization: 'Bearer us-token',
        }),
      ]);
      expect(eu.requests.map(r => [r.path, r.authorization])).toEqual([
        ['/api/v1/applications/identity-service', 'Bearer eu-token'],
      ]);

      const base = {
        entityRef: 'component:default/identity-service',
        environment: 'production',
        source: 'argocd',
        status: 'succeeded',
        kind: 'deploy',
        url: `${eu.url}/applications/identity-service`,
      };
      expect(result.deployments).toEqual([
        {
          ...base,
          // Written without deployStartedAt: identified by its history id.
          externalId: 'eu/identity-service/history-0',
          version: 'a1f3c5e',
          commitSha: SHA.a,
          startedAt: '2026-11-20T10:00:05Z',
          finishedAt: '2026-11-20T10:00:05Z',
          initiator: 'admin',
        },
        {
          ...base,
          externalId: 'eu/identity-service/op-2026-11-22T10:00:00Z',
          version: 'b2e4d6f',
          commitSha: SHA.b,
          startedAt: '2026-11-22T10:00:00Z',
          finishedAt: '2026-11-22T10:00:09Z',
          initiator: 'admin',
        },
        {
          ...base,
          // The live deployment: the image named like the app gives the version.
          externalId: 'eu/identity-service/op-2026-11-25T09:00:00Z',
          version: '2.4.1',
          commitSha: SHA.c,
          startedAt: '2026-11-25T09:00:00Z',
          finishedAt: '2026-11-25T09:00:08Z',
          initiator: 'argocd (automated sync)',
        },
      ]);
      // The succeeded operationState is the same sync as history id 2: not
      // reported twice.
      expect(result.cursor).toBe('2026-11-25T09:00:08Z');
    });

    it('asks only the instance named by argocd/instance-name, and refuses an unknown one', async () => {
      const result = await provider().pull({
        entity: identityEntity({ 'argocd/instance-name': 'eu' }),
        signal,
      });
      expect(us.requests).toEqual([]);
      expect(result.deployments).toHaveLength(3);

      await expect(
        provider().pull({
          entity: identityEntity({ 'argocd/instance-name': 'apac' }),
          signal,
        }),
      ).rejects.toThrow(
        new InputError(
          "Entity component:default/identity-service names Argo CD instance 'apac' (argocd/instance-name), which is not configured; configured: 'us', 'eu'",
        ),
      );
    });

    it('says so when no instance has the application', async () => {
      const entity = component('ghost', { 'argocd/app-name': 'ghost' });
      await expect(provider().pull({ entity, signal })).rejects.toThrow(
        NotFoundError,
      );
      await expect(provider().pull({ entity, signal })).rejects.toThrow(
        "Argo CD application 'ghost' (argocd/app-name) was found on none of 'us', 'eu'",
      );
    });

    it('lists app-selector matches on every instance, with an environment per app', async () => {
      const entity = component('notification-gateway', {
        'argocd/app-selector': 'app.kubernetes.io/part-of=notification-gateway',
        'release-coordinator/environments': 'staging,production',
      });
      const result = await provider().pull({ entity, signal });

      for (const server of [us, eu]) {
        expect(server.requests.map(r => r.path)).toEqual([
          '/api/v1/applications?selector=app.kubernetes.io%2Fpart-of%3Dnotification-gateway',
        ]);
      }
      expect(
        result.deployments.map(d => [d.externalId, d.environment, d.version]),
      ).toEqual([
        // Namespace word 'staging' picks the annotated environment.
        [
          'us/notification-gateway-staging/op-2026-11-24T08:00:00Z',
          'staging',
          'a1f3c5e',
        ],
        // The app's release-coordinator/environment label.
        [
          'eu/notification-gateway-production/op-2026-11-24T12:00:00Z',
          'production',
          'b2e4d6f',
        ],
      ]);
      expect(result.cursor).toBe('2026-11-24T12:01:00Z');
    });

    it('reports a selector that matches nothing (Argo CD sends items: null)', async () => {
      const entity = component('nothing', {
        'argocd/app-selector': 'team=nobody',
      });
      await expect(provider().pull({ entity, signal })).rejects.toThrow(
        "No Argo CD application matches argocd/app-selector 'team=nobody' on 'us', 'eu'",
      );
    });

    it('refuses an entity with both annotations, before asking Argo CD', async () => {
      const entity = component('identity-service', {
        'argocd/app-name': 'identity-service',
        'argocd/app-selector': 'app=identity',
      });
      const argocd = provider();
      expect(argocd.appliesTo(entity)).toBe(true);
      const error = await argocd.pull({ entity, signal }).catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        'Entity component:default/identity-service has both argocd/app-name and argocd/app-selector annotations; use exactly one of them',
      );
      expect([...us.requests, ...eu.requests]).toEqual([]);
    });

    it('applies only to entities with an Argo CD annotation', () => {
      expect(
        provider().appliesTo(component('x', { 'argocd/app-name': ' ' })),
      ).toBe(false);
      expect(
        provider().appliesTo(
          component('x', { 'github.com/project-slug': 'a/b' }),
        ),
      ).toBe(false);
      expect(
        provider().appliesTo(component('x', { 'argocd/app-selector': 'a=b' })),
      ).toBe(true);
    });

    it('records a failed sync, which only operationState shows', async () => {
      const app = eu.applications.get('identity-service')!;
      app.status!.operationState = operationState({
        revision: SHA.d,
        phase: 'Failed',
        message:
          'one or more objects failed to apply, reason: Deployment.apps "identity-service" is invalid',
        startedAt: '2026-11-26T08:30:00Z',
        finishedAt: '2026-11-26T08:31:02Z',
        operation: {
          sync: { revision: SHA.d },
          initiatedBy: { username: 'jane' },
        },
      });

      const result = await provider().pull({
        entity: identityEntity(),
        cursor: '2026-11-25T09:00:08Z',
        signal,
      });
      expect(result.deployments.map(d => d.externalId)).toEqual([
        // The live entry is re-read inside the cursor overlap; harmless.
        'eu/identity-service/op-2026-11-25T09:00:00Z',
        'eu/identity-service/op-2026-11-26T08:30:00Z',
      ]);
      expect(result.deployments[1]).toEqual({
        entityRef: 'component:default/identity-service',
        environment: 'production',
        source: 'argocd',
        externalId: 'eu/identity-service/op-2026-11-26T08:30:00Z',
        version: 'd4c6e8a',
        commitSha: SHA.d,
        kind: 'deploy',
        status: 'failed',
        startedAt: '2026-11-26T08:30:00Z',
        finishedAt: '2026-11-26T08:31:02Z',
        initiator: 'jane',
        url: `${eu.url}/applications/identity-service`,
      });
      // No new history entry: the cursor stays.
      expect(result.cursor).toBe('2026-11-25T09:00:08Z');
    });

    it('keeps one record for a sync seen running and then in history', async () => {
      const argocd = provider();
      const app = eu.applications.get('identity-service')!;
      app.status!.operationState = operationState({
        revision: SHA.d,
        phase: 'Running',
        message: 'one or more tasks are running',
        startedAt: '2026-11-26T09:00:00Z',
        finishedAt: undefined,
      });
      const first = await argocd.pull({
        entity: identityEntity(),
        cursor: '2026-11-25T09:00:08Z',
        signal,
      });
      const running = first.deployments.find(d => d.status === 'in_progress');
      expect(running).toMatchObject({
        externalId: 'eu/identity-service/op-2026-11-26T09:00:00Z',
        status: 'in_progress',
        finishedAt: undefined,
      });

      // The controller finishes it: operationState Succeeded, history id 3.
      app.status!.operationState = {
        ...app.status!.operationState!,
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        finishedAt: '2026-11-26T09:00:40Z',
      };
      app.status!.history!.push(
        historyEntry(3, SHA.d, '2026-11-26T09:00:00Z', '2026-11-26T09:00:40Z'),
      );
      const second = await argocd.pull({
        entity: identityEntity(),
        cursor: first.cursor,
        signal,
      });
      const forSync = second.deployments.filter(
        d => d.externalId === running!.externalId,
      );
      expect(forSync).toEqual([
        expect.objectContaining({
          status: 'succeeded',
          finishedAt: '2026-11-26T09:00:40Z',
        }),
      ]);
      expect(
        second.deployments.filter(d => d.startedAt === '2026-11-26T09:00:00Z'),
      ).toHaveLength(1);
      expect(second.cursor).toBe('2026-11-26T09:00:40Z');
    });

    it.each([
      ['Running', '', 'in_progress'],
      ['Terminating', '', 'cancelled'],
      ['Failed', 'Operation terminated', 'cancelled'],
      ['Failed', 'ComparisonError: rpc error', 'failed'],
      ['Error', 'failed to sync: context deadline exceeded', 'failed'],
    ])('maps operation phase %s (%s) to %s', async (phase, message, status) => {
      eu.applications.get('identity-service')!.status!.operationState =
        operationState({
          revision: SHA.d,
          phase: phase as 'Running',
          message,
          startedAt: '2026-11-26T08:00:00Z',
        });
      const result = await provider().pull({
        entity: identityEntity({ 'argocd/instance-name': 'eu' }),
        signal,
      });
      expect(result.deployments.at(-1)).toMatchObject({
        externalId: 'eu/identity-service/op-2026-11-26T08:00:00Z',
        status,
      });
    });

    it('marks a sync back to an earlier revision as a rollback of the one before', async () => {
      eu.applications
        .get('identity-service')!
        .status!.history!.push(
          historyEntry(
            3,
            SHA.b,
            '2026-11-26T07:00:00Z',
            '2026-11-26T07:00:20Z',
          ),
        );
      const result = await provider().pull({
        entity: identityEntity(),
        signal,
      });
      expect(result.deployments.at(-1)).toMatchObject({
        externalId: 'eu/identity-service/op-2026-11-26T07:00:00Z',
        kind: 'rollback',
        rollbackOf: 'eu/identity-service/op-2026-11-25T09:00:00Z',
        version: '2.4.1',
      });
      // Re-syncing the same revision is not a rollback.
      expect(result.deployments.slice(0, -1).map(d => d.kind)).toEqual([
        'deploy',
        'deploy',
        'deploy',
      ]);
    });
  });

  describe('errors', () => {
    it('the server refuses requests without a Bearer token (401)', async () => {
      const response = await fetch(
        `${eu.url}/api/v1/applications/identity-service`,
      );
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: 'no session information',
        code: 16,
        message: 'no session information',
      });
    });

    it('turns 401 into an AuthenticationError naming the instance', async () => {
      const argocd = provider({
        instances: [{ name: 'eu', url: eu.url, token: 'expired' }],
      });
      const error = await argocd
        .pull({ entity: identityEntity(), signal })
        .catch(e => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toContain("Argo CD instance 'eu'");
      expect(error.message).toContain('HTTP 401: invalid session');
    });

    it('turns 403 (RBAC) into a NotAllowedError on a named instance', async () => {
      const argocd = provider({
        instances: [{ name: 'us', url: us.url, token: 'us-reader' }],
      });
      const error = await argocd
        .pull({
          entity: identityEntity({ 'argocd/instance-name': 'us' }),
          signal,
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(NotAllowedError);
      expect(error.message).toContain('HTTP 403: permission denied');
    });

    it('carries Retry-After of a 429 as retryAfterMs for the scheduler', async () => {
      eu.inject({
        pathPrefix: '/api/v1/applications/identity-service',
        status: 429,
        headers: { 'Retry-After': '7' },
        body: 'Too Many Requests',
      });
      const error = await provider()
        .pull({
          entity: identityEntity({ 'argocd/instance-name': 'eu' }),
          signal,
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(ArgoCdRequestError);
      expect(error).toMatchObject({ status: 429, retryAfterMs: 7000 });

      // The next attempt (the scheduler's retry) gets through.
      const retried = await provider().pull({
        entity: identityEntity({ 'argocd/instance-name': 'eu' }),
        signal,
      });
      expect(retried.deployments).toHaveLength(3);
    });

    it('reads an HTTP-date Retry-After on a 503 from a proxy', async () => {
      const now = Date.parse('2026-11-26T10:00:00Z');
      us.inject({
        pathPrefix: '/api/v1/applications?selector=',
        status: 503,
        headers: { 'Retry-After': 'Thu, 26 Nov 2026 10:00:30 GMT' },
        body: '<html>upstream unavailable</html>',
      });
      const argocd = new ArgoCdDeploymentProvider({
        config: { instances, environments: [], rollbackStartTimeoutMs: 0 },
        now: () => now,
      });
      const error = await argocd
        .pull({
          entity: component('n', { 'argocd/app-selector': 'app=n' }),
          signal,
        })
        .catch(e => e);
      expect(error).toMatchObject({ status: 503, retryAfterMs: 30_000 });
      expect(error.message).toContain('upstream unavailable');
    });

    it('reports an unreachable instance as a transient 503', async () => {
      await us.close();
      const error = await provider({
        instances: [{ name: 'us', url: us.url, token: 'us-token' }],
      })
        .pull({ entity: identityEntity(), signal })
        .catch(e => e);
      expect(error).toBeInstanceOf(ArgoCdRequestError);
      expect(error.status).toBe(503);
      expect(error.message).toContain(`${us.url} could not be reached`);
      us = await ArgoCdTestServer.start({ tokens: {}, applications: [] });
    });

    it('gives a 500 without Retry-After its status only (backoff decides)', async () => {
      eu.inject({
        pathPrefix: '/api/v1/applications/identity-service',
        status: 500,
        body: {
          error: 'etcdserver: request timed out',
          code: 13,
          message: 'etcdserver: request timed out',
        },
      });
      const error = await provider()
        .pull({
          entity: identityEntity({ 'argocd/instance-name': 'eu' }),
          signal,
        })
        .catch(e => e);
      expect(error).toMatchObject({ status: 500 });
      expect(error.retryAfterMs).toBeUndefined();
    });
  });
});

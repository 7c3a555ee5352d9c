import { ConflictError, InputError } from '@backstage/errors';
import { Deployment } from '@release-coordinator/backstage-plugin-common';
import { ArgoCdDeploymentProvider } from './ArgoCdDeploymentProvider';
import { ArgoCdInstance } from './config';
import { ArgoCdTestServer } from './__testUtils__/ArgoCdTestServer';
import { component, operationState, SHA } from './__testUtils__/fixtures';
import {
  identityService,
  startTwoInstances,
} from './__testUtils__/twoInstances';

const signal = new AbortController().signal;

describe('ArgoCdDeploymentProvider rollback', () => {
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

  describe('rollback', () => {
    const target = (externalId: string): Deployment => ({
      id: 'd-1',
      entityRef: 'component:default/identity-service',
      environment: 'production',
      source: 'argocd',
      externalId,
      version: 'b2e4d6f',
      kind: 'deploy',
      status: 'succeeded',
      commits: [],
    });
    const rollbackRequest = (externalId: string) => ({
      entity: identityEntity(),
      environment: 'production',
      target: target(externalId),
      reason: 'login errors after 2.4.1',
      initiator: 'user:default/jane',
      idempotencyKey: 'key-1',
      signal,
    });

    it('rolls back to the history id of the target and reports the started operation', async () => {
      const argocd = provider();
      const execution = await argocd.rollback(
        rollbackRequest('eu/identity-service/op-2026-11-22T10:00:00Z'),
      );

      const post = eu.requests.filter(r => r.method === 'POST');
      expect(post).toEqual([
        {
          method: 'POST',
          path: '/api/v1/applications/identity-service/rollback',
          authorization: 'Bearer eu-token',
          body: { id: 1, prune: false, dryRun: false },
        },
      ]);
      const startedAt =
        eu.applications.get('identity-service')!.status!.operationState!
          .startedAt;
      expect(execution).toEqual({
        externalId: `eu/identity-service/op-${startedAt}`,
        status: 'in_progress',
        startedAt,
        url: `${eu.url}/applications/identity-service`,
      });

      // Once Argo CD finishes it, the pull reports the same record, as a rollback.
      eu.finishOperation(
        'identity-service',
        'Succeeded',
        'successfully synced (all tasks run)',
      );
      const pulled = await argocd.pull({ entity: identityEntity(), signal });
      expect(
        pulled.deployments.filter(d => d.externalId === execution.externalId),
      ).toEqual([
        expect.objectContaining({
          status: 'succeeded',
          kind: 'rollback',
          rollbackOf: 'eu/identity-service/op-2026-11-25T09:00:00Z',
          commitSha: SHA.b,
        }),
      ]);
    });

    it('rolls back to a target identified by history id', async () => {
      await provider().rollback(
        rollbackRequest('eu/identity-service/history-0'),
      );
      expect(eu.requests.find(r => r.method === 'POST')?.body).toEqual({
        id: 0,
        prune: false,
        dryRun: false,
      });
    });

    it('refuses with 409 while auto-sync is on, and never touches the sync policy', async () => {
      eu.applications.set(
        'identity-service',
        identityService({ automated: true }),
      );
      const error = await provider()
        .rollback(
          rollbackRequest('eu/identity-service/op-2026-11-22T10:00:00Z'),
        )
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(
        "Argo CD refuses to roll back application 'identity-service' on 'eu' while automated sync is enabled. Its owner must disable auto-sync deliberately (and fix the desired state in Git) before rolling back; Release Coordinator never switches auto-sync off.",
      );
      // Only reads: no rollback, no PUT/PATCH of spec.syncPolicy.
      expect(eu.requests.map(r => r.method)).toEqual(['GET']);
      expect(eu.applications.get('identity-service')!.spec!.syncPolicy).toEqual(
        {
          automated: { prune: true, selfHeal: true },
        },
      );
    });

    it('turns Argo CD\u2019s own auto-sync refusal (400 FailedPrecondition) into the same 409', async () => {
      eu.inject({
        pathPrefix: '/api/v1/applications/identity-service/rollback',
        method: 'POST',
        status: 400,
        body: {
          error: 'rollback cannot be initiated when auto-sync is enabled',
          code: 9,
          message: 'rollback cannot be initiated when auto-sync is enabled',
        },
      });
      const error = await provider()
        .rollback(
          rollbackRequest('eu/identity-service/op-2026-11-22T10:00:00Z'),
        )
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toContain('while automated sync is enabled');
    });

    it('refuses a target that fell out of the history, or while an operation runs', async () => {
      const gone = await provider()
        .rollback(
          rollbackRequest('eu/identity-service/op-2026-10-01T00:00:00Z'),
        )
        .catch(e => e);
      expect(gone).toBeInstanceOf(ConflictError);
      expect(gone.message).toContain('no longer has deployment');

      eu.applications.get('identity-service')!.status!.operationState =
        operationState({
          revision: SHA.d,
          phase: 'Running',
          startedAt: '2026-11-26T09:59:00Z',
        });
      const busy = await provider()
        .rollback(
          rollbackRequest('eu/identity-service/op-2026-11-22T10:00:00Z'),
        )
        .catch(e => e);
      expect(busy).toBeInstanceOf(ConflictError);
      expect(busy.message).toContain('has an operation in progress');
      expect(eu.requests.filter(r => r.method === 'POST')).toEqual([]);
    });

    it('records a rollback the controller has not started yet as queued under its key', async () => {
      eu.controllerPaused = true;
      const execution = await new ArgoCdDeploymentProvider({
        config: { instances, environments: [], rollbackStartTimeoutMs: 0 },
      }).rollback(
        rollbackRequest('eu/identity-service/op-2026-11-22T10:00:00Z'),
      );
      expect(execution).toEqual({
        externalId: 'eu/identity-service/rollback-key-1',
        status: 'queued',
        url: `${eu.url}/applications/identity-service`,
      });
      expect(eu.requests.filter(r => r.method === 'POST')).toHaveLength(1);
    });

    it('refuses a target from another source', async () => {
      await expect(
        provider().rollback({
          ...rollbackRequest('x'),
          target: { ...target('acme/api/123'), source: 'github' },
        }),
      ).rejects.toThrow(InputError);
    });
  });
});

import { Entity } from '@backstage/catalog-model';
import { Deployment } from '@release-coordinator/backstage-plugin-common';
import { GitlabApiError, GitlabClient } from './GitlabClient';
import { GitlabDeploymentProvider } from './GitlabDeploymentProvider';
import { gitlabDeployment } from './__testUtils__/fixtures';
import { GitlabTestServer } from './__testUtils__/GitlabTestServer';

const TOKEN = 'glpat-test-token';
const NOW = new Date('2026-11-26T12:00:00.000Z');
const SHA = '99d03678b90d914dbb1b109132516d71a4a03ea8';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', namespace: 'default', annotations },
    spec: {},
  };
}

const bySlug = entity({ 'gitlab.com/project-slug': 'acme/payments' });
const byId = entity({ 'gitlab.com/project-id': '42' });

function minutesAfter(base: string, minutes: number): string {
  return new Date(Date.parse(base) + minutes * 60_000).toISOString();
}

describe('GitlabDeploymentProvider', () => {
  let server: GitlabTestServer;
  let provider: GitlabDeploymentProvider;
  const signal = new AbortController().signal;

  beforeEach(async () => {
    server = await GitlabTestServer.start({ token: TOKEN });
    provider = new GitlabDeploymentProvider({
      client: new GitlabClient({ apiBaseUrl: server.apiBaseUrl, token: TOKEN }),
      clock: () => NOW,
    });
  });

  afterEach(async () => {
    await server.stop();
  });

  it('applies to entities with a project slug or a numeric project id', () => {
    expect(provider.appliesTo(bySlug)).toBe(true);
    expect(provider.appliesTo(byId)).toBe(true);
    expect(provider.appliesTo(entity({ 'gitlab.com/project-id': 'x' }))).toBe(
      false,
    );
    expect(
      provider.appliesTo(entity({ 'github.com/project-slug': 'acme/x' })),
    ).toBe(false);
  });

  it('maps GitLab deployments and asks with the encoded slug, updated_at order and the lookback', async () => {
    server.addProject({
      id: 42,
      pathWithNamespace: 'acme/payments',
      deployments: [
        gitlabDeployment({
          id: 41,
          status: 'success',
          ref: 'v1.4.0',
          sha: SHA,
          createdAt: '2026-11-20T10:00:00.000Z',
          startedAt: '2026-11-20T10:00:05.000Z',
          finishedAt: '2026-11-20T10:03:00.000Z',
          updatedAt: '2026-11-20T10:03:01.000Z',
          committedAt: '2026-11-20T11:30:00.000+02:00',
          username: 'alice',
        }),
        gitlabDeployment({
          id: 43,
          status: 'running',
          environment: 'staging',
          createdAt: '2026-11-21T09:00:00.000Z',
          startedAt: null,
          updatedAt: '2026-11-21T09:00:10.000Z',
        }),
        // Too old for the first pull's 90-day lookback.
        gitlabDeployment({
          id: 7,
          status: 'success',
          updatedAt: '2026-01-01T00:00:00.000Z',
        }),
      ],
    });

    const result = await provider.pull({ entity: bySlug, signal });

    expect(server.requests[0].path).toBe(
      '/api/v4/projects/acme%2Fpayments/deployments',
    );
    expect(Object.fromEntries(server.requests[0].query)).toEqual({
      updated_after: '2026-08-28T12:00:00.000Z',
      order_by: 'updated_at',
      sort: 'asc',
      per_page: '100',
    });
    expect(result.deployments).toEqual([
      {
        entityRef: 'component:default/payments',
        environment: 'production',
        source: 'gitlab',
        externalId: 'deployment-41',
        version: 'v1.4.0',
        commitSha: SHA,
        kind: 'deploy',
        status: 'succeeded',
        startedAt: '2026-11-20T10:00:05.000Z',
        finishedAt: '2026-11-20T10:03:00.000Z',
        initiator: 'alice',
        url: 'http://gitlab.example.com/acme/payments/-/jobs/641',
        commits: [{ sha: SHA, committedAt: '2026-11-20T09:30:00.000Z' }],
      },
      expect.objectContaining({
        externalId: 'deployment-43',
        environment: 'staging',
        status: 'in_progress',
        // No job start yet: the deployment's creation time.
        startedAt: '2026-11-21T09:00:00.000Z',
        finishedAt: undefined,
      }),
    ]);
    expect(result.cursor).toBe('2026-11-21T09:00:10.000Z');
  });

  it('uses the numeric project id and finishes API-created deployments at their last update', async () => {
    server.addProject({
      id: 42,
      pathWithNamespace: 'acme/payments',
      deployments: [
        gitlabDeployment({
          id: 50,
          status: 'failed',
          jobId: null,
          createdAt: '2026-11-25T08:00:00.000Z',
          updatedAt: '2026-11-25T08:10:00.000Z',
        }),
      ],
    });
    const result = await provider.pull({ entity: byId, signal });
    expect(server.requests[0].path).toBe('/api/v4/projects/42/deployments');
    expect(result.deployments).toEqual([
      expect.objectContaining({
        externalId: 'deployment-50',
        status: 'failed',
        startedAt: '2026-11-25T08:00:00.000Z',
        finishedAt: '2026-11-25T08:10:00.000Z',
        url: undefined,
        commits: [],
      }),
    ]);
  });

  it('reads every page and advances the cursor so the next pull only gets what changed', async () => {
    const base = '2026-11-01T00:00:00.000Z';
    server.addProject({
      id: 42,
      pathWithNamespace: 'acme/payments',
      deployments: Array.from({ length: 230 }, (_, i) =>
        gitlabDeployment({
          id: 1000 + i,
          status: 'success',
          updatedAt: minutesAfter(base, i),
        }),
      ),
    });

    const first = await provider.pull({ entity: bySlug, signal });
    expect(first.deployments).toHaveLength(230);
    const listRequests = server.requests.filter(r =>
      r.query.has('updated_after'),
    );
    expect(listRequests.map(r => r.query.get('page'))).toEqual([
      null,
      '2',
      '3',
    ]);
    expect(first.cursor).toBe(minutesAfter(base, 229));

    // Nothing changed: no deployments, the cursor stays.
    const idle = await provider.pull({
      entity: bySlug,
      cursor: first.cursor,
      signal,
    });
    expect(idle).toEqual({ deployments: [], cursor: first.cursor });

    // One deployment is updated later, one is new.
    const deployments = server.deploymentsOf(42);
    deployments[5] = gitlabDeployment({
      id: 1005,
      status: 'success',
      updatedAt: minutesAfter(base, 300),
    });
    deployments.push(
      gitlabDeployment({
        id: 2000,
        status: 'running',
        updatedAt: minutesAfter(base, 301),
      }),
    );
    const next = await provider.pull({
      entity: bySlug,
      cursor: first.cursor,
      signal,
    });
    expect(
      server.requests
        .filter(r => r.query.has('updated_after'))
        .at(-1)
        ?.query.get('updated_after'),
    ).toBe(first.cursor);
    expect(next.deployments.map(d => d.externalId)).toEqual([
      'deployment-1005',
      'deployment-2000',
    ]);
    expect(next.cursor).toBe(minutesAfter(base, 301));
  });

  describe('commits', () => {
    const sha = (n: number) => `${'c'.repeat(39)}${n}`;
    const commits = [1, 2, 3, 4, 5, 6].map(n => ({
      id: sha(n),
      committed_date: `2026-11-0${n}T10:00:00.000+01:00`,
    }));
    const committed = (n: number) => ({
      sha: sha(n),
      committedAt: `2026-11-0${n}T09:00:00.000Z`,
    });

    beforeEach(() => {
      server.addProject({
        id: 42,
        pathWithNamespace: 'acme/payments',
        commits,
        deployments: [
          gitlabDeployment({
            id: 10,
            status: 'success',
            sha: sha(2),
            updatedAt: '2026-11-10T00:00:00.000Z',
          }),
          gitlabDeployment({
            id: 11,
            status: 'failed',
            sha: sha(4),
            updatedAt: '2026-11-11T00:00:00.000Z',
            committedAt: commits[3].committed_date,
          }),
          gitlabDeployment({
            id: 12,
            status: 'success',
            sha: sha(5),
            updatedAt: '2026-11-12T00:00:00.000Z',
          }),
          gitlabDeployment({
            id: 13,
            status: 'success',
            sha: sha(6),
            environment: 'staging',
            updatedAt: '2026-11-13T00:00:00.000Z',
            committedAt: commits[5].committed_date,
          }),
        ],
      });
    });

    it('lists the commits since the previous succeeded deployment of the environment', async () => {
      const result = await provider.pull({
        entity: bySlug,
        cursor: '2026-11-10T00:00:00.000Z',
        signal,
      });
      const commitsOf = (externalId: string) =>
        result.deployments.find(d => d.externalId === externalId)?.commits;
      // Deployment 10 (sha 2) is the previous success in production, found through the API.
      expect(commitsOf('deployment-12')).toEqual([
        committed(3),
        committed(4),
        committed(5),
      ]);
      // A failed deployment keeps its deployed commit; a first deployment too.
      expect(commitsOf('deployment-11')).toEqual([committed(4)]);
      expect(commitsOf('deployment-13')).toEqual([committed(6)]);
      expect(
        server.requests
          .filter(r => r.path.endsWith('/repository/compare'))
          .map(r => [r.query.get('from'), r.query.get('to')]),
      ).toEqual([[sha(2), sha(5)]]);
    });

    it('falls back to the deployed commit when GitLab no longer knows the previous one', async () => {
      server.deploymentsOf(42)[0] = gitlabDeployment({
        id: 10,
        status: 'success',
        sha: sha(9),
        updatedAt: '2026-11-10T00:00:00.000Z',
      });
      const result = await provider.pull({
        entity: bySlug,
        cursor: '2026-11-11T00:00:00.000Z',
        signal,
      });
      expect(
        result.deployments.find(d => d.externalId === 'deployment-12')?.commits,
      ).toEqual([{ sha: sha(5), committedAt: '2016-08-11T07:36:01.000Z' }]);
    });

    it('reports only the deployed commit when compareCommits is off', async () => {
      const headOnly = new GitlabDeploymentProvider({
        client: new GitlabClient({
          apiBaseUrl: server.apiBaseUrl,
          token: TOKEN,
        }),
        clock: () => NOW,
        compareCommits: false,
      });
      const result = await headOnly.pull({
        entity: bySlug,
        cursor: '2026-11-10T00:00:00.000Z',
        signal,
      });
      expect(
        result.deployments.find(d => d.externalId === 'deployment-12')?.commits,
      ).toHaveLength(1);
      expect(server.requests).toHaveLength(1);
    });
  });

  it('stops at maxPagesPerPull and resumes from its cursor', async () => {
    const limited = new GitlabDeploymentProvider({
      client: new GitlabClient({ apiBaseUrl: server.apiBaseUrl, token: TOKEN }),
      clock: () => NOW,
      maxPagesPerPull: 1,
    });
    const base = '2026-11-01T00:00:00.000Z';
    server.addProject({
      id: 42,
      pathWithNamespace: 'acme/payments',
      deployments: Array.from({ length: 150 }, (_, i) =>
        gitlabDeployment({
          id: 1 + i,
          status: 'success',
          updatedAt: minutesAfter(base, i),
        }),
      ),
    });
    const first = await limited.pull({ entity: bySlug, signal });
    expect(first.deployments).toHaveLength(100);
    const second = await limited.pull({
      entity: bySlug,
      cursor: first.cursor,
      signal,
    });
    expect(second.deployments.map(d => d.externalId)).toEqual(
      Array.from({ length: 50 }, (_, i) => `deployment-${101 + i}`),
    );
  });

  it('fails with an error carrying retryAfterMs when GitLab answers 429', async () => {
    server.addProject({
      id: 42,
      pathWithNamespace: 'acme/payments',
      deployments: [],
    });
    server.rateLimitNextRequest({ 'Retry-After': '12' });
    const error = await provider
      .pull({ entity: bySlug, cursor: '2026-11-01T00:00:00.000Z', signal })
      .catch(e => e);
    expect(error).toBeInstanceOf(GitlabApiError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 12_000 });
  });

  it('fails with a non-retryable 404 naming the project when it does not exist', async () => {
    const error = await provider.pull({ entity: bySlug, signal }).catch(e => e);
    expect(error).toMatchObject({ status: 404 });
    expect(error.message).toContain('404 Project Not Found');
  });

  describe('rollback', () => {
    const target: Deployment = {
      id: 'd-1',
      entityRef: 'component:default/payments',
      environment: 'production',
      source: 'gitlab',
      externalId: 'deployment-41',
      version: 'v1.4.0',
      kind: 'deploy',
      status: 'succeeded',
      commits: [],
    };
    const request = {
      entity: bySlug,
      environment: 'production',
      target,
      reason: 'v1.5.0 breaks checkout',
      initiator: 'user:default/alice',
      idempotencyKey: 'key-1',
    };

    beforeEach(() => {
      server.addProject({
        id: 42,
        pathWithNamespace: 'acme/payments',
        deployments: [
          gitlabDeployment({
            id: 41,
            status: 'success',
            ref: 'v1.4.0',
            jobId: 641,
            updatedAt: '2026-11-20T10:03:01.000Z',
          }),
          gitlabDeployment({
            id: 44,
            status: 'running',
            ref: 'v1.5.0',
            jobId: 644,
            updatedAt: '2026-11-25T10:03:01.000Z',
          }),
        ],
      });
    });

    it('retries the target deployment job and returns the deployment GitLab created for it', async () => {
      const execution = await provider.rollback(request);

      const retries = server.requests.filter(r => r.method === 'POST');
      expect(retries.map(r => r.path)).toEqual([
        '/api/v4/projects/acme%2Fpayments/jobs/641/retry',
      ]);
      const created = server.deploymentsOf(42).at(-1)!;
      expect(created.ref).toBe('v1.4.0');
      expect(execution).toEqual({
        externalId: `deployment-${created.id}`,
        status: 'queued',
        url: `http://gitlab.example.com/acme/payments/-/jobs/${
          created.deployable!.id
        }`,
        startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    });

    it('passes on GitLab refusing to retry a job that is still running', async () => {
      const error = await provider
        .rollback({
          ...request,
          target: { ...target, externalId: 'deployment-44' },
        })
        .catch(e => e);
      expect(error).toMatchObject({ status: 403 });
      expect(error.message).toContain('Job is not retryable');
    });

    it('rejects a target from another source or environment without calling retry', async () => {
      await expect(
        provider.rollback({
          ...request,
          target: { ...target, source: 'github' },
        }),
      ).rejects.toMatchObject({ name: 'InputError' });
      await expect(
        provider.rollback({ ...request, environment: 'staging' }),
      ).rejects.toMatchObject({ name: 'InputError' });
      expect(server.requests.filter(r => r.method === 'POST')).toEqual([]);
    });

    it('refuses a target deployment that has no job', async () => {
      server.deploymentsOf(42).push(
        gitlabDeployment({
          id: 60,
          status: 'success',
          jobId: null,
          updatedAt: '2026-11-21T00:00:00.000Z',
        }),
      );
      await expect(
        provider.rollback({
          ...request,
          target: { ...target, externalId: 'deployment-60' },
        }),
      ).rejects.toMatchObject({ name: 'ConflictError' });
    });
  });
});

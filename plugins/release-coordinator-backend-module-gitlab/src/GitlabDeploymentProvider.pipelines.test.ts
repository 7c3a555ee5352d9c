import { Entity } from '@backstage/catalog-model';
import { GitlabClient } from './GitlabClient';
import { GitlabDeploymentProvider } from './GitlabDeploymentProvider';
import { gitlabDeployment, gitlabPipeline } from './__testUtils__/fixtures';
import { GitlabTestServer } from './__testUtils__/GitlabTestServer';

const TOKEN = 'glpat-test-token';
const NOW = new Date('2026-11-26T12:00:00.000Z');
const SHA = '959e04d7c7a30600c894bd3c0cd0e1ce7f42c11d';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: { 'gitlab.com/project-slug': 'acme/payments' },
  },
  spec: {},
};

describe('GitlabDeploymentProvider for projects without deployments', () => {
  let server: GitlabTestServer;
  const signal = new AbortController().signal;

  function provider(withPipelines: boolean) {
    return new GitlabDeploymentProvider({
      client: new GitlabClient({ apiBaseUrl: server.apiBaseUrl, token: TOKEN }),
      clock: () => NOW,
      pipelines: withPipelines ? { environment: 'production' } : undefined,
    });
  }

  beforeEach(async () => {
    server = await GitlabTestServer.start({ token: TOKEN });
    server.addProject({
      id: 42,
      pathWithNamespace: 'acme/payments',
      defaultBranch: 'trunk',
      deployments: [],
      pipelines: [
        gitlabPipeline({
          id: 61,
          status: 'success',
          ref: 'trunk',
          sha: SHA,
          createdAt: '2026-11-20T10:00:00.000Z',
          startedAt: '2026-11-20T10:00:30.000Z',
          finishedAt: '2026-11-20T10:08:00.000Z',
          updatedAt: '2026-11-20T10:08:01.000Z',
        }),
        gitlabPipeline({
          id: 62,
          status: 'running',
          ref: 'trunk',
          updatedAt: '2026-11-21T10:00:00.000Z',
        }),
        // Another branch's pipeline deploys nothing.
        gitlabPipeline({
          id: 63,
          status: 'success',
          ref: 'feature/x',
          updatedAt: '2026-11-21T11:00:00.000Z',
        }),
      ],
    });
  });

  afterEach(async () => {
    await server.stop();
  });

  it('records the default branch pipelines as deployments to the configured environment', async () => {
    const result = await provider(true).pull({ entity, signal });

    const list = server.requests.find(r => r.path.endsWith('/pipelines'));
    expect(Object.fromEntries(list!.query)).toEqual({
      ref: 'trunk',
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
        externalId: 'pipeline-61',
        version: SHA.slice(0, 8),
        commitSha: SHA,
        kind: 'deploy',
        status: 'succeeded',
        startedAt: '2026-11-20T10:00:30.000Z',
        finishedAt: '2026-11-20T10:08:00.000Z',
        initiator: 'root',
        url: 'http://gitlab.example.com/acme/payments/-/pipelines/61',
      },
      expect.objectContaining({
        externalId: 'pipeline-62',
        status: 'in_progress',
        finishedAt: undefined,
      }),
    ]);
    expect(result.cursor).toBe('pipelines:2026-11-21T10:00:00.000Z');
  });

  it('continues from its pipeline cursor, and keeps it when nothing changed', async () => {
    const cursor = 'pipelines:2026-11-20T10:08:01.000Z';
    const next = await provider(true).pull({ entity, cursor, signal });
    expect(next.deployments.map(d => d.externalId)).toEqual(['pipeline-62']);

    const idle = await provider(true).pull({
      entity,
      cursor: next.cursor,
      signal,
    });
    expect(idle).toEqual({ deployments: [], cursor: next.cursor });
  });

  it('switches to deployments for good once the project has one', async () => {
    server.deploymentsOf(42).push(
      gitlabDeployment({
        id: 1,
        status: 'success',
        updatedAt: '2026-11-25T00:00:00.000Z',
      }),
    );
    const result = await provider(true).pull({
      entity,
      cursor: 'pipelines:2026-11-21T10:00:00.000Z',
      signal,
    });
    expect(result.deployments.map(d => d.externalId)).toEqual(['deployment-1']);
    expect(result.cursor).toBe('2026-11-25T00:00:00.000Z');
    expect(server.requests.some(r => r.path.endsWith('/pipelines'))).toBe(
      false,
    );
  });

  it('reads no pipelines when they are not configured', async () => {
    const result = await provider(false).pull({ entity, signal });
    expect(result.deployments).toEqual([]);
    expect(server.requests.map(r => r.path)).toEqual([
      '/api/v4/projects/acme%2Fpayments/deployments',
    ]);
  });
});

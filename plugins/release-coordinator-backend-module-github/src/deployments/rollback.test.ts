import { ConflictError, InputError } from '@backstage/errors';
import { Deployment } from '@release-coordinator/backstage-plugin-common';
import {
  FakeGithubServer,
  githubDeployment,
  githubDeploymentStatus,
} from '../__testUtils__/FakeGithubServer';
import {
  githubProviderFor,
  payments,
  pullRequest,
  REPO,
  sha,
} from '../__testUtils__/setup';

function deployment(id: number, commit: number, version: string): Deployment {
  return {
    id: `uuid-${id}`,
    entityRef: 'component:default/payments',
    environment: 'production',
    source: 'github',
    externalId: `deployment-${id}`,
    version,
    commitSha: sha(commit),
    kind: 'deploy',
    status: 'succeeded',
    commits: [],
  };
}

describe('GithubDeploymentProvider.rollback', () => {
  let server: FakeGithubServer;

  beforeEach(async () => {
    server = new FakeGithubServer();
    await server.start();
    const repo = server.repo(REPO);
    [901, 902].forEach((id, index) => {
      repo.deployments.push(
        githubDeployment({
          repo: REPO,
          id,
          sha: sha(index + 1),
          createdAt: `2026-11-20T10:0${index}:00Z`,
          payload: { version: `v${index + 1}` },
        }),
      );
    });
  });

  afterEach(() => server.stop());

  const request = (overrides: object = {}) => ({
    entity: payments,
    environment: 'production',
    target: deployment(901, 1, 'v1'),
    current: deployment(902, 2, 'v2'),
    reason: 'Checkout errors after v2',
    initiator: 'user:default/alice',
    idempotencyKey: 'rollback-key-1',
    ...overrides,
  });

  it('creates a GitHub deployment of the target commit, once per idempotency key', async () => {
    const { provider } = githubProviderFor(server);

    const execution = await provider.rollback(request());
    expect(execution).toEqual({
      externalId: 'deployment-903',
      status: 'queued',
      startedAt: expect.any(String),
    });
    const posts = server.requests.filter(r => r.method === 'POST');
    expect(posts.map(r => [r.path, r.body])).toEqual([
      [
        `/repos/${REPO}/deployments`,
        {
          ref: sha(1),
          environment: 'production',
          task: 'deploy',
          auto_merge: false,
          required_contexts: [],
          description: 'Rollback to v1: Checkout errors after v2',
          payload: {
            version: 'v1',
            releaseCoordinator: {
              kind: 'rollback',
              rollbackOf: 'deployment-902',
              initiator: 'user:default/alice',
              idempotencyKey: 'rollback-key-1',
              reason: 'Checkout errors after v2',
            },
          },
        },
      ],
    ]);

    // A retry with the same key finds it instead of deploying again.
    expect(await provider.rollback(request())).toEqual(execution);
    expect(server.requests.filter(r => r.method === 'POST')).toHaveLength(1);
  });

  it('pulls the created deployment back as a rollback', async () => {
    const { provider } = githubProviderFor(server);
    await provider.rollback(request());
    server.repo(REPO).statuses.set(903, [
      githubDeploymentStatus({
        repo: REPO,
        deploymentId: 903,
        id: 9031,
        state: 'success',
        createdAt: new Date(Date.now() + 1000).toISOString(),
      }),
    ]);
    const { deployments } = await provider.pull(pullRequest(payments));
    expect(
      deployments.find(d => d.externalId === 'deployment-903'),
    ).toMatchObject({
      kind: 'rollback',
      rollbackOf: 'deployment-902',
      version: 'v1',
      commitSha: sha(1),
      initiator: 'user:default/alice',
      status: 'succeeded',
    });
    expect(
      deployments.find(d => d.externalId === 'deployment-902'),
    ).toMatchObject({ kind: 'deploy', version: 'v2' });
  });

  it('refuses targets it cannot deploy again', async () => {
    const { provider } = githubProviderFor(server);
    await expect(
      provider.rollback(
        request({
          target: { ...deployment(1, 1, 'v1'), externalId: 'run-77' },
        }),
      ),
    ).rejects.toThrow(ConflictError);
    await expect(
      provider.rollback(
        request({ target: { ...deployment(901, 1, 'v1'), source: 'argocd' } }),
      ),
    ).rejects.toThrow(InputError);
    await expect(
      provider.rollback(request({ target: deployment(999, 1, 'v0') })),
    ).rejects.toThrow(/no longer exists/);
    expect(server.requests.filter(r => r.method === 'POST')).toEqual([]);
  });
});

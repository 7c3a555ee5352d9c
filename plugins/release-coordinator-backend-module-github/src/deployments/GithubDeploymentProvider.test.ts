import {
  FakeGithubServer,
  githubCommit,
  githubDeployment,
  githubDeploymentStatus,
  githubWorkflowRun,
} from '../__testUtils__/FakeGithubServer';
import {
  component,
  githubProviderFor,
  payments,
  pullRequest,
  REPO,
  sha,
  TOKEN,
} from '../__testUtils__/setup';

const at = (minute: number) =>
  new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();

describe('GithubDeploymentProvider', () => {
  let server: FakeGithubServer;

  beforeEach(async () => {
    server = new FakeGithubServer();
    await server.start();
    const repo = server.repo(REPO);
    for (let n = 1; n <= 6; n++) {
      repo.commits.push(
        githubCommit({ repo: REPO, sha: sha(n), committedAt: at(n) }),
      );
    }
  });

  afterEach(() => server.stop());

  function addDeployment(options: {
    id: number;
    commit: number;
    environment?: string;
    states: string[];
    payload?: unknown;
  }) {
    const repo = server.repo(REPO);
    repo.deployments.push(
      githubDeployment({
        repo: REPO,
        id: options.id,
        sha: sha(options.commit),
        environment: options.environment,
        createdAt: at(10 + (options.id % 100)),
        creator: 'hubot',
        payload: options.payload,
      }),
    );
    options.states.forEach(state => addStatus(options.id, state));
  }

  function addStatus(deploymentId: number, state: string) {
    const statuses = server.repo(REPO).statuses;
    const list = statuses.get(deploymentId) ?? [];
    list.push(
      githubDeploymentStatus({
        repo: REPO,
        deploymentId,
        id: deploymentId * 10 + list.length,
        state,
        createdAt: at(20 + list.length),
      }),
    );
    statuses.set(deploymentId, list);
  }

  it('reads every page of deployments with their statuses and commits', async () => {
    addDeployment({ id: 101, commit: 1, states: ['pending', 'success'] });
    addDeployment({
      id: 102,
      commit: 2,
      environment: 'staging',
      states: ['queued', 'in_progress', 'failure'],
    });
    addDeployment({
      id: 103,
      commit: 3,
      states: ['in_progress', 'success', 'inactive'],
    });
    addDeployment({ id: 104, commit: 4, states: [] });
    addDeployment({
      id: 105,
      commit: 5,
      environment: 'staging',
      states: ['success'],
      payload: { version: '1.4.0' },
    });
    addDeployment({ id: 106, commit: 5, states: ['inactive'] });
    const { provider } = githubProviderFor(server);

    const result = await provider.pull(pullRequest(payments));

    // Six deployments at two per page: the Link header is followed twice.
    expect(
      server.requestsTo(/\/deployments$/).map(r => r.query.get('page')),
    ).toEqual([null, '2', '3']);
    expect(
      server.requests.every(r => r.headers.authorization === `token ${TOKEN}`),
    ).toBe(true);
    expect(
      result.deployments.map(d => [d.externalId, d.environment, d.status]),
    ).toEqual([
      ['deployment-101', 'production', 'succeeded'],
      ['deployment-102', 'staging', 'failed'],
      ['deployment-103', 'production', 'succeeded'],
      ['deployment-104', 'production', 'queued'],
      ['deployment-105', 'staging', 'succeeded'],
      ['deployment-106', 'production', 'cancelled'],
    ]);
    expect(result.deployments[0]).toEqual({
      entityRef: 'component:default/payments',
      environment: 'production',
      source: 'github',
      externalId: 'deployment-101',
      version: 'main',
      commitSha: sha(1),
      kind: 'deploy',
      status: 'succeeded',
      startedAt: at(11),
      finishedAt: at(21),
      initiator: 'hubot',
      url: `https://github.com/${REPO}/actions/runs/101`,
      // First deployment of the environment: its own commit only.
      commits: [{ sha: sha(1), committedAt: at(1) }],
    });
    // Compared with the previous production deployment (101).
    expect(result.deployments[2].commits).toEqual([
      { sha: sha(2), committedAt: at(2) },
      { sha: sha(3), committedAt: at(3) },
    ]);
    expect(result.deployments[2].finishedAt).toBe(at(21));
    expect(result.deployments[4].version).toBe('1.4.0');
    expect(result.deployments[1].commits).toBeUndefined();
    expect(server.requestsTo(/\/compare\//).map(r => r.path)).toEqual([
      `/repos/${REPO}/compare/${sha(1)}...${sha(3)}`,
    ]);
  });

  it('moves its cursor forward: a pull without changes returns nothing new', async () => {
    addDeployment({ id: 201, commit: 1, states: ['success'] });
    addDeployment({ id: 202, commit: 2, states: ['in_progress'] });
    const { provider } = githubProviderFor(server);

    const first = await provider.pull(pullRequest(payments));
    expect(first.deployments.map(d => d.status)).toEqual([
      'succeeded',
      'in_progress',
    ]);

    // Unchanged: only the unfinished deployment is read again.
    server.requests.length = 0;
    const second = await provider.pull(pullRequest(payments, first.cursor));
    expect(second.deployments.map(d => [d.externalId, d.status])).toEqual([
      ['deployment-202', 'in_progress'],
    ]);
    expect(server.requestsTo(/\/deployments$/)).toHaveLength(1);

    // 202 finishes and 203 is new: both come with the commits since the
    // previous production deployment.
    addStatus(202, 'success');
    addDeployment({ id: 203, commit: 4, states: ['success'] });
    const third = await provider.pull(pullRequest(payments, second.cursor));
    expect(
      third.deployments.map(d => [d.externalId, d.status, d.commits]),
    ).toEqual([
      ['deployment-202', 'succeeded', [{ sha: sha(2), committedAt: at(2) }]],
      [
        'deployment-203',
        'succeeded',
        [
          { sha: sha(3), committedAt: at(3) },
          { sha: sha(4), committedAt: at(4) },
        ],
      ],
    ]);

    server.requests.length = 0;
    const fourth = await provider.pull(pullRequest(payments, third.cursor));
    expect(fourth.deployments).toEqual([]);
    expect(server.requests.map(r => r.path)).toEqual([
      `/repos/${REPO}/deployments`,
    ]);
  });

  it('keeps only the environments named by release-coordinator/environments', async () => {
    addDeployment({ id: 301, commit: 1, states: ['success'] });
    addDeployment({
      id: 302,
      commit: 2,
      environment: 'github-pages',
      states: ['success'],
    });
    const { provider } = githubProviderFor(server);
    const entity = component('payments', {
      'github.com/project-slug': REPO,
      'release-coordinator/environments': 'staging, production',
    });
    const result = await provider.pull(pullRequest(entity));
    expect(result.deployments.map(d => d.externalId)).toEqual([
      'deployment-301',
    ]);
  });

  it('leaves out deployments to environments the backend cannot store', async () => {
    addDeployment({ id: 351, commit: 1, states: ['success'] });
    addDeployment({
      id: 352,
      commit: 2,
      environment: `preview-${'x'.repeat(60)}`,
      states: ['success'],
    });
    const { provider } = githubProviderFor(server);
    const result = await provider.pull(pullRequest(payments));
    expect(result.deployments.map(d => d.externalId)).toEqual([
      'deployment-351',
    ]);
  });

  it('starts over from an unreadable cursor', async () => {
    addDeployment({ id: 401, commit: 1, states: ['success'] });
    const { provider } = githubProviderFor(server);
    const result = await provider.pull(pullRequest(payments, 'not json'));
    expect(result.deployments.map(d => d.externalId)).toEqual([
      'deployment-401',
    ]);
  });

  describe('rate limits and errors', () => {
    const deploymentsList = (method: string, path: string) =>
      method === 'GET' && path === `/repos/${REPO}/deployments`;

    beforeEach(() => {
      addDeployment({ id: 501, commit: 1, states: ['success'] });
    });

    it('waits out a secondary rate limit (403 with Retry-After) and succeeds', async () => {
      server.respondOnce(deploymentsList, {
        status: 403,
        headers: { 'retry-after': '2' },
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url:
            'https://docs.github.com/rest/overview/resources-in-the-rest-api#secondary-rate-limits',
        },
      });
      const { provider } = githubProviderFor(server);
      const result = await provider.pull(pullRequest(payments));
      expect(result.deployments.map(d => d.externalId)).toEqual([
        'deployment-501',
      ]);
      expect(server.requestsTo(/\/deployments$/)).toHaveLength(2);
    });

    it('waits out an exhausted primary rate limit until x-ratelimit-reset', async () => {
      server.respondOnce(deploymentsList, {
        status: 403,
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 5),
        },
        body: {
          message: 'API rate limit exceeded for user ID 1.',
          documentation_url:
            'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
        },
      });
      const { provider } = githubProviderFor(server);
      const result = await provider.pull(pullRequest(payments));
      expect(result.deployments).toHaveLength(1);
      expect(server.requestsTo(/\/deployments$/)).toHaveLength(2);
    });

    it('retries a 429 after its Retry-After', async () => {
      server.respondOnce(deploymentsList, {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { message: 'Too Many Requests' },
      });
      const { provider } = githubProviderFor(server);
      const result = await provider.pull(pullRequest(payments));
      expect(result.deployments).toHaveLength(1);
      expect(server.requestsTo(/\/deployments$/)).toHaveLength(2);
    });

    it('retries a 502', async () => {
      server.respondOnce(deploymentsList, {
        status: 502,
        body: { message: 'Server Error' },
      });
      const { provider } = githubProviderFor(server);
      const result = await provider.pull(pullRequest(payments));
      expect(result.deployments).toHaveLength(1);
      expect(server.requestsTo(/\/deployments$/)).toHaveLength(2);
    });

    it('gives a long rate-limit pause back to the scheduler with its headers', async () => {
      const reset = String(Math.floor(Date.now() / 1000) + 1200);
      server.respondOnce(deploymentsList, {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
        body: { message: 'API rate limit exceeded for user ID 1.' },
      });
      const { provider } = githubProviderFor(server);
      await expect(provider.pull(pullRequest(payments))).rejects.toMatchObject({
        status: 403,
        response: {
          headers: expect.objectContaining({
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': reset,
          }),
        },
      });
      expect(server.requestsTo(/\/deployments$/)).toHaveLength(1);
    });

    it('stops retrying 429s after maxRetries', async () => {
      for (let i = 0; i < 4; i++) {
        server.respondOnce(deploymentsList, {
          status: 429,
          headers: { 'retry-after': '1' },
          body: { message: 'Too Many Requests' },
        });
      }
      const { provider } = githubProviderFor(server);
      await expect(provider.pull(pullRequest(payments))).rejects.toMatchObject({
        status: 429,
      });
      expect(server.requestsTo(/\/deployments$/)).toHaveLength(4);
    });
  });

  describe('deploy workflows', () => {
    function addRun(options: {
      id: number;
      commit: number;
      status: string;
      conclusion: string | null;
      workflowFile?: string;
    }) {
      const runs = server.repo(REPO).runs;
      const file = options.workflowFile ?? 'deploy.yml';
      const run = githubWorkflowRun({
        repo: REPO,
        id: options.id,
        headSha: sha(options.commit),
        status: options.status,
        conclusion: options.conclusion,
        createdAt: at(30 + (options.id % 10)),
        updatedAt: at(40 + (options.id % 10)),
        workflowFile: file,
        commitTimestamp: at(options.commit),
      });
      const list = runs.get(file) ?? [];
      const index = list.findIndex(r => r.id === run.id);
      if (index >= 0) {
        list[index] = run;
      } else {
        list.push(run);
      }
      runs.set(file, list);
    }

    it('turns runs of a configured workflow into deployments, not the Deployments API', async () => {
      addDeployment({ id: 601, commit: 1, states: ['success'] });
      addRun({
        id: 701,
        commit: 1,
        status: 'completed',
        conclusion: 'success',
      });
      addRun({
        id: 702,
        commit: 2,
        status: 'completed',
        conclusion: 'failure',
      });
      addRun({
        id: 703,
        commit: 3,
        status: 'completed',
        conclusion: 'cancelled',
      });
      addRun({ id: 704, commit: 4, status: 'in_progress', conclusion: null });
      addRun({ id: 705, commit: 4, status: 'queued', conclusion: null });
      const { provider } = githubProviderFor(server, {
        releaseCoordinator: {
          github: {
            workflows: [{ workflow: 'deploy.yml', environment: 'production' }],
          },
        },
      });

      const first = await provider.pull(pullRequest(payments));
      expect(
        first.deployments.map(d => [d.externalId, d.status, d.finishedAt]),
      ).toEqual([
        ['run-701', 'succeeded', at(41)],
        ['run-702', 'failed', at(42)],
        ['run-703', 'cancelled', at(43)],
        ['run-704', 'in_progress', undefined],
        ['run-705', 'queued', undefined],
      ]);
      expect(first.deployments[0]).toMatchObject({
        environment: 'production',
        source: 'github',
        version: sha(1).slice(0, 7),
        commitSha: sha(1),
        initiator: 'octocat',
        url: `https://github.com/${REPO}/actions/runs/701`,
        startedAt: at(31),
        commits: [{ sha: sha(1), committedAt: at(1) }],
      });
      expect(server.requestsTo(/\/deployments/)).toEqual([]);
      expect(
        server
          .requestsTo(/\/actions\/workflows\/deploy\.yml\/runs$/)
          .map(r => r.query.get('page')),
      ).toEqual([null, '2', '3']);

      addRun({
        id: 704,
        commit: 4,
        status: 'completed',
        conclusion: 'success',
      });
      addRun({
        id: 705,
        commit: 4,
        status: 'completed',
        conclusion: 'skipped',
      });
      const second = await provider.pull(pullRequest(payments, first.cursor));
      expect(
        second.deployments.map(d => [d.externalId, d.status, d.commits]),
      ).toEqual([
        [
          'run-704',
          'succeeded',
          [2, 3, 4].map(n => ({ sha: sha(n), committedAt: at(n) })),
        ],
        ['run-705', 'cancelled', undefined],
      ]);
      const third = await provider.pull(pullRequest(payments, second.cursor));
      expect(third.deployments).toEqual([]);
    });

    it('never reports a run finishing before it started (clock skew)', async () => {
      addRun({
        id: 711,
        commit: 1,
        status: 'completed',
        conclusion: 'action_required',
      });
      const [run] = server.repo(REPO).runs.get('deploy.yml')!;
      // As GitHub reported a real run: started 25 s after its last update.
      run.run_started_at = new Date(
        Date.parse(run.updated_at) + 25_000,
      ).toISOString();
      const { provider } = githubProviderFor(server, {
        releaseCoordinator: {
          github: {
            workflows: [{ workflow: 'deploy.yml', environment: 'production' }],
          },
        },
      });
      const { deployments } = await provider.pull(pullRequest(payments));
      expect(deployments).toEqual([
        expect.objectContaining({
          externalId: 'run-711',
          status: 'cancelled',
          startedAt: run.run_started_at,
          finishedAt: run.run_started_at,
        }),
      ]);
    });

    it('reads the workflow named by the entity annotation, even without a token', async () => {
      addRun({
        id: 801,
        commit: 1,
        status: 'completed',
        conclusion: 'success',
        workflowFile: 'release.yml',
      });
      const { provider } = githubProviderFor(server, { token: '' });
      const entity = component('payments', {
        'github.com/project-slug': REPO,
        'release-coordinator/github-deploy-workflow': 'release.yml',
      });
      expect(provider.appliesTo(entity)).toBe(true);
      expect(provider.appliesTo(payments)).toBe(false);
      const result = await provider.pull(pullRequest(entity));
      expect(
        result.deployments.map(d => [d.externalId, d.environment]),
      ).toEqual([['run-801', 'production']]);
      expect(server.requests[0].headers.authorization).toBeUndefined();
    });

    it('skips a workflow configured for all repositories that a repository lacks', async () => {
      const { provider } = githubProviderFor(server, {
        releaseCoordinator: {
          github: { workflows: [{ workflow: 'deploy.yml' }] },
        },
      });
      const result = await provider.pull(pullRequest(payments));
      expect(result.deployments).toEqual([]);
    });

    it('fails on a missing workflow configured for this entity', async () => {
      const { provider } = githubProviderFor(server, {
        releaseCoordinator: {
          github: {
            workflows: [
              { workflow: 'deploy.yml', entity: 'component:default/payments' },
            ],
          },
        },
      });
      await expect(provider.pull(pullRequest(payments))).rejects.toMatchObject({
        status: 404,
      });
    });
  });

  it('applies to entities with a project slug when a token is configured', () => {
    const { provider } = githubProviderFor(server);
    expect(provider.appliesTo(payments)).toBe(true);
    expect(provider.appliesTo(component('docs', {}))).toBe(false);
    expect(
      provider.appliesTo(
        component('bad', { 'github.com/project-slug': 'not-a-slug' }),
      ),
    ).toBe(false);
  });
});

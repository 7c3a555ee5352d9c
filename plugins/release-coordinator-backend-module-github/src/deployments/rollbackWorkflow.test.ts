import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { Deployment } from '@release-coordinator/backstage-plugin-common';
import {
  FakeGithubServer,
  githubWorkflowRun,
  WorkflowFixture,
} from '../__testUtils__/FakeGithubServer';
import {
  component,
  githubProviderFor,
  payments,
  pullRequest,
  REPO,
  sha,
} from '../__testUtils__/setup';

const ROLLBACK_WORKFLOW: WorkflowFixture = {
  id: 161335,
  file: 'rollback.yml',
  name: 'Rollback',
  dispatchInputs: {
    entity: { required: true },
    environment: { required: true },
    version: { required: true },
    sha: { required: true },
    reason: { required: true },
    idempotency_key: { required: true },
  },
  runName:
    'Rollback ${{ inputs.entity }} in ${{ inputs.environment }} to ${{ inputs.version }} [${{ inputs.idempotency_key }}]',
};

/** The first run id the fake server gives a dispatched run. */
const FIRST_RUN_ID = 30433643;

function deployment(externalId: string, commit: number, version: string) {
  return {
    id: `uuid-${externalId}`,
    entityRef: 'component:default/payments',
    environment: 'production',
    source: 'github',
    externalId,
    version,
    commitSha: sha(commit),
    kind: 'deploy',
    status: 'succeeded',
    commits: [],
  } satisfies Deployment;
}

const request = (overrides: object = {}) => ({
  entity: payments,
  environment: 'production',
  target: deployment('run-101', 1, 'v1'),
  current: deployment('run-102', 2, 'v2'),
  reason: 'Checkout errors after v2',
  initiator: 'user:default/alice',
  idempotencyKey: 'rollback-key-1',
  ...overrides,
});

const withRollbackWorkflow = (
  rollback: object = { workflow: 'rollback.yml' },
) => ({
  releaseCoordinator: { github: { rollback } },
});

describe('GithubDeploymentProvider.rollback through workflow_dispatch', () => {
  let server: FakeGithubServer;

  beforeEach(async () => {
    server = new FakeGithubServer();
    await server.start();
    server.repo(REPO).workflows.push({ ...ROLLBACK_WORKFLOW });
  });

  afterEach(() => server.stop());

  const dispatches = () =>
    server
      .requestsTo(/\/actions\/workflows\/[^/]+\/dispatches$/)
      .filter(r => r.method === 'POST');
  const runsOfRollback = () => server.repo(REPO).runs.get('rollback.yml') ?? [];

  it('dispatches the workflow on the default branch with the target as inputs, once per idempotency key', async () => {
    const { provider } = githubProviderFor(server, withRollbackWorkflow());

    const execution = await provider.rollback(request());

    expect(execution).toEqual({
      externalId: `run-${FIRST_RUN_ID}`,
      status: 'queued',
      url: `https://github.com/${REPO}/actions/runs/${FIRST_RUN_ID}`,
      startedAt: expect.any(String),
    });
    expect(dispatches().map(r => [r.path, r.body])).toEqual([
      [
        `/repos/${REPO}/actions/workflows/rollback.yml/dispatches`,
        {
          ref: 'main',
          inputs: {
            entity: 'component:default/payments',
            environment: 'production',
            version: 'v1',
            sha: sha(1),
            reason: 'Checkout errors after v2',
            idempotency_key: 'rollback-key-1',
          },
          return_run_details: true,
        },
      ],
    ]);
    expect(runsOfRollback().map(run => run.display_title)).toEqual([
      'Rollback component:default/payments in production to v1 [rollback-key-1]',
    ]);

    // A retry with the same key finds the run instead of dispatching again.
    expect(await provider.rollback(request())).toEqual(execution);
    expect(dispatches()).toHaveLength(1);

    // Another key is another rollback.
    const second = await provider.rollback(
      request({ idempotencyKey: 'rollback-key-2' }),
    );
    expect(second.externalId).toBe(`run-${FIRST_RUN_ID + 1}`);
    expect(dispatches()).toHaveLength(2);
  });

  it('runs the workflow from the configured ref, by workflow id', async () => {
    server.repo(REPO).branches.set('release', sha(9));
    const { provider } = githubProviderFor(
      server,
      withRollbackWorkflow({ workflow: '161335', ref: 'release' }),
    );
    await provider.rollback(request());
    expect(
      dispatches().map(r => [r.path, (r.body as { ref: string }).ref]),
    ).toEqual([
      [`/repos/${REPO}/actions/workflows/161335/dispatches`, 'release'],
    ]);
    // No need to ask for the default branch.
    expect(server.requests.filter(r => r.path === `/repos/${REPO}`)).toEqual(
      [],
    );
  });

  it('finds the run by its title when GitHub does not return it (204)', async () => {
    server.returnRunDetails = 'ignored';
    // GitHub creates the run asynchronously: two listings miss it.
    server.dispatchedRunHiddenForListings = 2;
    const { provider } = githubProviderFor(server, withRollbackWorkflow());

    const execution = await provider.rollback(request());

    expect(execution.externalId).toBe(`run-${FIRST_RUN_ID}`);
    const listings = server
      .requestsTo(/\/actions\/workflows\/rollback\.yml\/runs$/)
      .map(r => Object.fromEntries(r.query));
    // One listing before the dispatch (retry check), then polling.
    expect(listings).toHaveLength(4);
    expect(listings[0]).toEqual({
      event: 'workflow_dispatch',
      per_page: '100',
    });
    expect(listings[1]).toEqual({
      event: 'workflow_dispatch',
      per_page: '100',
      created: expect.stringMatching(/^>=\d{4}-\d\d-\d\dT/),
    });
    expect(dispatches()).toHaveLength(1);
  });

  it('dispatches again without return_run_details when the server rejects the key', async () => {
    server.returnRunDetails = 'rejected';
    const { provider } = githubProviderFor(server, withRollbackWorkflow());

    const execution = await provider.rollback(request());

    expect(execution.externalId).toBe(`run-${FIRST_RUN_ID}`);
    expect(dispatches().map(r => Object.keys(r.body as object))).toEqual([
      ['ref', 'inputs', 'return_run_details'],
      ['ref', 'inputs'],
    ]);
    expect(runsOfRollback()).toHaveLength(1);
  });

  it('fails naming the expected title when the run cannot be found', async () => {
    server.returnRunDetails = 'ignored';
    const repo = server.repo(REPO);
    repo.workflows = [{ ...ROLLBACK_WORKFLOW, runName: undefined }];
    const { provider } = githubProviderFor(server, withRollbackWorkflow());

    await expect(provider.rollback(request())).rejects.toThrow(
      "no run titled 'Rollback component:default/payments in production to v1 [rollback-key-1]' appeared",
    );
    // The workflow was dispatched once; the run list was read 1 + 3 times.
    expect(dispatches()).toHaveLength(1);
    expect(server.requestsTo(/\/runs$/)).toHaveLength(4);
  });

  it('warns when the returned run is not titled as a rollback', async () => {
    server.repo(REPO).workflows = [
      { ...ROLLBACK_WORKFLOW, runName: undefined },
    ];
    const logger = mockServices.logger.mock();
    const { provider } = githubProviderFor(server, {
      ...withRollbackWorkflow(),
      logger,
    });
    const execution = await provider.rollback(request());
    expect(execution.externalId).toBe(`run-${FIRST_RUN_ID}`);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        "is titled 'Rollback', not 'Rollback component:default/payments in production to v1 [rollback-key-1]'",
      ),
    );
  });

  it('explains a missing workflow (404) without dispatching', async () => {
    server.repo(REPO).workflows = [];
    const { provider } = githubProviderFor(server, withRollbackWorkflow());
    const error = await provider.rollback(request()).catch(e => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(
      /^GitHub has no workflow 'rollback\.yml' of acme\/payments \(releaseCoordinator\.github\.rollback\.workflow\), or the token cannot see it: Not Found/,
    );
    expect(dispatches()).toEqual([]);
  });

  it('explains inputs GitHub refuses (422)', async () => {
    server.repo(REPO).workflows = [
      {
        ...ROLLBACK_WORKFLOW,
        dispatchInputs: {
          version: { required: true },
          sha: { required: true },
          environment: {},
        },
      },
    ];
    const { provider } = githubProviderFor(server, withRollbackWorkflow());
    const error = await provider.rollback(request()).catch(e => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      "GitHub refused to dispatch the rollback workflow 'rollback.yml' of acme/payments on ref 'main': " +
        'Unexpected inputs provided: ["entity","reason","idempotency_key"]. ' +
        "The workflow needs an 'on: workflow_dispatch' trigger declaring the inputs entity, environment, version, sha, reason, idempotency_key",
    );
    expect(runsOfRollback()).toEqual([]);
  });

  it('explains a workflow without a workflow_dispatch trigger and an unknown ref (422)', async () => {
    server.repo(REPO).workflows = [
      { ...ROLLBACK_WORKFLOW, dispatchInputs: undefined },
    ];
    const { provider } = githubProviderFor(server, withRollbackWorkflow());
    await expect(provider.rollback(request())).rejects.toThrow(
      "Workflow does not have 'workflow_dispatch' trigger",
    );

    server.repo(REPO).workflows = [{ ...ROLLBACK_WORKFLOW }];
    const { provider: onMissingRef } = githubProviderFor(
      server,
      withRollbackWorkflow({ workflow: 'rollback.yml', ref: 'hotfix' }),
    );
    await expect(onMissingRef.rollback(request())).rejects.toThrow(
      "on ref 'hotfix': No ref found for: hotfix",
    );
    expect(runsOfRollback()).toEqual([]);
  });

  it.each([
    [
      'a secondary rate limit (403 with retry-after)',
      {
        status: 403,
        headers: { 'retry-after': '2' },
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url:
            'https://docs.github.com/rest/overview/resources-in-the-rest-api#secondary-rate-limits',
        },
      },
    ],
    [
      'a 429 with retry-after',
      {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { message: 'Too Many Requests' },
      },
    ],
  ])('waits out %s on the dispatch and starts one run', async (_, response) => {
    server.respondOnce(
      (method, path) => method === 'POST' && path.endsWith('/dispatches'),
      response,
    );
    const { provider } = githubProviderFor(server, withRollbackWorkflow());
    const execution = await provider.rollback(request());
    expect(execution.externalId).toBe(`run-${FIRST_RUN_ID}`);
    expect(dispatches()).toHaveLength(2);
    expect(runsOfRollback()).toHaveLength(1);
  });

  it('gives a long rate-limit pause back to the caller with its headers', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 1200);
    server.respondOnce(
      (method, path) => method === 'POST' && path.endsWith('/dispatches'),
      {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
        body: { message: 'API rate limit exceeded for user ID 1.' },
      },
    );
    const { provider } = githubProviderFor(server, withRollbackWorkflow());
    await expect(provider.rollback(request())).rejects.toMatchObject({
      status: 403,
    });
    expect(runsOfRollback()).toEqual([]);
  });

  it('rolls back a Deployments API target through the workflow too', async () => {
    const { provider } = githubProviderFor(server, withRollbackWorkflow());
    await provider.rollback(
      request({ target: deployment('deployment-901', 3, 'v0.9') }),
    );
    expect(
      dispatches().map(r => (r.body as { inputs: object }).inputs),
    ).toEqual([expect.objectContaining({ version: 'v0.9', sha: sha(3) })]);
    expect(server.requestsTo(/\/deployments$/)).toEqual([]);
  });

  describe('pulls', () => {
    it('report the dispatched run as the rollback of the entity it names', async () => {
      const { provider } = githubProviderFor(server, withRollbackWorkflow());
      const { externalId } = await provider.rollback(request());
      // A rollback of another entity of the same repository.
      await provider.rollback(
        request({
          entity: component('payments-worker', {
            'github.com/project-slug': REPO,
          }),
          idempotencyKey: 'worker-key',
        }),
      );

      const first = await provider.pull(pullRequest(payments));
      const rollbacks = first.deployments.filter(d => d.kind === 'rollback');
      expect(rollbacks).toEqual([
        {
          entityRef: 'component:default/payments',
          environment: 'production',
          source: 'github',
          externalId,
          version: 'v1',
          kind: 'rollback',
          status: 'queued',
          startedAt: expect.any(String),
          url: `https://github.com/${REPO}/actions/runs/${FIRST_RUN_ID}`,
        },
      ]);

      // The run finishes: the next pull re-reads it as unfinished.
      const run = runsOfRollback().find(r => `run-${r.id}` === externalId)!;
      Object.assign(run, {
        status: 'completed',
        conclusion: 'success',
        updated_at: new Date(Date.now() + 60_000).toISOString(),
      });
      const second = await provider.pull(pullRequest(payments, first.cursor));
      expect(second.deployments).toEqual([
        expect.objectContaining({
          externalId,
          kind: 'rollback',
          status: 'succeeded',
          finishedAt: run.updated_at,
        }),
      ]);
    });

    it('report rollback runs of a deploy workflow that doubles as the rollback workflow', async () => {
      const repo = server.repo(REPO);
      repo.workflows = [{ ...ROLLBACK_WORKFLOW, file: 'deploy.yml' }];
      repo.runs.set('deploy.yml', [
        githubWorkflowRun({
          repo: REPO,
          id: 101,
          headSha: sha(1),
          status: 'completed',
          conclusion: 'success',
          createdAt: '2026-11-20T10:00:00Z',
          updatedAt: '2026-11-20T10:05:00Z',
        }),
      ]);
      const { provider } = githubProviderFor(server, {
        releaseCoordinator: {
          github: {
            workflows: [{ workflow: 'deploy.yml' }],
            rollback: { workflow: 'deploy.yml' },
          },
        },
      });
      const { externalId } = await provider.rollback(request());
      const { deployments } = await provider.pull(pullRequest(payments));
      expect(deployments.map(d => [d.externalId, d.kind, d.version])).toEqual([
        ['run-101', 'deploy', sha(1).slice(0, 7)],
        [externalId, 'rollback', 'v1'],
      ]);
      // Read once, not also as a separate rollback stream.
      expect(
        server.requestsTo(/\/runs$/).map(r => r.query.get('event')),
      ).toEqual(['workflow_dispatch', null]);
    });

    it('ignore a repository without the rollback workflow', async () => {
      server.repo(REPO).workflows = [];
      const { provider } = githubProviderFor(server, withRollbackWorkflow());
      const { deployments } = await provider.pull(pullRequest(payments));
      expect(deployments).toEqual([]);
    });
  });
});

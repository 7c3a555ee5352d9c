import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthenticationError, InputError } from '@backstage/errors';
import { WebhookRequest } from '@release-coordinator/backstage-plugin-node';
import {
  githubDeployment,
  githubDeploymentStatus,
  githubUser,
  githubWorkflowRun,
} from '../__testUtils__/FakeGithubServer';
import { readGithubModuleConfig } from '../config';
import { GithubWebhookHandler } from './GithubWebhookHandler';
import { signGithubPayload, verifyGithubSignature } from './signature';
import fs from 'node:fs';
import path from 'node:path';

const SECRET = "It's a Secret to Everybody";

/** A payload from `src/__fixtures__` (shapes of @octokit/webhooks-examples). */
function fixture(name: string) {
  return JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', '__fixtures__', name), 'utf8'),
  );
}
const REPO = 'Codertocat/Hello-World';
const SHA = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';

const repository = {
  id: 186853002,
  node_id: 'MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=',
  name: 'Hello-World',
  full_name: REPO,
  private: false,
  owner: githubUser('Codertocat'),
  html_url: `https://github.com/${REPO}`,
  default_branch: 'master',
};

function handlerWith(github: object = {}) {
  const config = readGithubModuleConfig(
    new ConfigReader({
      releaseCoordinator: { github, webhooks: { github: { secret: SECRET } } },
    }),
  );
  return new GithubWebhookHandler({
    config: { ...config, webhookSecret: SECRET },
    logger: mockServices.logger.mock(),
  });
}

/** Entities by annotation: the slug's owners, and optionally a workflow. */
const catalog: Record<string, Record<string, string[]>> = {
  'github.com/project-slug': {
    [REPO]: ['component:default/hello-world', 'component:default/hello-api'],
  },
  'release-coordinator/github-deploy-workflow': {
    'release.yml': ['component:default/hello-api'],
  },
};

function delivery(
  event: string,
  payload: unknown,
  options: { signature?: string | null; secret?: string } = {},
): WebhookRequest {
  const rawBody = Buffer.from(JSON.stringify(payload));
  const signature =
    options.signature === undefined
      ? signGithubPayload(options.secret ?? SECRET, rawBody)
      : options.signature;
  return {
    headers: {
      'x-github-event': event,
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'x-github-hook-id': '292430182',
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/044aadd',
      ...(signature !== null && { 'x-hub-signature-256': signature }),
    },
    rawBody,
    body: payload,
    findEntityRefsByAnnotation: async (annotation, value) =>
      catalog[annotation]?.[value] ?? [],
  };
}

function deploymentStatusPayload(state: string) {
  return {
    action: 'created',
    deployment_status: githubDeploymentStatus({
      repo: REPO,
      deploymentId: 145988746,
      id: 2,
      state,
      createdAt: '2019-05-15T15:20:55Z',
    }),
    deployment: githubDeployment({
      repo: REPO,
      id: 145988746,
      sha: SHA,
      ref: 'master',
      createdAt: '2019-05-15T15:20:53Z',
      creator: 'Codertocat',
    }),
    repository,
    sender: githubUser('Codertocat'),
  };
}

function workflowRunPayload(action: string, file: string) {
  const run = githubWorkflowRun({
    repo: REPO,
    id: 30433642,
    headSha: SHA,
    status: action === 'completed' ? 'completed' : 'in_progress',
    conclusion: action === 'completed' ? 'success' : null,
    createdAt: '2020-01-22T19:33:08Z',
    updatedAt: '2020-01-22T19:33:10Z',
    workflowFile: file,
    commitTimestamp: '2020-01-22T19:33:05Z',
  });
  return {
    action,
    workflow_run: run,
    workflow: {
      id: run.workflow_id,
      node_id: 'MDg6V29ya2Zsb3cxNTkwMzg=',
      name: 'Deploy',
      path: run.path,
      state: 'active',
    },
    repository,
    sender: githubUser('Codertocat'),
  };
}

function checkRunPayload(name: string, conclusion: string) {
  return {
    action: 'completed',
    check_run: {
      id: 128620228,
      node_id: 'MDg6Q2hlY2tSdW4xMjg2MjAyMjg=',
      head_sha: SHA,
      external_id: '',
      url: `https://api.github.com/repos/${REPO}/check-runs/128620228`,
      html_url: `https://github.com/${REPO}/runs/128620228`,
      details_url: 'https://octocoders.io',
      status: 'completed',
      conclusion,
      started_at: '2019-05-15T15:21:12Z',
      completed_at: '2019-05-15T15:21:45Z',
      output: {
        title: null,
        summary: null,
        text: null,
        annotations_count: 0,
        annotations_url: `https://api.github.com/repos/${REPO}/check-runs/128620228/annotations`,
      },
      name,
      check_suite: { id: 118578147, head_branch: 'changes', head_sha: SHA },
      app: { id: 29310, slug: 'octocoders-linter' },
      pull_requests: [],
    },
    repository,
    sender: githubUser('Codertocat'),
  };
}

describe('verifyGithubSignature', () => {
  it("accepts GitHub's documented example signature", () => {
    // docs.github.com "Validating webhook deliveries": secret and payload
    // "It's a Secret to Everybody" / "Hello, World!".
    expect(
      verifyGithubSignature({
        secret: SECRET,
        rawBody: Buffer.from('Hello, World!'),
        header:
          'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      }),
    ).toBe(true);
  });

  it.each([
    ['missing', undefined],
    [
      'without prefix',
      '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    ],
    ['sha1', 'sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59'],
    ['truncated', 'sha256=757107ea0eb2509fc211221cce984b8a'],
    ['wrong', `sha256=${'0'.repeat(64)}`],
  ])('rejects a %s signature', (_name, header) => {
    expect(
      verifyGithubSignature({
        secret: SECRET,
        rawBody: Buffer.from('Hello, World!'),
        header,
      }),
    ).toBe(false);
  });
});

describe('GithubWebhookHandler', () => {
  it('turns a signed deployment_status into a deployment for every entity of the repository', async () => {
    const result = await handlerWith().handle(
      delivery('deployment_status', deploymentStatusPayload('success')),
    );
    expect(result.deliveryId).toBe('72d3162e-cc78-11e3-81ab-4c9367dc0958');
    expect(result.deployments).toEqual(
      ['component:default/hello-world', 'component:default/hello-api'].map(
        entityRef => ({
          entityRef,
          environment: 'production',
          source: 'github',
          externalId: 'deployment-145988746',
          version: 'master',
          commitSha: SHA,
          kind: 'deploy',
          status: 'succeeded',
          startedAt: '2019-05-15T15:20:53Z',
          finishedAt: '2019-05-15T15:20:55Z',
          initiator: 'Codertocat',
          url: `https://github.com/${REPO}/actions/runs/145988746`,
        }),
      ),
    );
  });

  it('applies release-coordinator/environments as pulls do', async () => {
    const annotations: Record<string, Record<string, string>> = {
      // Deploys to staging and production only: github-pages is left out.
      'component:default/hello-world': {
        'release-coordinator/environments': 'staging, production',
      },
      'component:default/hello-api': {
        'release-coordinator/environments': 'staging',
      },
    };
    const withAnnotations = (event: string, payload: unknown) => ({
      ...delivery(event, payload),
      getEntityAnnotations: async (ref: string) => annotations[ref] ?? {},
    });
    const handler = handlerWith();
    const production = await handler.handle(
      withAnnotations('deployment_status', deploymentStatusPayload('success')),
    );
    expect(production.deployments?.map(d => d.entityRef)).toEqual([
      'component:default/hello-world',
    ]);

    const pages = deploymentStatusPayload('success');
    pages.deployment.environment = 'github-pages';
    const ignored = await handler.handle(
      withAnnotations('deployment_status', pages),
    );
    expect(ignored.deployments).toEqual([]);

    // Without the annotation every environment is kept.
    delete annotations['component:default/hello-world'];
    const unfiltered = await handler.handle(
      withAnnotations('deployment_status', pages),
    );
    expect(unfiltered.deployments?.map(d => d.entityRef)).toEqual([
      'component:default/hello-world',
    ]);
  });

  it('maps in-progress and failed statuses and ignores inactive', async () => {
    const handler = handlerWith();
    const statusOf = async (state: string) =>
      (
        await handler.handle(
          delivery('deployment_status', deploymentStatusPayload(state)),
        )
      ).deployments?.map(d => d.status);
    expect(await statusOf('in_progress')).toEqual([
      'in_progress',
      'in_progress',
    ]);
    expect(await statusOf('error')).toEqual(['failed', 'failed']);
    expect(await statusOf('inactive')).toEqual([]);
  });

  it('rejects a bad or missing signature with AuthenticationError', async () => {
    const handler = handlerWith();
    const payload = deploymentStatusPayload('success');
    await expect(
      handler.handle(
        delivery('deployment_status', payload, { secret: 'other' }),
      ),
    ).rejects.toThrow(AuthenticationError);
    await expect(
      handler.handle(
        delivery('deployment_status', payload, { signature: null }),
      ),
    ).rejects.toThrow(AuthenticationError);
    // A body changed after signing fails too.
    const request = delivery('deployment_status', payload);
    request.rawBody = Buffer.from(
      request.rawBody.toString('utf8').replace('success', 'failure'),
    );
    await expect(handler.handle(request)).rejects.toThrow(AuthenticationError);
  });

  it('verifies the signature on the raw bytes before reading the body', async () => {
    const handler = handlerWith();
    // 10 MB that is not JSON, signed with the wrong secret.
    const rawBody = Buffer.alloc(10_000_000, '{');
    const read = jest.fn();
    const request: WebhookRequest = {
      headers: {
        'x-github-event': 'deployment_status',
        'x-github-delivery': 'delivery-1',
        'x-hub-signature-256': signGithubPayload('other', rawBody),
      },
      rawBody,
      get body() {
        read();
        throw new InputError('parsed');
      },
      findEntityRefsByAnnotation: async () => [],
    };
    expect(() => handler.verify(request)).toThrow(AuthenticationError);
    await expect(handler.handle(request)).rejects.toThrow(AuthenticationError);
    expect(read).not.toHaveBeenCalled();
  });

  it('answers ping and other events without data', async () => {
    const handler = handlerWith();
    expect(
      await handler.handle(
        delivery('ping', { zen: 'Design for failure.', hook_id: 292430182 }),
      ),
    ).toEqual({ deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
    expect(
      await handler.handle(
        delivery('push', { ref: 'refs/heads/main', repository }),
      ),
    ).toEqual({ deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
  });

  it('returns nothing for a repository no entity claims', async () => {
    const payload = {
      ...deploymentStatusPayload('success'),
      repository: { ...repository, full_name: 'someone/else' },
    };
    const result = await handlerWith().handle(
      delivery('deployment_status', payload),
    );
    expect(result).toEqual({
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    });
  });

  it('rejects a signed payload without the fields it needs', async () => {
    await expect(
      handlerWith().handle(
        delivery('deployment_status', { action: 'created', repository }),
      ),
    ).rejects.toThrow(InputError);
  });

  it('clamps a completed run whose run_started_at is after its updated_at (clock skew)', async () => {
    // The shape of @octokit/webhooks-examples' workflow_run.completed, as a
    // real delivery had it: run_started_at 25 s after updated_at.
    const handler = handlerWith({
      workflows: [
        {
          workflow: 'deploy.yml',
          environment: 'production',
          entity: 'component:default/hello-world',
        },
      ],
    });
    const payload = fixture('workflow_run.completed.action_required.json');
    expect(
      Date.parse(payload.workflow_run.run_started_at) -
        Date.parse(payload.workflow_run.updated_at),
    ).toBe(25_000);
    const result = await handler.handle(delivery('workflow_run', payload));
    expect(result.deployments).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/hello-world',
        environment: 'production',
        externalId: 'run-30433642',
        status: 'cancelled',
        startedAt: '2021-12-15T20:12:04Z',
        finishedAt: '2021-12-15T20:12:04Z',
      }),
    ]);

    // Without skew the run's own updated_at stays the finish.
    payload.workflow_run.updated_at = '2021-12-15T20:13:00Z';
    const unskewed = await handler.handle(delivery('workflow_run', payload));
    expect(unskewed.deployments?.[0].finishedAt).toBe('2021-12-15T20:13:00Z');
  });

  it('turns runs of configured deploy workflows into deployments', async () => {
    const handler = handlerWith({
      workflows: [
        {
          workflow: 'deploy.yml',
          environment: 'staging',
          entity: 'component:default/hello-world',
        },
      ],
    });
    const configured = await handler.handle(
      delivery('workflow_run', workflowRunPayload('completed', 'deploy.yml')),
    );
    expect(configured.deployments).toEqual([
      {
        entityRef: 'component:default/hello-world',
        environment: 'staging',
        source: 'github',
        externalId: 'run-30433642',
        version: SHA.slice(0, 7),
        commitSha: SHA,
        kind: 'deploy',
        status: 'succeeded',
        startedAt: '2020-01-22T19:33:08Z',
        finishedAt: '2020-01-22T19:33:10Z',
        initiator: 'octocat',
        url: `https://github.com/${REPO}/actions/runs/30433642`,
        commits: [{ sha: SHA, committedAt: '2020-01-22T19:33:05Z' }],
      },
    ]);

    // hello-api names release.yml in its annotation: production.
    const annotated = await handler.handle(
      delivery(
        'workflow_run',
        workflowRunPayload('in_progress', 'release.yml'),
      ),
    );
    expect(
      annotated.deployments?.map(d => [d.entityRef, d.environment, d.status]),
    ).toEqual([['component:default/hello-api', 'production', 'in_progress']]);

    const other = await handler.handle(
      delivery('workflow_run', workflowRunPayload('completed', 'ci.yml')),
    );
    expect(other.deployments).toEqual([]);
  });

  it('turns runs of the rollback workflow into the rollback of the entity they name', async () => {
    const handler = handlerWith({ rollback: { workflow: 'rollback.yml' } });
    const payload = workflowRunPayload('completed', 'rollback.yml');
    payload.workflow_run.event = 'workflow_dispatch';
    payload.workflow_run.display_title =
      'Rollback component:default/hello-api in production to v1.4.0 [key-7]';
    const result = await handler.handle(delivery('workflow_run', payload));
    expect(result.deployments).toEqual([
      {
        entityRef: 'component:default/hello-api',
        environment: 'production',
        source: 'github',
        externalId: 'run-30433642',
        version: 'v1.4.0',
        kind: 'rollback',
        status: 'succeeded',
        startedAt: '2020-01-22T19:33:08Z',
        finishedAt: '2020-01-22T19:33:10Z',
        url: `https://github.com/${REPO}/actions/runs/30433642`,
      },
    ]);

    // A run of the workflow that is not a rollback gives nothing.
    const plain = await handler.handle(
      delivery('workflow_run', workflowRunPayload('completed', 'rollback.yml')),
    );
    expect(plain.deployments).toEqual([]);
  });

  it('takes no Deployments for entities that deploy with a configured workflow', async () => {
    const handler = handlerWith({
      workflows: [
        { workflow: 'deploy.yml', entity: 'component:default/hello-world' },
      ],
    });
    const result = await handler.handle(
      delivery('deployment_status', deploymentStatusPayload('success')),
    );
    expect(result.deployments?.map(d => d.entityRef)).toEqual([
      'component:default/hello-api',
    ]);
  });

  it('turns configured check runs into checklist evidence', async () => {
    const handler = handlerWith({
      checks: { 'tests-passing': ['Octocoders-linter', 'e2e'] },
    });
    const result = await handler.handle(
      delivery('check_run', checkRunPayload('Octocoders-linter', 'failure')),
    );
    expect(result.evidence).toEqual(
      ['component:default/hello-world', 'component:default/hello-api'].map(
        entityRef => ({
          entityRef,
          itemId: 'tests-passing',
          status: 'failed',
          url: 'https://octocoders.io',
          source: 'github',
          commitSha: SHA,
        }),
      ),
    );
    const unmapped = await handler.handle(
      delivery('check_run', checkRunPayload('build', 'success')),
    );
    expect(unmapped.evidence).toEqual([]);
  });
});

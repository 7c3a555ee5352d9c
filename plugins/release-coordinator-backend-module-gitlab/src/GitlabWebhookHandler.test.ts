import { AuthenticationError, InputError } from '@backstage/errors';
import { WebhookRequest } from '@release-coordinator/backstage-plugin-node';
import { GitlabWebhookHandler } from './GitlabWebhookHandler';
import { deploymentHookBody, pipelineHookBody } from './__testUtils__/fixtures';

const TOKEN = 'hook-secret';

/** Entities the fake catalog lookup knows, by annotation and value. */
const CATALOG: Record<string, Record<string, string[]>> = {
  'gitlab.com/project-slug': {
    'root/test-deployment-webhooks': ['component:default/webhooks-demo'],
  },
  'gitlab.com/project-id': { '77': ['component:default/by-id'] },
};

function delivery(options: {
  body: unknown;
  token?: string;
  event?: string;
  eventUuid?: string;
  idempotencyKey?: string;
}): WebhookRequest {
  const rawBody = Buffer.from(JSON.stringify(options.body));
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitLab/17.11.1-ee',
      'x-gitlab-event': options.event ?? 'Deployment Hook',
      'x-gitlab-token': options.token,
      'x-gitlab-event-uuid': options.eventUuid,
      'x-gitlab-webhook-uuid': '9b62d7ef-fddd-4cac-8b89-65c29acdf561',
      'x-gitlab-instance': 'http://10.126.0.2:3000',
      'idempotency-key': options.idempotencyKey,
    },
    rawBody,
    body: options.body,
    findEntityRefsByAnnotation: async (annotation, value) =>
      CATALOG[annotation]?.[value] ?? [],
  };
}

describe('GitlabWebhookHandler', () => {
  const handler = new GitlabWebhookHandler({ token: TOKEN });

  it('is mounted at webhooks/gitlab', () => {
    expect(handler.path).toBe('gitlab');
  });

  it('turns a Deployment Hook into a deployment of the entity claiming the project', async () => {
    const result = await handler.handle(
      delivery({
        body: deploymentHookBody(),
        token: TOKEN,
        eventUuid: '1671f880-67c6-45cb-9dfa-f4707face4ba',
      }),
    );
    expect(result).toEqual({
      deliveryId: '1671f880-67c6-45cb-9dfa-f4707face4ba',
      deployments: [
        {
          entityRef: 'component:default/webhooks-demo',
          environment: 'staging',
          source: 'gitlab',
          externalId: 'deployment-15',
          version: '279484c09fbe69ededfced8c1bb6e6d24616b468',
          commitSha: '279484c09fbe69ededfced8c1bb6e6d24616b468',
          kind: 'deploy',
          status: 'succeeded',
          startedAt: undefined,
          finishedAt: '2021-04-28T19:50:00.000Z',
          initiator: 'root',
          url: 'http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796',
        },
      ],
    });
  });

  it('uses the ref as version, the change time as start of a running deployment, and Idempotency-Key as delivery id', async () => {
    const result = await handler.handle(
      delivery({
        body: deploymentHookBody({
          status: 'running',
          ref: 'v2.0.1',
          status_changed_at: '2021-04-28 21:40:00 UTC',
        }),
        token: TOKEN,
        idempotencyKey: 'b2eecd3a-3ac9-489b-81d6-462ec4881ea5',
      }),
    );
    expect(result.deliveryId).toBe('b2eecd3a-3ac9-489b-81d6-462ec4881ea5');
    expect(result.deployments?.[0]).toMatchObject({
      version: 'v2.0.1',
      status: 'in_progress',
      startedAt: '2021-04-28T21:40:00.000Z',
      finishedAt: undefined,
    });
  });

  it('finds the entity by project id when no entity has the project slug', async () => {
    const body = deploymentHookBody({
      project: { id: 77, path_with_namespace: 'other/renamed' },
    });
    const result = await handler.handle(delivery({ body, token: TOKEN }));
    expect(result.deployments?.map(d => d.entityRef)).toEqual([
      'component:default/by-id',
    ]);
  });

  it('accepts a delivery for a project no entity claims and stores nothing', async () => {
    const body = deploymentHookBody({
      project: { id: 1, path_with_namespace: 'nobody/claims-this' },
    });
    const result = await handler.handle(
      delivery({ body, token: TOKEN, eventUuid: 'e-1' }),
    );
    expect(result).toEqual({
      deliveryId: 'e-1',
      deployments: [],
      ignored: [
        'no entity has gitlab.com/project-slug: nobody/claims-this or gitlab.com/project-id: 1',
      ],
    });
  });

  it('ignores a Pipeline Hook, saying why, when pipelines are not deployments', async () => {
    const result = await handler.handle(
      delivery({
        body: pipelineHookBody(),
        token: TOKEN,
        event: 'Pipeline Hook',
        eventUuid: 'e-2',
      }),
    );
    expect(result).toEqual({
      deliveryId: 'e-2',
      deployments: [],
      ignored: [
        'Pipeline Hook: pipelines are not deployments here (releaseCoordinator.gitlab.pipelines is not configured)',
      ],
    });
  });

  describe('with releaseCoordinator.gitlab.pipelines', () => {
    const projectsWithDeployments = new Set<string>();
    const asked: string[] = [];
    const pipelinesHandler = new GitlabWebhookHandler({
      token: TOKEN,
      pipelines: { environment: 'production' },
      projectHasDeployments: async projectId => {
        asked.push(projectId);
        return projectsWithDeployments.has(projectId);
      },
    });
    const pipelineDelivery = (body: unknown) =>
      delivery({ body, token: TOKEN, event: 'Pipeline Hook', eventUuid: 'p' });

    it('maps a pipeline of the default branch as the pull does', async () => {
      const result = await pipelinesHandler.handle(
        pipelineDelivery(pipelineHookBody()),
      );
      expect(asked).toEqual(['30']);
      expect(result).toEqual({
        deliveryId: 'p',
        deployments: [
          {
            entityRef: 'component:default/webhooks-demo',
            environment: 'production',
            source: 'gitlab',
            externalId: 'pipeline-31',
            version: 'bcbb5ec3',
            commitSha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
            kind: 'deploy',
            status: 'succeeded',
            startedAt: '2016-08-12T15:23:29.000Z',
            finishedAt: '2016-08-12T15:26:29.000Z',
            initiator: 'root',
            url: 'http://example.com/root/test-deployment-webhooks/-/pipelines/31',
          },
        ],
      });
      const running = await pipelinesHandler.handle(
        pipelineDelivery(
          pipelineHookBody({ status: 'running', finished_at: null }),
        ),
      );
      expect(running.deployments).toEqual([
        expect.objectContaining({
          status: 'in_progress',
          finishedAt: undefined,
        }),
      ]);
    });

    it('says why it ignores other branches, unclaimed projects and projects with deployments', async () => {
      const other = await pipelinesHandler.handle(
        pipelineDelivery(pipelineHookBody({ ref: 'feature/x' })),
      );
      expect(other.deployments).toEqual([]);
      expect(other.ignored).toEqual([
        'Pipeline Hook: pipeline 31 ran for feature/x, not the deploying branch master',
      ]);

      const unclaimed = await pipelinesHandler.handle(
        pipelineDelivery(
          pipelineHookBody(
            {},
            {
              project: {
                id: 5,
                path_with_namespace: 'nobody/claims-this',
                default_branch: 'master',
              },
            },
          ),
        ),
      );
      expect(unclaimed.ignored).toEqual([
        'no entity has gitlab.com/project-slug: nobody/claims-this or gitlab.com/project-id: 5',
      ]);

      projectsWithDeployments.add('30');
      const withDeployments = await pipelinesHandler.handle(
        pipelineDelivery(pipelineHookBody()),
      );
      expect(withDeployments.deployments).toEqual([]);
      expect(withDeployments.ignored).toEqual([
        'Pipeline Hook: project 30 has GitLab deployments, which are recorded instead of its pipelines',
      ]);
    });

    it('refuses a Pipeline Hook without the pipeline fields with a 400', async () => {
      await expect(
        pipelinesHandler.handle(
          pipelineDelivery({ object_kind: 'pipeline', object_attributes: {} }),
        ),
      ).rejects.toThrow(InputError);
    });
  });

  it.each([
    ['a wrong token', 'not-the-secret'],
    ['a token differing only in length', `${TOKEN}x`],
    ['no token', undefined],
  ])('rejects %s with AuthenticationError', async (_name, token) => {
    await expect(
      handler.handle(delivery({ body: deploymentHookBody(), token })),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('checks the token before reading the body', async () => {
    const read = jest.fn();
    const request: WebhookRequest = {
      headers: {
        'x-gitlab-event': 'Deployment Hook',
        'x-gitlab-token': 'guess',
      },
      // 10 MB that is not JSON.
      rawBody: Buffer.alloc(10_000_000, '{'),
      get body() {
        read();
        throw new InputError('parsed');
      },
      findEntityRefsByAnnotation: async () => [],
    };
    expect(() => handler.verify(request)).toThrow(AuthenticationError);
    await expect(handler.handle(request)).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    expect(read).not.toHaveBeenCalled();
  });

  it('rejects a Deployment Hook whose body is not a deployment event', async () => {
    await expect(
      handler.handle(delivery({ body: { object_kind: 'push' }, token: TOKEN })),
    ).rejects.toBeInstanceOf(InputError);
  });

  it('cannot be created without a token', () => {
    expect(() => new GitlabWebhookHandler({ token: '' })).toThrow();
  });
});

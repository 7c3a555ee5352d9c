import { AuthenticationError, InputError } from '@backstage/errors';
import { WebhookRequest } from '@release-coordinator/backstage-plugin-node';
import { GitlabWebhookHandler } from './GitlabWebhookHandler';
import { deploymentHookBody } from './__testUtils__/fixtures';

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
    expect(result).toEqual({ deliveryId: 'e-1', deployments: [] });
  });

  it('ignores other events such as Pipeline Hook', async () => {
    const result = await handler.handle(
      delivery({
        body: { object_kind: 'pipeline', object_attributes: { id: 31 } },
        token: TOKEN,
        event: 'Pipeline Hook',
        eventUuid: 'e-2',
      }),
    );
    expect(result).toEqual({ deliveryId: 'e-2', deployments: [] });
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

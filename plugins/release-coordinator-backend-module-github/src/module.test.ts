import { registeredExtensions } from '@release-coordinator/backstage-plugin-node/testUtils';
import githubModule from './index';

/** What the module adds to the extension points, started with `config`. */
async function registered(config: object) {
  const { deploymentProviders, webhookHandlers } = await registeredExtensions({
    module: githubModule,
    config,
  });
  return {
    providers: deploymentProviders.map(p => p.id),
    handlers: webhookHandlers.map(h => h.path),
  };
}

describe('github module', () => {
  it('registers nothing without a GitHub token, App, workflows or webhook secret', async () => {
    expect(await registered({})).toEqual({ providers: [], handlers: [] });
    expect(
      await registered({
        integrations: { github: [{ host: 'github.com' }] },
        releaseCoordinator: { webhooks: { github: { secret: '  ' } } },
      }),
    ).toEqual({ providers: [], handlers: [] });
  });

  it('registers the provider when a token is configured for the host', async () => {
    expect(
      await registered({
        integrations: { github: [{ host: 'github.com', token: 'ghp_x' }] },
      }),
    ).toEqual({ providers: ['github'], handlers: [] });
  });

  it('registers the provider for configured deploy workflows', async () => {
    expect(
      await registered({
        releaseCoordinator: {
          github: { workflows: [{ workflow: 'deploy.yml' }] },
        },
      }),
    ).toEqual({ providers: ['github'], handlers: [] });
  });

  it('registers the webhook handler once its secret is set', async () => {
    expect(
      await registered({
        releaseCoordinator: { webhooks: { github: { secret: 's3cret' } } },
      }),
    ).toEqual({ providers: [], handlers: ['github'] });
  });

  it('fails the start on bad config, naming the key', async () => {
    await expect(
      registered({
        releaseCoordinator: {
          github: { checks: { 'tests-pasing': ['unit'] } },
        },
      }),
    ).rejects.toThrow(/releaseCoordinator\.github\.checks\.tests-pasing/);
  });
});

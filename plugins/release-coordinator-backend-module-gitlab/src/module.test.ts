import { supportsRollback } from '@release-coordinator/backstage-plugin-node';
import { registeredExtensions } from '@release-coordinator/backstage-plugin-node/testUtils';
import gitlabModule from './index';
import { GitlabTestServer } from './__testUtils__/GitlabTestServer';
import { gitlabDeployment, gitlabPipeline } from './__testUtils__/fixtures';

/** What the module adds to the extension points, started with `config`. */
async function registered(config: object) {
  const { deploymentProviders, webhookHandlers } = await registeredExtensions({
    module: gitlabModule,
    config,
  });
  return { providers: deploymentProviders, handlers: webhookHandlers };
}

describe('gitlab module', () => {
  it('is inert without a GitLab integration or webhook token', async () => {
    const { providers, handlers } = await registered({});
    expect(providers).toEqual([]);
    expect(handlers).toEqual([]);
  });

  it('registers a provider that pulls from the configured integration, and the webhook when its token is set', async () => {
    const server = await GitlabTestServer.start({ token: 'glpat-1' });
    try {
      server.addProject({
        id: 42,
        pathWithNamespace: 'acme/payments',
        deployments: [
          gitlabDeployment({
            id: 1,
            status: 'success',
            updatedAt: new Date().toISOString(),
          }),
        ],
      });
      server.addProject({
        id: 43,
        pathWithNamespace: 'acme/no-environments',
        deployments: [],
        pipelines: [
          gitlabPipeline({
            id: 7,
            status: 'success',
            updatedAt: new Date().toISOString(),
          }),
        ],
      });
      const { providers, handlers } = await registered({
        integrations: {
          gitlab: [
            {
              host: server.host,
              apiBaseUrl: server.apiBaseUrl,
              token: 'glpat-1',
            },
          ],
        },
        releaseCoordinator: {
          gitlab: { pipelines: { environment: 'production' } },
          webhooks: { gitlab: { token: 'hook' } },
        },
      });
      expect(providers.map(p => p.id)).toEqual(['gitlab']);
      expect(supportsRollback(providers[0])).toBe(true);
      expect(handlers.map(h => h.path)).toEqual(['gitlab']);

      const result = await providers[0].pull({
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'payments',
            annotations: { 'gitlab.com/project-id': '42' },
          },
        },
        signal: new AbortController().signal,
      });
      expect(result.deployments.map(d => d.externalId)).toEqual([
        'deployment-1',
      ]);
      expect(server.requests[0].privateToken).toBe('glpat-1');

      const fromPipelines = await providers[0].pull({
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'no-environments',
            annotations: {
              'gitlab.com/project-slug': 'acme/no-environments',
            },
          },
        },
        signal: new AbortController().signal,
      });
      expect(fromPipelines.deployments).toEqual([
        expect.objectContaining({
          externalId: 'pipeline-7',
          environment: 'production',
        }),
      ]);
    } finally {
      await server.stop();
    }
  });

  it('registers only the webhook when just its token is set', async () => {
    const { providers, handlers } = await registered({
      releaseCoordinator: { webhooks: { gitlab: { token: 'hook' } } },
    });
    expect(providers).toEqual([]);
    expect(handlers.map(h => h.path)).toEqual(['gitlab']);
  });

  it('fails to start when the configured host has no integration', async () => {
    await expect(
      registered({
        releaseCoordinator: { gitlab: { host: 'gitlab.example.com' } },
      }),
    ).rejects.toThrow(/releaseCoordinator\.gitlab\.host/);
  });
});

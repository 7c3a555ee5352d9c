import { supportsRollback } from '@release-coordinator/backstage-plugin-node';
import { registeredExtensions } from '@release-coordinator/backstage-plugin-node/testUtils';
import argoCdModule from './index';

/** What the module adds to the extension points, started with `config`. */
async function registeredProviders(config: object) {
  const { deploymentProviders } = await registeredExtensions({
    module: argoCdModule,
    config,
  });
  return deploymentProviders;
}

describe('argocd module', () => {
  it('registers the argocd provider, with rollback, when an instance is configured', async () => {
    const providers = await registeredProviders({
      releaseCoordinator: {
        argocd: {
          instances: [
            { name: 'eu', url: 'https://argocd.eu.example.com', token: 't' },
          ],
        },
      },
    });
    expect(providers.map(p => p.id)).toEqual(['argocd']);
    expect(supportsRollback(providers[0])).toBe(true);
  });

  it.each([
    ['no argocd config', {}],
    [
      'an empty instance list',
      { releaseCoordinator: { argocd: { instances: [] } } },
    ],
  ])('is inert with %s', async (_name, config) => {
    expect(await registeredProviders(config)).toEqual([]);
  });

  it('fails the start on a bad instance config', async () => {
    await expect(
      registeredProviders({
        releaseCoordinator: {
          argocd: { instances: [{ name: 'eu', url: 'ftp://x', token: 't' }] },
        },
      }),
    ).rejects.toThrow(
      "Invalid config at 'releaseCoordinator.argocd.instances[0].url'",
    );
  });
});

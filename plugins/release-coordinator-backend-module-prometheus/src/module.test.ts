import { registeredExtensions } from '@release-coordinator/backstage-plugin-node/testUtils';
import prometheusModule from './index';

/** What the module adds to the extension points, started with `config`. */
async function registeredHandlers(config: object) {
  const { webhookHandlers } = await registeredExtensions({
    module: prometheusModule,
    config,
  });
  return webhookHandlers;
}

describe('prometheus module', () => {
  it('registers the alertmanager webhook once a token is configured', async () => {
    const handlers = await registeredHandlers({
      releaseCoordinator: { webhooks: { alertmanager: { token: 'secret' } } },
    });
    expect(handlers.map(h => h.path)).toEqual(['alertmanager']);
  });

  it('registers nothing without a token (the route answers 404)', async () => {
    expect(await registeredHandlers({})).toEqual([]);
    expect(
      await registeredHandlers({
        releaseCoordinator: {
          webhooks: { alertmanager: { entityLabel: 'app' } },
        },
      }),
    ).toEqual([]);
  });

  it('fails the start on a blank token, naming the key', async () => {
    await expect(
      registeredHandlers({
        releaseCoordinator: { webhooks: { alertmanager: { token: '  ' } } },
      }),
    ).rejects.toThrow(
      'releaseCoordinator.webhooks.alertmanager.token must not be empty',
    );
  });
});

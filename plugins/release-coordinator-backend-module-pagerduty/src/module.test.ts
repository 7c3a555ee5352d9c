import { registeredExtensions } from '@release-coordinator/backstage-plugin-node/testUtils';
import pagerDutyModule from './index';

/** What the module adds to the extension points, started with `config`. */
async function registered(config: object) {
  const { incidentProviders, webhookHandlers } = await registeredExtensions({
    module: pagerDutyModule,
    config,
  });
  return {
    paths: webhookHandlers.map(h => h.path),
    providerIds: incidentProviders.map(p => p.id),
  };
}

describe('pagerduty module', () => {
  it('registers the webhook when a secret is set and the pull when a token is set', async () => {
    expect(
      await registered({
        releaseCoordinator: {
          webhooks: { pagerduty: { secret: 's' } },
          pagerduty: { token: 't' },
        },
      }),
    ).toEqual({ paths: ['pagerduty'], providerIds: ['pagerduty'] });
    expect(
      await registered({
        releaseCoordinator: { webhooks: { pagerduty: { secret: 's' } } },
      }),
    ).toEqual({ paths: ['pagerduty'], providerIds: [] });
    expect(
      await registered({ releaseCoordinator: { pagerduty: { token: 't' } } }),
    ).toEqual({ paths: [], providerIds: ['pagerduty'] });
  });

  it('stays inert without configuration', async () => {
    expect(await registered({})).toEqual({ paths: [], providerIds: [] });
  });

  it.each([
    [
      { pagerduty: { token: 't', baseUrl: 'ftp://pd' } },
      'releaseCoordinator.pagerduty.baseUrl',
    ],
    [
      { pagerduty: { token: 't', lookbackDays: 400 } },
      'releaseCoordinator.pagerduty.lookbackDays',
    ],
    [{ pagerduty: { token: ' ' } }, 'releaseCoordinator.pagerduty.token'],
    [
      { webhooks: { pagerduty: { secret: '' } } },
      'releaseCoordinator.webhooks.pagerduty.secret',
    ],
  ])(
    'fails the start on bad config %j, naming the key',
    async (releaseCoordinator, key) => {
      await expect(registered({ releaseCoordinator })).rejects.toThrow(key);
    },
  );
});

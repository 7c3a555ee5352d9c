import { registeredExtensions } from '@release-coordinator/backstage-plugin-node/testUtils';
import openCostModule from './index';
import { readOpenCostSettings } from './config';
import { ConfigReader } from '@backstage/config';

/** What the module adds to the extension points, started with `config`. */
async function registered(config: object) {
  const { costProviders } = await registeredExtensions({
    module: openCostModule,
    config,
  });
  return costProviders.map(p => p.id);
}

describe('opencost module', () => {
  it('registers the cost provider when releaseCoordinator.opencost is set', async () => {
    expect(
      await registered({
        releaseCoordinator: { opencost: { baseUrl: 'http://opencost:9003' } },
      }),
    ).toEqual(['opencost']);
  });

  it('stays inert without configuration', async () => {
    expect(await registered({})).toEqual([]);
    expect(await registered({ releaseCoordinator: {} })).toEqual([]);
  });

  it.each([
    [{}, 'releaseCoordinator.opencost.baseUrl'],
    [{ baseUrl: 'ftp://opencost' }, 'releaseCoordinator.opencost.baseUrl'],
    [
      { baseUrl: 'http://oc', currency: 'usd' },
      'releaseCoordinator.opencost.currency',
    ],
    [
      { baseUrl: 'http://oc', lookbackDays: 0 },
      'releaseCoordinator.opencost.lookbackDays',
    ],
    [
      { baseUrl: 'http://oc', lookbackDays: 1.5 },
      'releaseCoordinator.opencost.lookbackDays',
    ],
    [
      { baseUrl: 'http://oc', resolution: 'fast' },
      'releaseCoordinator.opencost.resolution',
    ],
    [{ baseUrl: 'http://oc', token: ' ' }, 'releaseCoordinator.opencost.token'],
    [
      {
        baseUrl: 'http://oc',
        token: 't',
        headers: { authorization: 'Basic x' },
      },
      'releaseCoordinator.opencost.token',
    ],
    [
      { baseUrl: 'http://oc', requestTimeout: { seconds: 0 } },
      'releaseCoordinator.opencost.requestTimeout',
    ],
  ])(
    'fails the start on bad config %j, naming the key',
    async (opencost, key) => {
      await expect(
        registered({ releaseCoordinator: { opencost } }),
      ).rejects.toThrow(key);
    },
  );
});

describe('readOpenCostSettings', () => {
  it('fills the defaults', () => {
    expect(
      readOpenCostSettings(
        new ConfigReader({
          releaseCoordinator: { opencost: { baseUrl: 'http://oc:9003/' } },
        }),
      ),
    ).toEqual({
      baseUrl: 'http://oc:9003',
      currency: 'USD',
      lookbackDays: 30,
      resolution: '10m',
      requestTimeoutMs: 60_000,
      headers: {},
    });
  });

  it('reads every key, the token becoming a bearer Authorization header', () => {
    expect(
      readOpenCostSettings(
        new ConfigReader({
          releaseCoordinator: {
            opencost: {
              baseUrl: 'https://opencost.example.com/api',
              currency: 'EUR',
              lookbackDays: 90,
              resolution: '1h',
              requestTimeout: { minutes: 2 },
              token: 'tok',
              headers: { 'X-Scope-OrgID': 'acme' },
            },
          },
        }),
      ),
    ).toEqual({
      baseUrl: 'https://opencost.example.com/api',
      currency: 'EUR',
      lookbackDays: 90,
      resolution: '1h',
      requestTimeoutMs: 120_000,
      headers: { 'X-Scope-OrgID': 'acme', Authorization: 'Bearer tok' },
    });
  });
});

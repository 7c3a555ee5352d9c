import { registeredExtensions } from '@release-coordinator/backstage-plugin-node/testUtils';
import awsCostModule from './index';

/** What the module adds to the extension points, started with `config`. */
async function registered(config: object) {
  const { costProviders } = await registeredExtensions({
    module: awsCostModule,
    config,
  });
  return costProviders.map(p => p.id);
}

describe('aws-cost module', () => {
  it('adds the aws-cost provider once releaseCoordinator.awsCost is set', async () => {
    expect(
      await registered({
        releaseCoordinator: { awsCost: { metric: 'AmortizedCost' } },
      }),
    ).toEqual(['aws-cost']);
  });

  it('stays inert without configuration', async () => {
    expect(await registered({})).toEqual([]);
    expect(await registered({ releaseCoordinator: {} })).toEqual([]);
  });

  it.each([
    [{ metric: 'UsageQuantity' }, 'releaseCoordinator.awsCost.metric'],
    [{ accountId: '12345' }, 'releaseCoordinator.awsCost.accountId'],
    [{ lookbackDays: 0 }, 'releaseCoordinator.awsCost.lookbackDays'],
    [{ lookbackDays: 400 }, 'releaseCoordinator.awsCost.lookbackDays'],
    [{ endpoint: 'ftp://ce' }, 'releaseCoordinator.awsCost.endpoint'],
    [{ region: 'Virginia' }, 'releaseCoordinator.awsCost.region'],
    [{ cacheTtl: 'soon' }, 'releaseCoordinator.awsCost.cacheTtl'],
  ])(
    'fails the start on bad config %j, naming the key',
    async (awsCost, key) => {
      await expect(
        registered({ releaseCoordinator: { awsCost } }),
      ).rejects.toThrow(key);
    },
  );
});

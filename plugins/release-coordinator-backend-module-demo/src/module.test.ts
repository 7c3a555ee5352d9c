import { registeredExtensions } from '@release-coordinator/backstage-plugin-node/testUtils';
import demoModule from './index';

/** What the module adds to the extension points, started with `config`. */
async function registeredProviders(config: object) {
  const registered = await registeredExtensions({ module: demoModule, config });
  return {
    deployments: registered.deploymentProviders,
    incidents: registered.incidentProviders,
    costs: registered.costProviders,
  };
}

describe('demo module', () => {
  it('registers the demo deployment and incident providers when enabled', async () => {
    const { deployments, incidents, costs } = await registeredProviders({
      releaseCoordinator: { demo: { enabled: true } },
    });
    expect(deployments.map(p => p.id)).toEqual(['demo']);
    expect(incidents.map(p => p.id)).toEqual(['demo']);
    expect(costs.map(p => p.id)).toEqual(['demo']);
  });

  it.each([
    ['absent', {}],
    ['false', { releaseCoordinator: { demo: { enabled: false } } }],
  ])('registers nothing when enabled is %s', async (_name, config) => {
    const { deployments, incidents, costs } = await registeredProviders(config);
    expect(deployments).toEqual([]);
    expect(incidents).toEqual([]);
    expect(costs).toEqual([]);
  });
});

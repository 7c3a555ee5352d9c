import {
  entityCostsSignalChannel,
  entityDeploymentsSignalChannel,
  entityReleasesSignalChannel,
  releaseSignalChannel,
} from './signals';

describe('signal channels', () => {
  it('names the channel of one release', () => {
    expect(releaseSignalChannel('3f2a')).toBe(
      'release-coordinator:release:3f2a',
    );
  });

  it('names the channels of an entity in lower case', () => {
    expect(entityReleasesSignalChannel('Component:Default/Payments')).toBe(
      'release-coordinator:releases:component:default/payments',
    );
    expect(entityDeploymentsSignalChannel('Component:Default/Payments')).toBe(
      'release-coordinator:deployments:component:default/payments',
    );
    expect(entityCostsSignalChannel('Component:Default/Payments')).toBe(
      'release-coordinator:costs:component:default/payments',
    );
  });
});

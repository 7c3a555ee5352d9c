import { Entity } from '@backstage/catalog-model';
import {
  defaultMetricsEnvironment,
  metricsEnvironments,
} from './metricsEnvironments';

function entityWith(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', annotations },
  };
}

describe('metricsEnvironments', () => {
  it('reads the release-coordinator/environments annotation', () => {
    const environments = metricsEnvironments(
      entityWith({
        'release-coordinator/environments': ' dev, staging ,prod-eu,,dev',
      }),
    );
    expect(environments).toEqual(['dev', 'staging', 'prod-eu']);
    expect(defaultMetricsEnvironment(environments)).toBe('dev');
  });

  it('falls back to staging and production, defaulting to production', () => {
    const environments = metricsEnvironments(entityWith());
    expect(environments).toEqual(['staging', 'production']);
    expect(defaultMetricsEnvironment(environments)).toBe('production');
  });
});

import {
  isDeliveryOverviewAvailable,
  isReleaseCoordinatorAvailable,
} from './isReleaseCoordinatorAvailable';
import {
  annotatedComponent,
  group,
  plainComponent,
} from './__testUtils__/fixtures';

describe('isReleaseCoordinatorAvailable', () => {
  it('is true for an entity with a Release Coordinator annotation', () => {
    expect(isReleaseCoordinatorAvailable(annotatedComponent)).toBe(true);
  });

  it.each([
    'gitlab.com/project-id',
    'argocd/app-selector',
    'pagerduty.com/service-id',
    'prometheus.io/service-name',
    'aws.amazon.com/cost-insights-tags',
    'opencost.io/aggregate',
    'release-coordinator/environments',
  ])('is true for an entity annotated only with %s', annotation => {
    expect(
      isReleaseCoordinatorAvailable({
        ...plainComponent,
        metadata: {
          ...plainComponent.metadata,
          annotations: { [annotation]: 'x' },
        },
      }),
    ).toBe(true);
  });

  it('is false without annotations or with unrelated ones only', () => {
    expect(isReleaseCoordinatorAvailable(plainComponent)).toBe(false);
    expect(
      isReleaseCoordinatorAvailable({
        ...plainComponent,
        metadata: {
          ...plainComponent.metadata,
          annotations: { 'backstage.io/techdocs-ref': 'dir:.' },
        },
      }),
    ).toBe(false);
  });
});

describe('isDeliveryOverviewAvailable', () => {
  it('is true for groups, systems and domains only', () => {
    expect(isDeliveryOverviewAvailable(group)).toBe(true);
    expect(isDeliveryOverviewAvailable({ ...group, kind: 'System' })).toBe(
      true,
    );
    expect(isDeliveryOverviewAvailable({ ...group, kind: 'Domain' })).toBe(
      true,
    );
    expect(isDeliveryOverviewAvailable({ ...group, kind: 'Resource' })).toBe(
      false,
    );
    expect(isDeliveryOverviewAvailable(annotatedComponent)).toBe(false);
  });
});

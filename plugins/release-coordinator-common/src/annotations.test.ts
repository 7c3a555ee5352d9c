import fc from 'fast-check';
import {
  ANNOTATION_ARGOCD_APP_SELECTOR,
  ANNOTATION_GITHUB_PROJECT_SLUG,
  ANNOTATION_RELEASE_COORDINATOR_ENVIRONMENTS,
  RELEASE_COORDINATOR_ANNOTATIONS,
  hasReleaseCoordinatorAnnotation,
} from './annotations';

describe('RELEASE_COORDINATOR_ANNOTATIONS', () => {
  it('lists every annotation of docs/product.md §8 exactly once', () => {
    expect([...RELEASE_COORDINATOR_ANNOTATIONS].sort()).toEqual(
      [
        'argocd/app-name',
        'argocd/app-selector',
        'aws.amazon.com/cost-insights-tags',
        'github.com/project-slug',
        'gitlab.com/project-id',
        'gitlab.com/project-slug',
        'opencost.io/aggregate',
        'pagerduty.com/service-id',
        'prometheus.io/service-name',
        'release-coordinator/environments',
      ].sort(),
    );
  });
});

describe('hasReleaseCoordinatorAnnotation', () => {
  it('is false without annotations', () => {
    expect(hasReleaseCoordinatorAnnotation(undefined)).toBe(false);
    expect(hasReleaseCoordinatorAnnotation({})).toBe(false);
  });

  it('is false when only unrelated annotations are present', () => {
    expect(
      hasReleaseCoordinatorAnnotation({
        'backstage.io/techdocs-ref': 'dir:.',
        'github.com/team-slug': 'acme/payments',
      }),
    ).toBe(false);
  });

  it('is true for each known annotation on its own', () => {
    for (const key of RELEASE_COORDINATOR_ANNOTATIONS) {
      expect(hasReleaseCoordinatorAnnotation({ [key]: 'some-value' })).toBe(
        true,
      );
    }
  });

  it('ignores known annotations whose value is blank', () => {
    expect(
      hasReleaseCoordinatorAnnotation({
        [ANNOTATION_GITHUB_PROJECT_SLUG]: '',
        [ANNOTATION_ARGOCD_APP_SELECTOR]: '   ',
      }),
    ).toBe(false);
  });

  it('is true when a known annotation sits among unrelated ones', () => {
    expect(
      hasReleaseCoordinatorAnnotation({
        'backstage.io/source-location': 'url:https://example.com',
        [ANNOTATION_RELEASE_COORDINATOR_ENVIRONMENTS]: 'staging,production',
      }),
    ).toBe(true);
  });

  it('agrees with a direct scan for arbitrary annotation maps', () => {
    const key = fc.oneof(
      fc.constantFrom(...RELEASE_COORDINATOR_ANNOTATIONS),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.dictionary(key, fc.string()), annotations => {
        const expected = Object.entries(annotations).some(
          ([k, v]) =>
            (RELEASE_COORDINATOR_ANNOTATIONS as readonly string[]).includes(
              k,
            ) && v.trim().length > 0,
        );
        expect(hasReleaseCoordinatorAnnotation(annotations)).toBe(expected);
      }),
    );
  });
});

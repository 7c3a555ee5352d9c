/** `owner/repo` of the entity's GitHub repository. @public */
export const ANNOTATION_GITHUB_PROJECT_SLUG = 'github.com/project-slug';
/** `group/project` path of the entity's GitLab project. @public */
export const ANNOTATION_GITLAB_PROJECT_SLUG = 'gitlab.com/project-slug';
/** Numeric id of the entity's GitLab project. @public */
export const ANNOTATION_GITLAB_PROJECT_ID = 'gitlab.com/project-id';
/** Name of the entity's Argo CD application (never together with the selector). @public */
export const ANNOTATION_ARGOCD_APP_NAME = 'argocd/app-name';
/** Label selector of the entity's Argo CD applications (never together with the name). @public */
export const ANNOTATION_ARGOCD_APP_SELECTOR = 'argocd/app-selector';
/** Id of the entity's PagerDuty service. @public */
export const ANNOTATION_PAGERDUTY_SERVICE_ID = 'pagerduty.com/service-id';
/** Value of the alert label that names this entity in Prometheus/Alertmanager alerts. @public */
export const ANNOTATION_PROMETHEUS_SERVICE_NAME = 'prometheus.io/service-name';
/** `key=value[,key=value]` AWS cost-allocation tags that together select the entity's cost. @public */
export const ANNOTATION_AWS_COST_INSIGHTS_TAGS =
  'aws.amazon.com/cost-insights-tags';
/** OpenCost aggregation key of the entity, e.g. `label:app=payments`. @public */
export const ANNOTATION_OPENCOST_AGGREGATE = 'opencost.io/aggregate';
/** Optional comma list of environment names the entity deploys to. @public */
export const ANNOTATION_RELEASE_COORDINATOR_ENVIRONMENTS =
  'release-coordinator/environments';

/**
 * Every entity annotation the Release Coordinator reads (docs/product.md §8).
 *
 * @public
 */
export const RELEASE_COORDINATOR_ANNOTATIONS = [
  ANNOTATION_GITHUB_PROJECT_SLUG,
  ANNOTATION_GITLAB_PROJECT_SLUG,
  ANNOTATION_GITLAB_PROJECT_ID,
  ANNOTATION_ARGOCD_APP_NAME,
  ANNOTATION_ARGOCD_APP_SELECTOR,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  ANNOTATION_PROMETHEUS_SERVICE_NAME,
  ANNOTATION_AWS_COST_INSIGHTS_TAGS,
  ANNOTATION_OPENCOST_AGGREGATE,
  ANNOTATION_RELEASE_COORDINATOR_ENVIRONMENTS,
] as const;

/**
 * One of the entity annotations the Release Coordinator reads.
 *
 * @public
 */
export type ReleaseCoordinatorAnnotation =
  (typeof RELEASE_COORDINATOR_ANNOTATIONS)[number];

/**
 * True when the annotations contain at least one Release Coordinator
 * annotation with a non-blank value (an empty value names no data source).
 *
 * @public
 */
export function hasReleaseCoordinatorAnnotation(
  annotations?: Record<string, string>,
): boolean {
  if (!annotations) {
    return false;
  }
  return RELEASE_COORDINATOR_ANNOTATIONS.some(key => {
    const value = annotations[key];
    return typeof value === 'string' && value.trim() !== '';
  });
}

import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_RELEASE_COORDINATOR_ENVIRONMENTS } from '@release-coordinator/backstage-plugin-common';

/** The environment metrics are shown for first (METRICS.md default). */
export const DEFAULT_METRICS_ENVIRONMENT = 'production';

const FALLBACK_ENVIRONMENTS = ['staging', 'production'];

/**
 * The environments of an entity's metrics selector: its
 * `release-coordinator/environments` annotation, else staging and production.
 */
export function metricsEnvironments(entity: Entity): string[] {
  const annotation =
    entity.metadata.annotations?.[ANNOTATION_RELEASE_COORDINATOR_ENVIRONMENTS];
  const listed = (annotation ?? '')
    .split(',')
    .map(name => name.trim())
    .filter(Boolean);
  return listed.length ? [...new Set(listed)] : FALLBACK_ENVIRONMENTS;
}

/** Production when the entity deploys there, else its first environment. */
export function defaultMetricsEnvironment(environments: string[]): string {
  return environments.includes(DEFAULT_METRICS_ENVIRONMENT)
    ? DEFAULT_METRICS_ENVIRONMENT
    : environments[0] ?? DEFAULT_METRICS_ENVIRONMENT;
}

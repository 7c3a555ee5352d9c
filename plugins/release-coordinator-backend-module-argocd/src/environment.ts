import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_RELEASE_COORDINATOR_ENVIRONMENTS } from '@release-coordinator/backstage-plugin-common';
import { ArgoCdApplication } from './types';

/**
 * Label on an Argo CD Application naming the Release Coordinator environment
 * it deploys to, when the entity lists several environments.
 */
export const ARGOCD_ENVIRONMENT_LABEL = 'release-coordinator/environment';

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(part => part.trim())
    .filter(Boolean);
}

/**
 * The environment an application deploys to:
 * 1. the entity's only `release-coordinator/environments` value;
 * 2. the application's `release-coordinator/environment` label;
 * 3. of the annotated environments (or, without the annotation, those of
 *    `releaseCoordinator.environments`), the one that is a `-`/`.`/`_`
 *    separated word of the destination namespace or the application name
 *    (`payments-production`; `prod.payments` does not match `production`);
 * 4. the destination namespace, else `default`.
 */
export function environmentOf(
  entity: Entity,
  app: ArgoCdApplication,
  configuredEnvironments: string[] = [],
): string {
  const annotated = splitList(
    entity.metadata.annotations?.[ANNOTATION_RELEASE_COORDINATOR_ENVIRONMENTS],
  );
  if (annotated.length === 1) {
    return annotated[0];
  }
  const label = app.metadata.labels?.[ARGOCD_ENVIRONMENT_LABEL]?.trim();
  if (label) {
    return label;
  }
  const namespace = app.spec?.destination?.namespace?.trim();
  const words = new Set(
    [namespace ?? '', app.metadata.name].flatMap(text => text.split(/[-._]/)),
  );
  const candidates = annotated.length > 0 ? annotated : configuredEnvironments;
  const matched = candidates.find(environment => words.has(environment));
  return matched ?? (namespace || 'default');
}

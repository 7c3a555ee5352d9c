import { Entity } from '@backstage/catalog-model';
import { hasReleaseCoordinatorAnnotation } from '@release-coordinator/backstage-plugin-common';

/**
 * True when the entity carries at least one Release Coordinator annotation
 * (docs/product.md §8), i.e. when its entity tabs have a data source to show.
 *
 * @public
 */
export function isReleaseCoordinatorAvailable(entity: Entity): boolean {
  return hasReleaseCoordinatorAnnotation(entity.metadata.annotations);
}

/**
 * True for the entity kinds that get the Delivery overview roll-up: Group,
 * System and Domain (METRICS.md scope).
 *
 * @public
 */
export function isDeliveryOverviewAvailable(entity: Entity): boolean {
  const kind = entity.kind.toLocaleLowerCase('en-US');
  return kind === 'group' || kind === 'system' || kind === 'domain';
}

import { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { toStoredEntityRef } from '../service/entityRefs';
import { callUpstream } from '../service/upstreamErrors';

/**
 * The owner (lower-case entity ref, a group by default) of a catalog entity,
 * or undefined when the entity is unknown or names no owner. Asked with the
 * plugin's own credentials: the caller was already authorized on the entity.
 */
export async function findEntityOwner(
  catalog: CatalogService,
  auth: AuthService,
  entityRef: string,
): Promise<string | undefined> {
  const credentials = await auth.getOwnServiceCredentials();
  const entity = await callUpstream(
    'catalog',
    `Could not look up the owner of ${entityRef}`,
    () => catalog.getEntityByRef(entityRef, { credentials }),
  );
  const owner = entity?.spec?.owner;
  if (typeof owner !== 'string' || !owner) {
    return undefined;
  }
  return toStoredEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: entity!.metadata.namespace ?? 'default',
    }),
  );
}

import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { Request } from 'express';
import { toStoredEntityRef } from './entityRefs';
import { entityPathSchema, parseInput } from './validation';

/** An entity of a `/entities/:kind/:namespace/:name/...` route the caller may act on. */
export interface AuthorizedEntity {
  entity: Entity;
  /** The entity's ref in stored (lower-case) form. */
  entityRef: string;
  credentials: BackstageCredentials;
}

/**
 * The shared first step of every entity route: parse the path, authenticate
 * (user or service), find the entity in the catalog with the caller's
 * credentials (404 when missing or not visible), and authorize `permission`
 * with the entity as resource (403 when denied).
 */
export async function authorizeEntityRoute(options: {
  req: Request;
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  permissions: PermissionsService;
  permission: ResourcePermission<'catalog-entity'>;
  /** What is being done, for the 403 message, e.g. `read the releases of`. */
  action: string;
}): Promise<AuthorizedEntity> {
  const { req, httpAuth, catalog, permissions, permission, action } = options;
  const entityPath = parseInput(entityPathSchema, req.params, 'path');
  const credentials = await httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });

  // The catalog applies its own read permission: an entity the caller may
  // not see is reported as missing.
  const entity = await catalog.getEntityByRef(entityPath, { credentials });
  if (!entity) {
    throw new NotFoundError(
      `No entity ${toStoredEntityRef(entityPath)} in the catalog`,
    );
  }
  const entityRef = toStoredEntityRef({
    kind: entity.kind,
    namespace: entity.metadata.namespace,
    name: entity.metadata.name,
  });

  const [decision] = await permissions.authorize(
    [{ permission, resourceRef: entityRef }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`Not allowed to ${action} ${entityRef}`);
  }
  return { entity, entityRef, credentials };
}

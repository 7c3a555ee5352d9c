import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  HealthResponse,
  ListResponse,
  Release,
  releaseReadPermission,
} from '@release-coordinator/backstage-plugin-common';
import express from 'express';
import Router from 'express-promise-router';
import { ReleaseStore } from '../database/ReleaseStore';
import { toStoredEntityRef } from './entityRefs';
import {
  entityPathSchema,
  listReleasesQuerySchema,
  parseInput,
} from './validation';

/** What the router needs from the plugin's wiring. */
export interface RouterOptions {
  config: RootConfigService;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: ReleaseStore;
}

/** Creates the HTTP API of the plugin (see src/schema/openapi.yaml). */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { config, logger, httpAuth, permissions, catalog, store } = options;

  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    const body: HealthResponse = { status: 'ok' };
    res.json(body);
  });

  router.get('/entities/:kind/:namespace/:name/releases', async (req, res) => {
    const entityPath = parseInput(entityPathSchema, req.params, 'path');
    const query = parseInput(listReleasesQuerySchema, req.query, 'query');
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
      [{ permission: releaseReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to read the releases of ${entityRef}`,
      );
    }

    const items = await store.listReleases({
      entityRef,
      environment: query.environment,
      limit: query.limit,
    });
    const body: ListResponse<Release> = { items };
    res.json(body);
  });

  router.use(MiddlewareFactory.create({ config, logger }).error());
  return router;
}

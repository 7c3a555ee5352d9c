import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { Request } from 'express';
import type { Call } from '../operations/Operations';
import { entityPathSchema, parseInput } from '../service/validation';
import {
  AccessControl,
  AuthorizedEntity,
  EntityPermission,
} from './AccessControl';

/**
 * The HTTP flavour of {@link AccessControl}: the caller's credentials from
 * the request (`httpAuth`), then the same decisions. Routes use this; code
 * that acts without a request (actions, automation) uses `AccessControl`.
 */
export class HttpAccess {
  constructor(
    private readonly httpAuth: HttpAuthService,
    /** The request-free access layer underneath. */
    readonly control: AccessControl,
  ) {}

  /** The caller's credentials: a user or a service (401 without any). */
  credentials(req: Request): Promise<BackstageCredentials> {
    return this.httpAuth.credentials(req, { allow: ['user', 'service'] });
  }

  /**
   * The caller of a route for the shared operations (src/operations): its
   * credentials (401 without any) and the request, for the auditor events.
   */
  async call(req: Request): Promise<Call> {
    return {
      credentials: await this.credentials(req),
      via: { channel: 'http', request: req },
    };
  }

  /** The entity of an `/entities/:kind/:namespace/:name/...` path (400). */
  entityPath(req: Request): CompoundEntityRef {
    return parseInput(entityPathSchema, req.params, 'path');
  }

  /**
   * The first step of every `/entities/:kind/:namespace/:name/...` route:
   * parse the path (400), authenticate (401), find the entity (404) and
   * authorize `permission` on it (403).
   */
  async entityRoute(
    req: Request,
    permission: EntityPermission,
    action: string,
    credentials?: BackstageCredentials,
  ): Promise<AuthorizedEntity> {
    const caller = credentials ?? (await this.credentials(req));
    const entityPath = parseInput(entityPathSchema, req.params, 'path');
    return this.control.authorizeEntity({
      credentials: caller,
      entityRef: entityPath,
      permission,
      action,
    });
  }
}

import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { callUpstream } from '../service/upstreamErrors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  Release,
  releaseCreatePermission,
  releaseUpdatePermission,
} from '@release-coordinator/backstage-plugin-common';
import { Actor } from '../releases/ApprovalPolicy';
import { toStoredEntityRef } from '../service/entityRefs';

/** A permission on a catalog entity, as every Release Coordinator permission is. */
export type EntityPermission = ResourcePermission<'catalog-entity'>;

/** An entity the caller may see in the catalog and act on. */
export interface AuthorizedEntity {
  entity: Entity;
  /** The entity's ref in stored (lower-case) form. */
  entityRef: string;
  credentials: BackstageCredentials;
}

/** What {@link AccessControl} needs. */
export interface AccessControlOptions {
  auth: AuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  catalog: CatalogService;
}

/**
 * The one way into the Release Coordinator for every caller (HTTP routes,
 * and anything else that acts for a principal, such as actions): who is
 * asking (credentials → principal), may they (`permissions.authorize` with
 * the catalog entity as resource), then the domain services apply their own
 * rules (eligibility, roles, separation of duties).
 *
 * No principal type skips the permission framework: service principals are
 * authorized like users, so the `accessRestrictions` of external-access
 * tokens and conditional policy decisions apply to them. Credentials of any
 * other kind are refused with 401 (none) or 403 (unknown), never a 500.
 */
export class AccessControl {
  private readonly auth: AuthService;
  private readonly userInfo: UserInfoService;
  private readonly permissions: PermissionsService;
  private readonly catalog: CatalogService;

  constructor(options: AccessControlOptions) {
    this.auth = options.auth;
    this.userInfo = options.userInfo;
    this.permissions = options.permissions;
    this.catalog = options.catalog;
  }

  /**
   * Who acts: a user with the refs they own or belong to (their groups, from
   * the sign-in resolver), or a service by its subject.
   */
  async actorOf(credentials: BackstageCredentials): Promise<Actor> {
    this.assertPrincipal(credentials);
    if (this.auth.isPrincipal(credentials, 'service')) {
      return {
        type: 'service',
        ref: credentials.principal.subject,
        ownershipRefs: [],
      };
    }
    const info = await this.userInfo.getUserInfo(credentials);
    const ref = lowerCase(info.userEntityRef);
    return {
      type: 'user',
      ref,
      ownershipRefs: [
        ...new Set([ref, ...info.ownershipEntityRefs.map(lowerCase)]),
      ],
    };
  }

  /**
   * Finds the entity in the catalog with the caller's credentials (404 when
   * missing or not visible to them) and authorizes `permission` on it (403).
   * Both questions are asked side by side; a missing entity is a 404 whatever
   * the decision. `notFound` replaces the 404 message, for resources (a
   * release, a rollback) that are found through their entity.
   */
  async authorizeEntity(options: {
    credentials: BackstageCredentials;
    entityRef: string | CompoundEntityRef;
    permission: EntityPermission;
    /** What is being done, for the 403 message, e.g. `read the releases of`. */
    action: string;
    notFound?: string;
  }): Promise<AuthorizedEntity> {
    const { credentials, permission, action } = options;
    this.assertPrincipal(credentials);
    const requestedRef = storedRefOf(options.entityRef);
    const [found, [allowed]] = await Promise.all([
      this.findEntity(credentials, requestedRef, options.notFound),
      this.decide(credentials, requestedRef, [permission]),
    ]);
    if (!allowed) {
      throw new NotAllowedError(`Not allowed to ${action} ${found.entityRef}`);
    }
    return found;
  }

  /**
   * Authorizes `permission` on every entity of a batch (e.g. pushed events),
   * in one request to the permission framework; 403 naming every denied
   * entity. Whether the entities exist is the caller's question (a 400 per
   * item for pushed events).
   */
  async authorizeEntities(options: {
    credentials: BackstageCredentials;
    entityRefs: Iterable<string>;
    permission: EntityPermission;
    /** What is being done, for the 403 message, e.g. `push events for`. */
    action: string;
  }): Promise<void> {
    const { credentials, permission, action } = options;
    this.assertPrincipal(credentials);
    const distinct = [...new Set([...options.entityRefs].map(storedRefOf))];
    if (distinct.length === 0) {
      return;
    }
    const decisions = await this.permissions.authorize(
      distinct.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    const denied = distinct.filter(
      (_ref, i) => decisions[i]?.result !== AuthorizeResult.ALLOW,
    );
    if (denied.length > 0) {
      throw new NotAllowedError(
        `Not allowed to ${action} ${denied.join(', ')}`,
      );
    }
  }

  /**
   * Whether `permission` is allowed on the entity, without throwing: for
   * decisions that change what happens rather than whether the request is
   * served (e.g. whether a pushed incident may trigger a rollback).
   */
  async isAllowed(options: {
    credentials: BackstageCredentials;
    entityRef: string;
    permission: EntityPermission;
  }): Promise<boolean> {
    this.assertPrincipal(options.credentials);
    const [allowed] = await this.decide(
      options.credentials,
      storedRefOf(options.entityRef),
      [options.permission],
    );
    return allowed;
  }

  /**
   * Who may change a release (`PATCH /releases/:id`): whoever holds
   * `release.update` on its entity (in the portal's policy: the entity's
   * owners and the privileged groups), and its creator as long as they hold
   * `release.create` on the entity. Both are decisions of the permission
   * framework; being the creator is the domain's part. 404 when the caller
   * may not see the entity, 403 otherwise.
   */
  async authorizeReleaseChange(options: {
    credentials: BackstageCredentials;
    release: Release;
  }): Promise<AuthorizedEntity & { actor: Actor }> {
    const { credentials, release } = options;
    this.assertPrincipal(credentials);
    const entityRef = storedRefOf(release.entityRef);
    const [found, [mayUpdate, mayCreate], actor] = await Promise.all([
      this.findEntity(credentials, entityRef, `No release ${release.id}`),
      this.decide(credentials, entityRef, [
        releaseUpdatePermission,
        releaseCreatePermission,
      ]),
      this.actorOf(credentials),
    ]);
    const creator = actor.ref === lowerCase(release.createdBy);
    if (mayUpdate || (creator && mayCreate)) {
      return { ...found, actor };
    }
    throw new NotAllowedError(
      `Not allowed to change release ${release.id} of ${entityRef}: only its creator (${release.createdBy}) or a holder of ${releaseUpdatePermission.name} on the entity (its owners) may`,
    );
  }

  /** The entity as the caller sees it; 404 when missing or hidden. */
  private async findEntity(
    credentials: BackstageCredentials,
    entityRef: string,
    notFound: string | undefined,
  ): Promise<AuthorizedEntity> {
    // The catalog applies its own read permission: an entity the caller may
    // not see is reported as missing.
    const entity = await callUpstream(
      'catalog',
      `Could not look up ${entityRef} in the catalog`,
      () => this.catalog.getEntityByRef(entityRef, { credentials }),
    );
    if (!entity) {
      throw new NotFoundError(
        notFound ?? `No entity ${entityRef} in the catalog`,
      );
    }
    return {
      entity,
      entityRef: toStoredEntityRef({
        kind: entity.kind,
        namespace: entity.metadata.namespace,
        name: entity.metadata.name,
      }),
      credentials,
    };
  }

  /** One decision per permission on the entity, in one request. */
  private async decide(
    credentials: BackstageCredentials,
    entityRef: string,
    permissions: EntityPermission[],
  ): Promise<boolean[]> {
    const decisions = await this.permissions.authorize(
      permissions.map(permission => ({ permission, resourceRef: entityRef })),
      { credentials },
    );
    return permissions.map(
      (_permission, i) => decisions[i]?.result === AuthorizeResult.ALLOW,
    );
  }

  /** 401 without credentials, 403 for principals that are neither user nor service. */
  private assertPrincipal(credentials: BackstageCredentials): void {
    if (this.auth.isPrincipal(credentials, 'none')) {
      throw new AuthenticationError('Missing credentials');
    }
    if (
      !this.auth.isPrincipal(credentials, 'user') &&
      !this.auth.isPrincipal(credentials, 'service')
    ) {
      throw new NotAllowedError(
        `Principals of type '${
          (credentials.principal as { type?: string })?.type ?? 'unknown'
        }' may not use the Release Coordinator`,
      );
    }
  }
}

function lowerCase(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}

/** The stored form of a ref; a malformed one is a 400 naming it, not a 500. */
function storedRefOf(ref: string | CompoundEntityRef): string {
  try {
    return toStoredEntityRef(
      typeof ref === 'string'
        ? parseEntityRef(ref, { defaultNamespace: 'default' })
        : ref,
    );
  } catch {
    throw new InputError(
      `'${
        typeof ref === 'string' ? ref : JSON.stringify(ref)
      }' is not an entity ref`,
    );
  }
}

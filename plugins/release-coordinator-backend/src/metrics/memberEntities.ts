import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  RELATION_PARENT_OF,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { metricsReadPermission } from '@release-coordinator/backstage-plugin-common';
import { Request } from 'express';
import { AccessControl, AuthorizedEntity } from '../access/AccessControl';
import { HttpAccess } from '../access/HttpAccess';
import { toStoredEntityRef } from '../service/entityRefs';
import { entityPathSchema, parseInput } from '../service/validation';

/** An entity whose deployments, incidents and cost a metric counts. */
export interface MetricsMember {
  /** Stored (lower-case) entity ref. */
  entityRef: string;
  title?: string;
}

const MEMBER_KINDS = ['component', 'resource'];
const ROLL_UP_KINDS = ['group', 'system', 'domain'];
// Filter values per catalog request: keeps request URLs short.
const FILTER_CHUNK = 100;
// A cycle in spec.children must not walk forever.
const MAX_GROUPS = 10_000;

const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
];

function refOf(entity: Entity): string {
  return toStoredEntityRef({
    kind: entity.kind,
    namespace: entity.metadata.namespace,
    name: entity.metadata.name,
  });
}

function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** Whether metrics of this entity roll up what it owns or contains. */
export function isRollUpEntity(entity: Entity): boolean {
  return ROLL_UP_KINDS.includes(entity.kind.toLocaleLowerCase('en-US'));
}

/** Child group refs of a group: `spec.children` and `parentOf` relations. */
function childGroupRefs(group: Entity): string[] {
  const children = Array.isArray(group.spec?.children)
    ? (group.spec?.children as unknown[]).filter(
        (c): c is string => typeof c === 'string',
      )
    : [];
  const fromSpec = children.flatMap(child => {
    try {
      return [
        toStoredEntityRef(
          parseEntityRef(child, {
            defaultKind: 'group',
            defaultNamespace: group.metadata.namespace ?? 'default',
          }),
        ),
      ];
    } catch {
      return [];
    }
  });
  const fromRelations = (group.relations ?? [])
    .filter(r => r.type === RELATION_PARENT_OF)
    .map(r => r.targetRef.toLocaleLowerCase('en-US'));
  return [...fromSpec, ...fromRelations].filter(ref =>
    ref.startsWith('group:'),
  );
}

/**
 * The member entities of a metrics request (METRICS.md "Window and scope"),
 * as the caller may see them in the catalog:
 * - Group: Components and Resources owned by the group or a descendant group;
 * - System: Components and Resources with `spec.system` = the system;
 * - Domain: Components and Resources of the domain's systems;
 * - any other entity: itself.
 */
export async function resolveMetricsMembers(options: {
  entity: Entity;
  catalog: CatalogService;
  credentials: BackstageCredentials;
}): Promise<MetricsMember[]> {
  const { entity, catalog, credentials } = options;
  const kind = entity.kind.toLocaleLowerCase('en-US');

  /** Entities with any of `values` in the relation field, in chunks. */
  async function related(field: string, values: string[]): Promise<Entity[]> {
    const found: Entity[] = [];
    for (const chunk of chunked(values, FILTER_CHUNK)) {
      const { items } = await catalog.getEntities(
        { filter: { [field]: chunk }, fields: ENTITY_FIELDS },
        { credentials },
      );
      found.push(...items);
    }
    return found;
  }

  function membersOf(entities: Entity[]): MetricsMember[] {
    const members = new Map<string, MetricsMember>();
    for (const e of entities) {
      if (MEMBER_KINDS.includes(e.kind.toLocaleLowerCase('en-US'))) {
        members.set(refOf(e), { entityRef: refOf(e), title: e.metadata.title });
      }
    }
    return [...members.values()].sort((a, b) =>
      a.entityRef < b.entityRef ? -1 : 1,
    );
  }

  if (kind === 'group') {
    const groups = new Set([refOf(entity)]);
    let frontier = childGroupRefs(entity).filter(ref => !groups.has(ref));
    while (frontier.length > 0 && groups.size < MAX_GROUPS) {
      frontier.forEach(ref => groups.add(ref));
      const { items } = await catalog.getEntitiesByRefs(
        {
          entityRefs: frontier,
          fields: [...ENTITY_FIELDS, 'spec.children', 'relations'],
        },
        { credentials },
      );
      frontier = [
        ...new Set(
          items
            .filter((g): g is Entity => g !== undefined)
            .flatMap(childGroupRefs),
        ),
      ].filter(ref => !groups.has(ref));
    }
    return membersOf(await related('relations.ownedBy', [...groups]));
  }
  if (kind === 'system') {
    return membersOf(await related('relations.partOf', [refOf(entity)]));
  }
  if (kind === 'domain') {
    const systems = (await related('relations.partOf', [refOf(entity)]))
      .filter(e => e.kind.toLocaleLowerCase('en-US') === 'system')
      .map(refOf);
    return membersOf(
      systems.length === 0 ? [] : await related('relations.partOf', systems),
    );
  }
  return [{ entityRef: refOf(entity), title: entity.metadata.title }];
}

/** What a metrics or cost route may read: the entity and its members. */
export interface MetricsScope extends AuthorizedEntity {
  members: MetricsMember[];
  entityRefs: string[];
  rollUp: boolean;
}

/** How long a resolved scope is reused for the same token and entity. */
export const METRICS_SCOPE_TTL_MS = 10_000;
const METRICS_SCOPE_MAX_ENTRIES = 1_000;

/**
 * Remembers, for a few seconds, the resolved scope of a metrics request per
 * caller token and entity path: a tab asks for an entity's metrics, series
 * and breakdown together, and each would otherwise ask the catalog and the
 * permission backend again (for a group: the catalog's list of its
 * members). Only successes are kept, and the caller is still authenticated
 * on every request; an entity, member or permission change is seen at most
 * {@link METRICS_SCOPE_TTL_MS} late. One cache per router instance.
 */
export class MetricsScopeCache {
  private readonly entries = new Map<
    string,
    { expiresAt: number; scope: Promise<MetricsScope> }
  >();

  constructor(
    private readonly options: {
      ttlMs?: number;
      maxEntries?: number;
      now?: () => number;
    } = {},
  ) {}

  get(key: string, load: () => Promise<MetricsScope>): Promise<MetricsScope> {
    const now = (this.options.now ?? Date.now)();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) {
      return hit.scope;
    }
    const maxEntries = this.options.maxEntries ?? METRICS_SCOPE_MAX_ENTRIES;
    if (this.entries.size >= maxEntries) {
      for (const [k, entry] of this.entries) {
        if (entry.expiresAt <= now) this.entries.delete(k);
      }
      // Still full: drop the oldest insertions.
      for (const k of this.entries.keys()) {
        if (this.entries.size < maxEntries) break;
        this.entries.delete(k);
      }
    }
    const scope = load();
    this.entries.set(key, {
      expiresAt: now + (this.options.ttlMs ?? METRICS_SCOPE_TTL_MS),
      scope,
    });
    scope.catch(() => {
      if (this.entries.get(key)?.scope === scope) this.entries.delete(key);
    });
    return scope;
  }
}

/**
 * The shared first step of the metrics and cost reads (routes and actions):
 * find the entity (404) and authorize `release-coordinator.metrics.read` on
 * it (403) through the access layer, then resolve its members. With a
 * `cache` and a `cacheKey` (the caller's token), the scope is reused per
 * token and entity (see {@link MetricsScopeCache}).
 */
export async function authorizeMetricsScope(options: {
  credentials: BackstageCredentials;
  entityRef: string | CompoundEntityRef;
  control: AccessControl;
  catalog: CatalogService;
  /** What is being done, for the 403 message, e.g. `read the cost of`. */
  action: string;
  cache?: MetricsScopeCache;
  /** What identifies the caller for the cache, e.g. the bearer token. */
  cacheKey?: string;
}): Promise<MetricsScope> {
  const { credentials, entityRef, control, catalog, action, cache, cacheKey } =
    options;

  const load = async (): Promise<MetricsScope> => {
    const authorized = await control.authorizeEntity({
      credentials,
      entityRef,
      permission: metricsReadPermission,
      action,
    });
    const members = await resolveMetricsMembers({
      entity: authorized.entity,
      catalog,
      credentials,
    });
    return {
      ...authorized,
      members,
      entityRefs: members.map(member => member.entityRef),
      rollUp: isRollUpEntity(authorized.entity),
    };
  };

  if (!cache || !cacheKey) {
    return load();
  }
  const refKey =
    typeof entityRef === 'string' ? entityRef : toStoredEntityRef(entityRef);
  return cache.get(`${cacheKey}\n${refKey}`, load);
}

/**
 * The HTTP form of {@link authorizeMetricsScope}: the entity from the path
 * (400), the caller from the request (401), cached per bearer token.
 */
export async function authorizeMetricsScopeOfRequest(options: {
  req: Request;
  access: HttpAccess;
  catalog: CatalogService;
  action: string;
  cache?: MetricsScopeCache;
}): Promise<MetricsScope> {
  const { req, access } = options;
  const credentials = await access.credentials(req);
  const entityPath = parseInput(entityPathSchema, req.params, 'path');
  const token = req.headers.authorization;
  return authorizeMetricsScope({
    ...options,
    credentials,
    entityRef: entityPath,
    control: access.control,
    cacheKey: typeof token === 'string' && token !== '' ? token : undefined,
  });
}

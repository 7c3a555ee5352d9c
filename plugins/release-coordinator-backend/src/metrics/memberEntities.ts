import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_PARENT_OF,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { metricsReadPermission } from '@release-coordinator/backstage-plugin-common';
import { authorizeEntityRoute } from '../service/entityAccess';
import { toStoredEntityRef } from '../service/entityRefs';

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

/**
 * The shared first step of the metrics and cost routes: parse the entity
 * path, authenticate, find the entity (404), authorize
 * `release-coordinator.metrics.read` on it (403), then resolve its members.
 */
export async function authorizeMetricsScope(
  options: Omit<Parameters<typeof authorizeEntityRoute>[0], 'permission'>,
) {
  const authorized = await authorizeEntityRoute({
    ...options,
    permission: metricsReadPermission,
  });
  const members = await resolveMetricsMembers({
    entity: authorized.entity,
    catalog: options.catalog,
    credentials: authorized.credentials,
  });
  return {
    ...authorized,
    members,
    entityRefs: members.map(member => member.entityRef),
    rollUp: isRollUpEntity(authorized.entity),
  };
}

import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  Deployment,
  DeploymentInput,
  entityDeploymentsSignalChannel,
  EnvironmentsResponse,
  EventItemResult,
  Incident,
  IncidentInput,
  ListResponse,
} from '@release-coordinator/backstage-plugin-common';
import { z } from 'zod';
import {
  DeploymentStore,
  DeploymentUpsert,
  IncidentUpsert,
  ListDeploymentsOptions,
  ListIncidentsOptions,
  UpsertOutcome,
} from './DeploymentStore';
import { parseDeploymentsFast } from './fastValidation';
import type { ReleaseTransition } from '../releases/releaseLifecycle';
import { callerKeyOf, KnownEntityCache } from './KnownEntityCache';
import {
  deploymentInputSchema,
  incidentInputSchema,
  MAX_EVENTS_PER_REQUEST,
} from './validation';

/** Why one item of a batch was rejected. */
export interface ItemProblem {
  index: number;
  field?: string;
  message: string;
}

/** Options of the ingest methods. */
export interface IngestOptions {
  /**
   * Credentials of the caller (a pushed event); the catalog is asked with
   * them. Scheduled pulls leave them out and the plugin's own are used.
   */
  credentials?: BackstageCredentials;
  /**
   * Called once the items are valid and before anything is stored, with the
   * entity refs of the batch and of the stored items it would replace (an
   * item re-sent under another entity moves away from that one); throws to
   * refuse (a pushed event's permission check). Validation runs once, in
   * the service.
   */
  authorize?: (entityRefs: string[]) => Promise<void>;
}

/**
 * Told which stored deployments changed after every ingest (pulls, webhooks,
 * pushed events), e.g. so that a rollback follows its deployment's status.
 */
export type DeploymentChangeListener = (
  changed: Array<{ id: string; entityRef: string }>,
) => Promise<void>;

/**
 * Told of the release state changes an ingest made (docs/gates.md), after
 * they were stored with their audit rows: for the auditor events and signals.
 */
export type ReleaseTransitionListener = (
  transitions: ReleaseTransition[],
) => Promise<void>;

/**
 * Who reported a change: the credentials of a pushed event's caller, or
 * none for the plugin's own pulls and verified webhooks.
 */
export interface ChangeOrigin {
  credentials?: BackstageCredentials;
}

/**
 * Told which incidents each ingest (pulls, webhooks, pushed events) created
 * or changed, as reported, and who reported them, e.g. so that a critical
 * one can trigger an automated rollback.
 */
export type IncidentChangeListener = (
  changed: Incident[],
  origin: ChangeOrigin,
) => Promise<void>;

/** What ingesting a pull stored, and which pulled items it left out. */
export interface PulledIngestResult {
  /** Per-item results of the items stored, in the order of the kept items. */
  results: EventItemResult[];
  /** The items left out, by their index in the pulled list, and why. */
  skipped: ItemProblem[];
}

/** Refuses a whole batch with a 400 naming each bad item (index and field). */
export function rejectBatch(total: number, problems: ItemProblem[]): never {
  const indices = new Set(problems.map(p => p.index));
  const details = problems
    .map(p => `[${p.index}] ${p.field ? `${p.field}: ` : ''}${p.message}`)
    .join('; ');
  throw new InputError(
    `Rejected ${indices.size} of ${total} items, nothing was stored: ${details}`,
  );
}

/**
 * Checks every item of a batch against a schema; throws one 400 naming every
 * bad item and field, or returns the parsed items.
 */
export function validateAll<T extends z.ZodTypeAny>(
  schema: T,
  items: unknown[],
): z.infer<T>[] {
  const problems: ItemProblem[] = [];
  const valid: z.infer<T>[] = [];
  items.forEach((item, index) => {
    const result = schema.safeParse(item);
    if (result.success) {
      valid.push(result.data);
      return;
    }
    for (const issue of result.error.issues) {
      const path = issue.path.join('.');
      if (issue.code === z.ZodIssueCode.unrecognized_keys) {
        for (const key of issue.keys) {
          const field = path ? `${path}.${key}` : key;
          problems.push({ index, field, message: 'unknown field' });
        }
        continue;
      }
      problems.push({
        index,
        ...(path && { field: path }),
        message: issue.message,
      });
    }
  });
  if (problems.length > 0) {
    rejectBatch(items.length, problems);
  }
  return valid;
}

/**
 * The items of a batch whose `entityRef` the catalog does not know (or the
 * caller may not see), as problems naming the entity; one catalog call, for
 * the refs that the `cache` (if given) does not know this caller sees.
 */
export async function findUnknownEntities(options: {
  items: Array<{ entityRef: string }>;
  catalog: CatalogService;
  credentials: BackstageCredentials;
  cache?: KnownEntityCache;
}): Promise<ItemProblem[]> {
  const { items, catalog, credentials, cache } = options;
  const callerKey = callerKeyOf(credentials);
  const distinct = new Set(items.map(item => item.entityRef));
  const known = cache?.known(callerKey, distinct) ?? new Set<string>();
  const refs = [...distinct].filter(ref => !known.has(ref));
  if (refs.length === 0) {
    return [];
  }
  const { items: entities } = await catalog.getEntitiesByRefs(
    {
      entityRefs: refs.map(ref => stringifyEntityRef(parseEntityRef(ref))),
      fields: ['kind', 'metadata.namespace', 'metadata.name'],
    },
    { credentials },
  );
  cache?.remember(
    callerKey,
    refs.filter((_ref, i) => entities[i]),
  );
  const unknown = new Set(refs.filter((_ref, i) => !entities[i]));
  return items.flatMap((item, index) =>
    unknown.has(item.entityRef)
      ? [
          {
            index,
            field: 'entityRef',
            message: `entity ${item.entityRef} is not in the catalog`,
          },
        ]
      : [],
  );
}

/**
 * The items of a `POST /events/*` body: one object is a batch of one, an
 * array is a batch of up to 1000.
 */
export function toBatch(body: unknown): unknown[] {
  const items = Array.isArray(body) ? body : [body];
  if (items.length > MAX_EVENTS_PER_REQUEST) {
    throw new InputError(
      `Invalid body: at most ${MAX_EVENTS_PER_REQUEST} items per request, got ${items.length}`,
    );
  }
  return items;
}

/**
 * The signal channel on which changes of an entity's deployments are
 * announced (the Deployments tab listens to it and reloads).
 */
export function deploymentsSignalChannel(entityRef: string): string {
  return entityDeploymentsSignalChannel(entityRef);
}

/** Per-item results of an accepted batch. */
export function toResults(
  outcomes: Array<Pick<UpsertOutcome, 'status'> & { id?: string }>,
): EventItemResult[] {
  return outcomes.map((outcome, index) => ({
    index,
    status: outcome.status,
    ...(outcome.id !== undefined && { id: outcome.id }),
  }));
}

/**
 * The rules of deployments and incidents: validation of pushed and pulled
 * reports, entity resolution through the catalog, rollback references, and
 * the reads of the Deployments tab. Webhooks, pushed events and scheduled
 * pulls all ingest through here.
 *
 * A batch is all or nothing: every item is checked first, and if any is
 * rejected the whole batch is refused with a 400 naming each bad item (its
 * index and field or entity) and nothing is stored.
 */
export class DeploymentService {
  private readonly store: DeploymentStore;
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly signals?: SignalsService;
  private readonly logger?: LoggerService;
  private readonly knownEntities: KnownEntityCache;
  private readonly changeListeners: DeploymentChangeListener[] = [];
  private readonly incidentListeners: IncidentChangeListener[] = [];
  private readonly transitionListeners: ReleaseTransitionListener[] = [];

  constructor(options: {
    store: DeploymentStore;
    catalog: CatalogService;
    auth: AuthService;
    /** When given, changed entities are announced to open Deployments tabs. */
    signals?: SignalsService;
    logger?: LoggerService;
    /**
     * Entities the catalog recently showed each caller (see
     * {@link KnownEntityCache}); a default one when not given.
     */
    knownEntities?: KnownEntityCache;
  }) {
    this.knownEntities = options.knownEntities ?? new KnownEntityCache();
    this.store = options.store;
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.signals = options.signals;
    this.logger = options.logger;
  }

  /**
   * The items of a `POST /events/*` body: one object is a batch of one, an
   * array is a batch of up to 1000.
   */
  toBatch(body: unknown): unknown[] {
    return toBatch(body);
  }

  /** Checks the fields of deployment reports; throws a 400 naming each bad one. */
  parseDeployments(items: unknown[]): DeploymentInput[] {
    // Well-formed batches skip zod (fastValidation.ts); anything else gets
    // the schema's full report.
    return (
      parseDeploymentsFast(items) ?? validateAll(deploymentInputSchema, items)
    );
  }

  /** Checks the fields of incident reports; throws a 400 naming each bad one. */
  parseIncidents(items: unknown[]): IncidentInput[] {
    return validateAll(incidentInputSchema, items);
  }

  /**
   * Validates and upserts deployments by (source, externalId); all or
   * nothing (see the class documentation).
   */
  async ingestDeployments(
    items: readonly unknown[],
    options: IngestOptions = {},
  ): Promise<EventItemResult[]> {
    const valid = this.parseDeployments([...items]);
    if (options.authorize) {
      await options.authorize(
        await this.affectedEntityRefs(valid, (source, externalIds) =>
          this.store.findDeployments(source, externalIds),
        ),
      );
    }
    // Two independent reads (the catalog, the store): side by side.
    const [unknownEntities, badRollbackTargets] = await Promise.all([
      this.findUnknownEntities(valid, options),
      this.findBadRollbackTargets(valid),
    ]);
    const problems = [...unknownEntities, ...badRollbackTargets];
    if (problems.length > 0) {
      rejectBatch(valid.length, problems);
    }
    const upserts: DeploymentUpsert[] = valid.map(
      ({ rollbackOf, commits, ...item }) => ({
        ...item,
        ...(rollbackOf !== undefined && { rollbackOfExternalId: rollbackOf }),
        commits: commits ?? [],
      }),
    );
    const outcomes = await this.store.upsertDeployments(upserts);
    await this.notifyTransitions(
      outcomes.flatMap(outcome => outcome.releaseTransitions ?? []),
    );
    await this.announceChanges(
      upserts.filter((_item, i) => outcomes[i].status !== 'unchanged'),
    );
    await this.notify(
      'deployment',
      this.changeListeners,
      outcomes.flatMap((outcome, i) =>
        outcome.status === 'unchanged'
          ? []
          : [{ id: outcome.id, entityRef: upserts[i].entityRef }],
      ),
    );
    return toResults(outcomes);
  }

  /** Adds a listener told of the deployments each ingest changed. */
  addChangeListener(listener: DeploymentChangeListener): void {
    this.changeListeners.push(listener);
  }

  /** Adds a listener told of the release moves each ingest stored. */
  addReleaseTransitionListener(listener: ReleaseTransitionListener): void {
    this.transitionListeners.push(listener);
  }

  /** Tells each transition listener of the stored release moves, if any. */
  private async notifyTransitions(
    transitions: ReleaseTransition[],
  ): Promise<void> {
    if (transitions.length === 0) return;
    for (const listener of this.transitionListeners) {
      try {
        await listener(transitions);
      } catch (error) {
        // The moves are stored with their audit rows; the listener's
        // failure (a missed signal or auditor event) is its own.
        this.logger?.warn(`A release transition listener failed: ${error}`);
      }
    }
  }

  /** Tells each listener of the changed items, if any. */
  private async notify<T>(
    what: 'deployment' | 'incident',
    listeners: Array<(changed: T[], origin: ChangeOrigin) => Promise<void>>,
    changed: T[],
    origin: ChangeOrigin = {},
  ): Promise<void> {
    if (changed.length === 0) {
      return;
    }
    for (const listener of listeners) {
      try {
        await listener(changed, origin);
      } catch (error) {
        // The items are stored; a listener's failure is its own.
        this.logger?.warn(`A ${what} change listener failed: ${error}`);
      }
    }
  }

  /**
   * Validates and upserts incidents by (source, externalId); all or nothing
   * (see the class documentation).
   */
  async ingestIncidents(
    items: readonly unknown[],
    options: IngestOptions = {},
  ): Promise<EventItemResult[]> {
    const valid = this.parseIncidents([...items]);
    if (options.authorize) {
      await options.authorize(
        await this.affectedEntityRefs(valid, (source, externalIds) =>
          this.store.findIncidents(source, externalIds),
        ),
      );
    }
    const problems = await this.findUnknownEntities(valid, options);
    if (problems.length > 0) {
      rejectBatch(valid.length, problems);
    }
    const upserts: IncidentUpsert[] = valid;
    const outcomes = await this.store.upsertIncidents(upserts);
    await this.notify(
      'incident',
      this.incidentListeners,
      outcomes.flatMap((outcome, i) =>
        outcome.status === 'unchanged'
          ? []
          : [{ id: outcome.id, ...upserts[i] }],
      ),
      { credentials: options.credentials },
    );
    return toResults(outcomes);
  }

  /**
   * Ingests what a scheduled pull returned. Unlike a pushed batch, a pull is
   * not all or nothing: an item that fails validation (or whose entity or
   * rollback target is unknown) is left out and reported, and the others
   * are stored, so one bad item from a provider never blocks its history
   * (docs/product.md §5).
   */
  async ingestPulledDeployments(
    items: readonly unknown[],
  ): Promise<PulledIngestResult> {
    return this.ingestPulled(
      items,
      item => this.parseDeployments([item])[0],
      async valid => [
        ...(await this.findUnknownEntities(valid, {})),
        ...(await this.findBadRollbackTargets(valid)),
      ],
      kept => this.ingestDeployments(kept),
    );
  }

  /** Ingests what an incident pull returned; see {@link ingestPulledDeployments}. */
  async ingestPulledIncidents(
    items: readonly unknown[],
  ): Promise<PulledIngestResult> {
    return this.ingestPulled(
      items,
      item => this.parseIncidents([item])[0],
      valid => this.findUnknownEntities(valid, {}),
      kept => this.ingestIncidents(kept),
    );
  }

  private async ingestPulled<T>(
    items: readonly unknown[],
    parse: (item: unknown) => T,
    findProblems: (valid: T[]) => Promise<ItemProblem[]>,
    ingest: (kept: T[]) => Promise<EventItemResult[]>,
  ): Promise<PulledIngestResult> {
    const skipped: ItemProblem[] = [];
    let kept: Array<{ index: number; item: T }> = [];
    items.forEach((item, index) => {
      try {
        kept.push({ index, item: parse(item) });
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        skipped.push({ index, message: error.message });
      }
    });
    // Leaving an item out can orphan a rollback that names it: check again
    // until the kept items are consistent (each round drops at least one).
    for (;;) {
      const problems = await findProblems(kept.map(k => k.item));
      if (problems.length === 0) break;
      const bad = new Set(problems.map(p => p.index));
      for (const problem of problems) {
        skipped.push({ ...problem, index: kept[problem.index].index });
      }
      kept = kept.filter((_k, i) => !bad.has(i));
    }
    skipped.sort((a, b) => a.index - b.index);
    for (const problem of skipped) {
      const item = items[problem.index] as
        | { source?: unknown; externalId?: unknown }
        | undefined;
      this.logger?.warn(
        `Skipped pulled item ${problem.index} (${String(item?.source)}/${String(
          item?.externalId,
        )}): ${problem.field ? `${problem.field}: ` : ''}${problem.message}`,
      );
    }
    const results = kept.length > 0 ? await ingest(kept.map(k => k.item)) : [];
    return { results, skipped };
  }

  /** Adds a listener told of the incidents each ingest created or changed. */
  addIncidentListener(listener: IncidentChangeListener): void {
    this.incidentListeners.push(listener);
  }

  /** A page of an entity's deployments, newest first. */
  listDeployments(
    options: ListDeploymentsOptions,
  ): Promise<ListResponse<Deployment>> {
    return this.store.listDeployments(options);
  }

  /** A page of an entity's incidents, newest first. */
  listIncidents(
    options: ListIncidentsOptions,
  ): Promise<ListResponse<Incident>> {
    return this.store.listIncidents(options);
  }

  /** What runs where for an entity, and how fresh its providers' data is. */
  async getEnvironments(entityRef: string): Promise<EnvironmentsResponse> {
    const [items, sync] = await Promise.all([
      this.store.getEnvironmentSummaries(entityRef),
      this.store.getSyncStates(entityRef),
    ]);
    return { items, sync };
  }

  /** Tells open Deployments tabs of the changed entities to reload. */
  private async announceChanges(
    changed: Array<{ entityRef: string }>,
  ): Promise<void> {
    if (!this.signals) {
      return;
    }
    for (const entityRef of new Set(changed.map(item => item.entityRef))) {
      try {
        await this.signals.publish({
          recipients: { type: 'broadcast' },
          channel: deploymentsSignalChannel(entityRef),
          message: { entityRef },
        });
      } catch (error) {
        // The data is stored; a missed signal only delays a reload.
        this.logger?.warn(
          `Could not signal the deployments change of ${entityRef}: ${error}`,
        );
      }
    }
  }

  /**
   * Items whose entity the catalog does not know (at most one catalog call
   * per batch, none when the catalog recently showed the caller every entity).
   */
  private async findUnknownEntities(
    items: Array<{ entityRef: string }>,
    options: IngestOptions,
  ): Promise<ItemProblem[]> {
    return findUnknownEntities({
      items,
      catalog: this.catalog,
      credentials:
        options.credentials ?? (await this.auth.getOwnServiceCredentials()),
      cache: this.knownEntities,
    });
  }

  /**
   * The entities a batch changes: those it names, and those of the stored
   * items with the same (source, externalId), which a report under another
   * entity takes away from them.
   */
  private async affectedEntityRefs(
    items: Array<{ entityRef: string; source: string; externalId: string }>,
    findStored: (
      source: string,
      externalIds: string[],
    ) => Promise<Array<{ entityRef: string }>>,
  ): Promise<string[]> {
    const refs = new Set(items.map(item => item.entityRef));
    const bySource = new Map<string, string[]>();
    for (const item of items) {
      const externalIds = bySource.get(item.source) ?? [];
      externalIds.push(item.externalId);
      bySource.set(item.source, externalIds);
    }
    for (const [source, externalIds] of bySource) {
      for (const stored of await findStored(source, externalIds)) {
        refs.add(stored.entityRef);
      }
    }
    return [...refs];
  }

  /**
   * Items whose `rollbackOf` names no deployment of the same source and
   * entity, neither stored nor in the batch.
   */
  private async findBadRollbackTargets(
    items: DeploymentInput[],
  ): Promise<ItemProblem[]> {
    const wanted = new Map<string, Set<string>>();
    for (const item of items) {
      if (item.rollbackOf === undefined) continue;
      const set = wanted.get(item.source) ?? new Set<string>();
      set.add(item.rollbackOf);
      wanted.set(item.source, set);
    }
    if (wanted.size === 0) {
      return [];
    }
    // Where each target lives: the batch's own report wins over the stored
    // row, since it is about to replace it.
    const entityOf = new Map<string, string>();
    for (const [source, externalIds] of wanted) {
      for (const found of await this.store.findDeployments(source, [
        ...externalIds,
      ])) {
        entityOf.set(
          JSON.stringify([source, found.externalId]),
          found.entityRef,
        );
      }
    }
    for (const item of items) {
      entityOf.set(
        JSON.stringify([item.source, item.externalId]),
        item.entityRef,
      );
    }
    return items.flatMap((item, index): ItemProblem[] => {
      if (item.rollbackOf === undefined) return [];
      const target = entityOf.get(
        JSON.stringify([item.source, item.rollbackOf]),
      );
      if (target === undefined) {
        return [
          {
            index,
            field: 'rollbackOf',
            message: `no deployment ${item.rollbackOf} from source ${item.source}`,
          },
        ];
      }
      if (target !== item.entityRef) {
        return [
          {
            index,
            field: 'rollbackOf',
            message: `deployment ${item.rollbackOf} from source ${item.source} belongs to ${target}, not ${item.entityRef}`,
          },
        ];
      }
      return [];
    });
  }
}

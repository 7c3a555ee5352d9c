import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  hasReleaseCoordinatorAnnotation,
  RELEASE_COORDINATOR_ANNOTATIONS,
} from '@release-coordinator/backstage-plugin-common';
import {
  CostProvider,
  DeploymentProvider,
  IncidentProvider,
} from '@release-coordinator/backstage-plugin-node';
import { toStoredEntityRef } from '../service/entityRefs';
import {
  DEFAULT_RETRY_POLICY,
  describeError,
  RetryPolicy,
  sleep,
  withRetry,
} from './retry';
import { readProviderSchedule } from './scheduleConfig';
import {
  CostSink,
  ProviderSink,
  ProviderStateStore,
  ProviderStreamKind,
  providerSyncKey,
} from './types';

/** What the scheduler needs from the plugin's wiring. */
export interface ProviderSyncSchedulerOptions {
  config: Config;
  logger: LoggerService;
  scheduler: SchedulerService;
  auth: AuthService;
  catalog: CatalogService;
  deploymentProviders: DeploymentProvider[];
  incidentProviders: IncidentProvider[];
  sink: ProviderSink;
  state: ProviderStateStore;
  /** Cost providers, pulled like the others into `costSink`. */
  costProviders?: CostProvider[];
  /** Where pulled cost records go; required when costProviders are given. */
  costSink?: CostSink;
  /** Overrides the default retry bounds (tests use short delays). */
  retryPolicy?: Partial<RetryPolicy>;
  /** Waits between retries; defaults to an abortable timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Current time in ms; defaults to `Date.now`. */
  now?: () => number;
}

/** Outcome of one provider's run, for logs and tests. */
export interface ProviderSyncSummary {
  providerId: string;
  /** Entities pulled successfully, per kind. */
  succeeded: number;
  /** Entities whose pull or ingestion failed (after retries), per kind. */
  failed: number;
  /** Deployments and incidents handed to the sink. */
  items: number;
  /** Of those, the items the sink left out as invalid (logged by it). */
  skipped: number;
}

/** One kind of pull of one provider. */
interface SyncStream {
  kind: ProviderStreamKind;
  provider: DeploymentProvider | IncidentProvider | CostProvider;
  /** Pulls one entity and hands its items to the sink; returns the new cursor and item count. */
  pullAndIngest(
    entity: Entity,
    cursor: string | undefined,
    signal: AbortSignal,
  ): Promise<{ cursor?: string; items: number; skipped: number }>;
}

/**
 * Schedules the provider pulls (docs/product.md §5): one global task per provider id
 * (`release-coordinator.sync.<id>`), on the schedule from
 * `releaseCoordinator.schedule`. A run walks every catalog entity with a
 * Release Coordinator annotation that the provider applies to, pulls from
 * its stored cursor, hands the items to the sink and stores the new cursor;
 * a failing entity is recorded and skipped, so it never blocks the others.
 */
export class ProviderSyncScheduler {
  readonly #options: ProviderSyncSchedulerOptions;
  readonly #retryPolicy: RetryPolicy;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #now: () => number;
  readonly #streamsByProviderId = new Map<string, SyncStream[]>();

  constructor(options: ProviderSyncSchedulerOptions) {
    this.#options = options;
    this.#retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retryPolicy };
    this.#sleep = options.sleep ?? sleep;
    this.#now = options.now ?? Date.now;

    const { sink } = options;
    for (const provider of options.deploymentProviders) {
      this.#addStream(provider.id, {
        kind: 'deployments',
        provider,
        async pullAndIngest(entity, cursor, signal) {
          const result = await provider.pull({ entity, cursor, signal });
          const { skipped } =
            result.deployments.length > 0
              ? await sink.ingestPulledDeployments(result.deployments)
              : { skipped: [] };
          return {
            cursor: result.cursor,
            items: result.deployments.length,
            skipped: skipped.length,
          };
        },
      });
    }
    for (const provider of options.incidentProviders) {
      this.#addStream(provider.id, {
        kind: 'incidents',
        provider,
        async pullAndIngest(entity, cursor, signal) {
          const result = await provider.pull({ entity, cursor, signal });
          const { skipped } =
            result.incidents.length > 0
              ? await sink.ingestPulledIncidents(result.incidents)
              : { skipped: [] };
          return {
            cursor: result.cursor,
            items: result.incidents.length,
            skipped: skipped.length,
          };
        },
      });
    }
    const costProviders = options.costProviders ?? [];
    const costSink = options.costSink;
    if (costProviders.length > 0 && !costSink) {
      throw new Error(
        'Cost providers are registered but no cost sink is given',
      );
    }
    for (const provider of costSink ? costProviders : []) {
      this.#addStream(provider.id, {
        kind: 'costs',
        provider,
        async pullAndIngest(entity, cursor, signal) {
          const result = await provider.pull({ entity, cursor, signal });
          if (result.costs.length > 0) {
            await costSink?.ingestCosts(result.costs);
          }
          return {
            cursor: result.cursor,
            items: result.costs.length,
            skipped: 0,
          };
        },
      });
    }
  }

  #addStream(providerId: string, stream: SyncStream) {
    const streams = this.#streamsByProviderId.get(providerId) ?? [];
    streams.push(stream);
    this.#streamsByProviderId.set(providerId, streams);
  }

  /** The scheduler task id of a provider. */
  static taskId(providerId: string): string {
    return `release-coordinator.sync.${providerId}`;
  }

  /** The provider ids that get a task, in registration order. */
  get providerIds(): string[] {
    return [...this.#streamsByProviderId.keys()];
  }

  /**
   * Schedules one task per provider id. Reads every schedule first, so a
   * bad config value fails the backend's start before anything runs.
   */
  async start(): Promise<void> {
    const { config, scheduler, logger } = this.#options;
    const schedules = this.providerIds.map(providerId => ({
      providerId,
      schedule: readProviderSchedule(config, providerId),
    }));
    for (const { providerId, schedule } of schedules) {
      await scheduler.scheduleTask({
        id: ProviderSyncScheduler.taskId(providerId),
        scope: 'global',
        frequency: schedule.frequency,
        timeout: schedule.timeout,
        initialDelay: schedule.initialDelay,
        fn: async (signal?: AbortSignal) => {
          await this.syncProvider(
            providerId,
            signal ?? new AbortController().signal,
          );
        },
      });
      logger.info(
        `Scheduled Release Coordinator sync of provider '${providerId}' every ${JSON.stringify(
          schedule.frequency,
        )}`,
      );
    }
  }

  /**
   * One run of one provider: every kind it provides, for every entity it
   * applies to. Never throws for a provider or entity failure; those are
   * recorded in the state store.
   */
  async syncProvider(
    providerId: string,
    signal: AbortSignal,
  ): Promise<ProviderSyncSummary> {
    const { logger } = this.#options;
    const summary: ProviderSyncSummary = {
      providerId,
      succeeded: 0,
      failed: 0,
      items: 0,
      skipped: 0,
    };
    const streams = this.#streamsByProviderId.get(providerId);
    if (!streams) {
      return summary;
    }
    const entities = await this.#listAnnotatedEntities();
    for (const stream of streams) {
      await this.#syncStream(stream, entities, signal, summary);
      if (signal.aborted) {
        break;
      }
    }
    logger.info(
      `Release Coordinator sync of '${providerId}': ${
        summary.succeeded
      } pulls succeeded, ${summary.failed} failed, ${summary.items} items (${
        summary.skipped
      } skipped as invalid)${signal.aborted ? ' (aborted)' : ''}`,
    );
    return summary;
  }

  async #listAnnotatedEntities(): Promise<Entity[]> {
    const { auth, catalog } = this.#options;
    const credentials = await auth.getOwnServiceCredentials();
    // An array of filters is an OR: entities having any of the annotations.
    const { items } = await catalog.getEntities(
      {
        filter: RELEASE_COORDINATOR_ANNOTATIONS.map(key => ({
          [`metadata.annotations.${key}`]: CATALOG_FILTER_EXISTS,
        })),
      },
      { credentials },
    );
    // The catalog also matches blank values, which name no data source.
    return items.filter(entity =>
      hasReleaseCoordinatorAnnotation(entity.metadata.annotations),
    );
  }

  async #syncStream(
    stream: SyncStream,
    entities: Entity[],
    signal: AbortSignal,
    summary: ProviderSyncSummary,
  ) {
    const { logger, state } = this.#options;
    const providerId = providerSyncKey(stream.provider.id, stream.kind);
    // Set when the vendor asks for a pause longer than a run may wait;
    // the remaining entities are then skipped instead of hammering it.
    let pausedUntil: number | undefined;

    for (const entity of entities) {
      if (signal.aborted) {
        return;
      }
      if (!this.#appliesTo(stream, entity)) {
        continue;
      }
      const entityRef = toStoredEntityRef({
        kind: entity.kind,
        namespace: entity.metadata.namespace,
        name: entity.metadata.name,
      });
      if (pausedUntil !== undefined && this.#now() < pausedUntil) {
        summary.failed += 1;
        await this.#recordError(
          providerId,
          entityRef,
          `Skipped: ${stream.provider.id} is rate limited until ${new Date(
            pausedUntil,
          ).toISOString()}`,
        );
        continue;
      }

      try {
        const cursor = await state.getCursor(providerId, entityRef);
        const outcome = await withRetry({
          attempt: () => stream.pullAndIngest(entity, cursor, signal),
          policy: this.#retryPolicy,
          signal,
          sleep: this.#sleep,
          now: this.#now,
          onRetry: (delayMs, message) =>
            logger.debug(
              `Retrying ${providerId} pull for ${entityRef} in ${delayMs} ms: ${message}`,
            ),
        });
        if (outcome.ok) {
          await state.recordSyncSuccess({
            providerId,
            entityRef,
            cursor: outcome.value.cursor,
          });
          summary.succeeded += 1;
          summary.items += outcome.value.items;
          summary.skipped += outcome.value.skipped;
        } else if (!signal.aborted) {
          summary.failed += 1;
          pausedUntil = outcome.pausedUntil ?? pausedUntil;
          await this.#recordError(providerId, entityRef, outcome.error);
        }
      } catch (error) {
        // The state store itself failed; log and go on with the next entity.
        summary.failed += 1;
        logger.warn(
          `Release Coordinator sync state of ${providerId} for ${entityRef} could not be read or written: ${describeError(
            error,
          )}`,
        );
      }
    }
  }

  #appliesTo(stream: SyncStream, entity: Entity): boolean {
    try {
      return stream.provider.appliesTo?.(entity) ?? true;
    } catch (error) {
      this.#options.logger.warn(
        `Provider ${
          stream.provider.id
        } failed to decide whether it applies to ${
          entity.metadata.name
        }: ${describeError(error)}`,
      );
      return false;
    }
  }

  async #recordError(providerId: string, entityRef: string, error: string) {
    this.#options.logger.warn(
      `Release Coordinator sync of ${providerId} for ${entityRef} failed: ${error}`,
    );
    try {
      await this.#options.state.recordSyncError({
        providerId,
        entityRef,
        error,
      });
    } catch (storeError) {
      this.#options.logger.warn(
        `Could not record the sync error of ${providerId} for ${entityRef}: ${describeError(
          storeError,
        )}`,
      );
    }
  }
}

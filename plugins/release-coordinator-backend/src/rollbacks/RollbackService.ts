import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { durationToMilliseconds } from '@backstage/types';
import {
  AUTOMATION_ACTOR,
  Deployment,
  ListResponse,
  Release,
  Rollback,
  RollbackPlan,
} from '@release-coordinator/backstage-plugin-common';
import {
  DeploymentProvider,
  DeploymentRollbackCapability,
  RollbackExecution,
  supportsRollback,
} from '@release-coordinator/backstage-plugin-node';
import { createHash } from 'node:crypto';
import { ReleaseStore } from '../database/ReleaseStore';
import { DeploymentChangeListener } from '../deployments/DeploymentService';
import { describeDuration, RollbackSettings } from './config';
import { toWireRollback } from './DatabaseRollbackStore';
import { CallChannel } from '../releases/ReleaseReadiness';
import { RollbackEvents } from './RollbackEvents';
import { resolveRollbackPlan, ResolvedRollbackPlan } from './rollbackPlan';
import {
  ListRollbacksOptions,
  RollbackAnswer,
  RollbackStore,
  StalePlan,
  StoredRollback,
} from './RollbackStore';

/** Most succeeded deployments read to resolve a target. */
const HISTORY_LIMIT = 500;
/** Longest reason accepted. */
export const MAX_REASON_LENGTH = 1000;
/** How often a start retries when the lock holder finished meanwhile. */
const MAX_INSERT_ATTEMPTS = 5;
/**
 * Longest a retry waits for the answer of the first request with its key
 * while that one still runs; then it answers with the rollback as stored.
 */
const REPLAY_WAIT_MS = 15_000;
/** How often a waiting retry looks for that answer. */
const REPLAY_POLL_MS = 25;

/** A provider's failure to start a rollback, answered with 502. */
export class RollbackProviderError extends CustomErrorBase {
  name = 'RollbackProviderError' as const;
  statusCode = 502;
}

/** What an automated rollback carries (see `start`). */
export interface RollbackAutomation {
  /** The incident that triggered it. */
  incidentId: string;
  /** The deployment it rolls back; one automated rollback per deployment. */
  deploymentId: string;
  /** Only record and notify what would have been done. */
  dryRun: boolean;
}

/** Options of {@link RollbackService.start}. */
export interface StartRollbackOptions {
  entityRef: string;
  environment: string;
  targetDeploymentId?: string;
  reason: string;
  confirmMigrationRollback?: boolean;
  idempotencyKey: string;
  /** User entity ref or service subject; ignored for automated rollbacks. */
  initiator: string;
  /** The caller's credentials, for the catalog lookup of the entity. */
  credentials?: BackstageCredentials;
  automation?: RollbackAutomation;
  /** How the call came in (HTTP route, action), for the auditor events. */
  via?: CallChannel;
}

/** What {@link RollbackService} needs. */
export interface RollbackServiceOptions {
  store: RollbackStore;
  /** Release lookups (gates and migration plans) and the audit table. */
  releases: Pick<
    ReleaseStore,
    'getRelease' | 'listReleases' | 'appendAuditEvent'
  >;
  catalog: CatalogService;
  auth: AuthService;
  /** The registered deployment providers; rollbacks run through them. */
  deploymentProviders: readonly DeploymentProvider[];
  /** Names of the configured environments. */
  environments: string[];
  settings: RollbackSettings;
  events: RollbackEvents;
  logger?: LoggerService;
  now?: () => Date;
}

/** The fields of a request that decide whether a retry is the same request. */
function fingerprintOf(options: StartRollbackOptions): string {
  return createHash('sha256')
    .update(
      JSON.stringify({
        environment: options.environment,
        targetDeploymentId: options.targetDeploymentId ?? null,
        reason: options.reason.trim(),
        confirmMigrationRollback: options.confirmMigrationRollback === true,
        automation: options.automation ?? null,
      }),
    )
    .digest('hex');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Rollbacks (docs/product.md §5): what a rollback would do, and starting one through
 * the provider that deployed the environment, exactly once. Correctness
 * under concurrency comes from the database's unique constraints (same
 * idempotency key, one active rollback per entity and environment, one
 * automated rollback per deployment): a start that loses a race re-reads to
 * learn which rule it hit.
 */
export class RollbackService {
  private readonly store: RollbackStore;
  private readonly releases: RollbackServiceOptions['releases'];
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly providers: readonly DeploymentProvider[];
  private readonly environments: Set<string>;
  private readonly settings: RollbackSettings;
  private readonly events: RollbackEvents;
  private readonly logger?: LoggerService;
  private readonly now: () => Date;
  /** Errors thrown after the rollback's failure was already audited. */
  private readonly audited = new WeakSet<Error>();
  /** Errors that are the recorded answer of an earlier request. */
  private readonly replayed = new WeakSet<Error>();

  constructor(options: RollbackServiceOptions) {
    this.store = options.store;
    this.releases = options.releases;
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.providers = options.deploymentProviders;
    this.environments = new Set(options.environments);
    this.settings = options.settings;
    this.events = options.events;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Follows the deployments a rollback started: when one finishes (pulls,
   * webhooks, pushed events), its rollback succeeds or fails and releases
   * the lock. Register with `DeploymentService.addChangeListener`.
   */
  readonly onDeploymentsChanged: DeploymentChangeListener = async changed => {
    const settled = await this.store.settleFromDeployments(
      changed.map(item => item.id),
    );
    for (const rollback of settled) {
      await this.events.changed(
        toWireRollback(rollback),
        rollback.state === 'succeeded' ? 'succeeded' : 'failed',
      );
    }
  };

  /** One rollback; NotFoundError when there is none. */
  async getRollback(id: string): Promise<Rollback> {
    const rollback = await this.store.getRollback(id);
    if (!rollback) {
      throw new NotFoundError(`No rollback ${id}`);
    }
    return toWireRollback(rollback);
  }

  /** Rollbacks of an entity, newest first. */
  listRollbacks(
    options: ListRollbacksOptions,
  ): Promise<ListResponse<Rollback>> {
    return this.store.listRollbacks(options);
  }

  /** What a rollback of the environment would do (the Rollback dialog). */
  async getPlan(
    entityRef: string,
    environment: string,
    targetDeploymentId?: string,
  ): Promise<RollbackPlan> {
    this.assertEnvironment(environment);
    const resolved = await this.resolve(
      entityRef,
      environment,
      targetDeploymentId,
    );
    const provider = resolved.current?.source;
    const active = await this.store.findActive(entityRef, environment);
    return {
      environment,
      ...(resolved.current && { current: resolved.current }),
      ...(resolved.target && { target: resolved.target }),
      ...(resolved.noTargetReason && {
        noTargetReason: resolved.noTargetReason,
      }),
      candidates: resolved.candidates,
      commitsUndone: resolved.commitsUndone,
      migrations: resolved.migrations,
      ...(provider && { provider }),
      providerCanRollback: provider
        ? this.rollbackProvider(provider) !== undefined
        : false,
      ...(active &&
        !this.isStale(active) && { active: toWireRollback(active) }),
    };
  }

  /**
   * Starts a rollback, or returns the one an earlier request with the same
   * idempotency key (or, automated, for the same deployment) started. See
   * the README's Rollback section for the rules.
   */
  async start(options: StartRollbackOptions): Promise<Rollback> {
    const { entityRef, environment, automation } = options;
    this.assertEnvironment(environment);
    const reason = options.reason.trim();
    if (!reason) {
      throw new InputError('reason: must not be empty');
    }
    if (reason.length > MAX_REASON_LENGTH) {
      throw new InputError(
        `reason: must be at most ${MAX_REASON_LENGTH} characters`,
      );
    }
    const fingerprint = fingerprintOf(options);
    try {
      return await this.startOrReplay(options, reason, fingerprint);
    } catch (error) {
      // A refusal before anything was recorded still leaves an auditor trace.
      if (error instanceof Error && !this.audited.has(error)) {
        await this.events.refused({
          entityRef,
          environment,
          initiator: automation ? AUTOMATION_ACTOR : options.initiator,
          reason,
          ...(options.targetDeploymentId && {
            targetDeploymentId: options.targetDeploymentId,
          }),
          error,
          via: options.via,
        });
      }
      throw error;
    }
  }

  /**
   * A request that lost a race to the first request with its own key (the
   * environment's lock, a stale plan) answers as that one did: never a 409
   * about its own rollback.
   */
  private async startOrReplay(
    options: StartRollbackOptions,
    reason: string,
    fingerprint: string,
  ): Promise<Rollback> {
    try {
      return await this.startValidated(options, reason, fingerprint);
    } catch (error) {
      if (
        !(error instanceof ConflictError) ||
        this.replayed.has(error) ||
        this.audited.has(error)
      ) {
        throw error;
      }
      const replay = await this.findReplay(options, fingerprint);
      if (replay) {
        return toWireRollback(replay);
      }
      throw error;
    }
  }

  private async startValidated(
    options: StartRollbackOptions,
    reason: string,
    fingerprint: string,
  ): Promise<Rollback> {
    const { entityRef, environment, automation } = options;
    const replay = await this.findReplay(options, fingerprint);
    if (replay) {
      return toWireRollback(replay);
    }
    if (!automation?.dryRun) {
      await this.expireStale(entityRef, environment);
      const active = await this.store.findActive(entityRef, environment);
      if (active) {
        throw this.busy(active);
      }
    }

    const plan = await this.resolve(
      entityRef,
      environment,
      options.targetDeploymentId,
    );
    const { current, target } = plan;
    if (!current || !target) {
      throw new ConflictError(
        `Cannot roll back ${entityRef} in ${environment}: ${
          plan.noTargetReason ?? 'no target'
        }`,
      );
    }
    const provider = this.rollbackProvider(current.source);
    const base = {
      entityRef,
      environment,
      fromDeploymentId: current.id,
      fromVersion: current.version,
      targetDeploymentId: target.id,
      targetVersion: target.version,
      reason,
      initiator: automation ? AUTOMATION_ACTOR : options.initiator,
      automated: automation !== undefined,
      ...(automation && {
        incidentId: automation.incidentId,
        automatedForDeploymentId: automation.deploymentId,
      }),
      provider: current.source,
      confirmedMigrationRollback:
        !automation && options.confirmMigrationRollback === true,
      idempotencyKey: options.idempotencyKey,
      requestFingerprint: fingerprint,
    };

    const refusal = this.refusal(
      plan,
      base.confirmedMigrationRollback,
      provider,
    );
    if (refusal && !automation) {
      throw new ConflictError(refusal);
    }
    if (refusal || automation?.dryRun) {
      // The automation records what it could not (or would) do, and tells
      // the owners, instead of acting.
      const recorded = await this.insertOrReplay(options, fingerprint, {
        ...base,
        state: refusal ? 'failed' : 'dry-run',
        ...(refusal && { error: refusal }),
      });
      if (recorded.inserted) {
        await this.events.changed(
          toWireRollback(recorded.rollback),
          refusal ? 'failed' : 'dry-run',
          options.via,
        );
      }
      return toWireRollback(recorded.rollback);
    }

    // Before the lock is taken: nothing after it may fail before the
    // provider is asked, or the lock would wait for its timeout.
    const entity = await this.entityOf(entityRef, options.credentials);
    const started = await this.insertOrReplay(options, fingerprint, {
      ...base,
      state: 'pending',
    });
    if (!started.inserted) {
      return toWireRollback(started.rollback);
    }
    await this.events.changed(
      toWireRollback(started.rollback),
      'requested',
      options.via,
    );
    return this.execute({
      rollback: started.rollback,
      entity,
      provider: provider!,
      current,
      target,
      options,
    });
  }

  /**
   * Executes, then records the answer for retries with the same key (see
   * {@link RollbackService.answerOf}).
   */
  private async execute(
    args: Parameters<RollbackService['executeOnce']>[0],
  ): Promise<Rollback> {
    let answer: RollbackAnswer;
    let result: Rollback | undefined;
    let failure: unknown;
    try {
      result = await this.executeOnce(args);
      answer = { rollback: result };
    } catch (error) {
      failure = error;
      // The provider's refusal (409) or failure (502) is the answer; after
      // anything else (a 500) retries get the rollback as stored.
      answer =
        error instanceof Error && this.audited.has(error)
          ? { error: { name: error.name, message: error.message } }
          : {};
    }
    try {
      await this.store.recordAnswer(args.rollback.id, answer);
    } catch (error) {
      this.logger?.warn(
        `Could not record the answer of rollback ${
          args.rollback.id
        }: ${errorMessage(error)}`,
      );
    }
    if (result === undefined) {
      throw failure;
    }
    return result;
  }

  /** Calls the provider once and records what it started. */
  private async executeOnce(args: {
    rollback: StoredRollback;
    entity: Entity;
    provider: DeploymentProvider & DeploymentRollbackCapability;
    current: Deployment;
    target: Deployment;
    options: StartRollbackOptions;
  }): Promise<Rollback> {
    const { rollback, entity, provider, current, target, options } = args;
    let execution: RollbackExecution;
    try {
      execution = await provider.rollback({
        entity,
        environment: rollback.environment,
        target,
        current,
        reason: rollback.reason,
        initiator: rollback.initiator,
        idempotencyKey: options.idempotencyKey,
      });
    } catch (error) {
      const message = errorMessage(error);
      const failed = toWireRollback(
        await this.store.markFailed(
          rollback.id,
          `${provider.id} refused the rollback: ${message}`,
        ),
      );
      await this.events.changed(failed, 'failed', options.via);
      const answer =
        error instanceof Error && error.name === 'ConflictError'
          ? new ConflictError(message)
          : new RollbackProviderError(
              `${provider.id} could not start the rollback: ${message}`,
            );
      this.audited.add(answer);
      throw answer;
    }

    const timestamp = this.now().toISOString();
    const finished = ['succeeded', 'failed', 'cancelled'].includes(
      execution.status,
    );
    const recorded = toWireRollback(
      await this.store.recordExecution(rollback.id, {
        entityRef: rollback.entityRef,
        environment: rollback.environment,
        source: provider.id,
        externalId: execution.externalId,
        version: target.version,
        ...(target.commitSha && { commitSha: target.commitSha }),
        kind: 'rollback',
        status: execution.status,
        startedAt: execution.startedAt ?? timestamp,
        ...(finished && { finishedAt: timestamp }),
        initiator: rollback.initiator,
        ...(execution.url && { url: execution.url }),
        rollbackOfExternalId: current.externalId,
        commits: [],
      }),
    );
    if (recorded.state === 'succeeded' || recorded.state === 'failed') {
      await this.events.changed(recorded, recorded.state, options.via);
      return recorded;
    }
    await this.events.signal(recorded);
    // A report of the run's end that was stored while the transaction above
    // ran found no rollback to settle yet; look once more.
    const [settled] = await this.store.settleFromDeployments([
      recorded.deploymentId!,
    ]);
    if (settled) {
      const wire = toWireRollback(settled);
      await this.events.changed(
        wire,
        wire.state === 'succeeded' ? 'succeeded' : 'failed',
      );
      return wire;
    }
    return recorded;
  }

  /**
   * Inserts the rollback; when a unique constraint refuses it, re-reads to
   * learn which: the same key (return that rollback, or 409 for another
   * request), an automated rollback of the same deployment (return it), or
   * the environment's lock (409 naming the holder). A holder that finished
   * in between means another attempt.
   */
  private async insertOrReplay(
    options: StartRollbackOptions,
    fingerprint: string,
    rollback: Parameters<RollbackStore['insertRollback']>[0],
  ): Promise<{ inserted: boolean; rollback: StoredRollback }> {
    for (let attempt = 0; attempt < MAX_INSERT_ATTEMPTS; attempt++) {
      const result = await this.store.insertRollback(rollback);
      if (result.inserted) {
        return result;
      }
      const replay = await this.findReplay(options, fingerprint);
      if (replay) {
        return { inserted: false, rollback: replay };
      }
      if (result.stale) {
        throw await this.movedAway(options, rollback, result.stale);
      }
      const active = await this.store.findActive(
        options.entityRef,
        options.environment,
      );
      if (active) {
        throw this.busy(active);
      }
      // The plan is stale: another rollback already moved the environment
      // away from the deployment this one would roll back.
      const moved =
        rollback.fromDeploymentId !== undefined
          ? await this.store.findMovedFrom(rollback.fromDeploymentId)
          : undefined;
      if (moved) {
        throw new ConflictError(
          `${options.entityRef} in ${options.environment} no longer runs ${
            rollback.fromVersion ?? rollback.fromDeploymentId
          }: rollback ${moved.id} by ${moved.initiator} (${
            moved.state
          }) already moved it to version ${
            moved.targetVersion
          }; look at the environment again before rolling back`,
        );
      }
    }
    throw new ConflictError(
      `Another rollback of ${options.entityRef} in ${options.environment} is being started; try again`,
    );
  }

  /**
   * The 409 for a plan whose deployment is no longer current, naming the
   * rollback that moved the environment away from it when one did.
   */
  private async movedAway(
    options: StartRollbackOptions,
    rollback: Parameters<RollbackStore['insertRollback']>[0],
    stale: StalePlan,
  ): Promise<ConflictError> {
    const from = rollback.fromVersion ?? rollback.fromDeploymentId;
    const moved =
      rollback.fromDeploymentId !== undefined
        ? await this.store.findMovedFrom(rollback.fromDeploymentId)
        : undefined;
    if (moved) {
      return new ConflictError(
        `${options.entityRef} in ${options.environment} no longer runs ${from}: rollback ${moved.id} by ${moved.initiator} (${moved.state}) already moved it to version ${moved.targetVersion}; look at the environment again before rolling back`,
      );
    }
    const now = stale.current
      ? `it runs version ${stale.current.version} (deployment ${stale.current.id}) now`
      : 'it has no succeeded deployment now';
    return new ConflictError(
      `${options.entityRef} in ${options.environment} no longer runs ${from}: ${now}; look at the environment again before rolling back`,
    );
  }

  /**
   * What a retry answers: for the same key and request, the answer the
   * first request got — waiting (bounded) while that one still runs, and
   * throwing its error again when it failed; another automated request for
   * the same deployment (another incident) gets the rollback as stored.
   */
  private async answerOf(
    options: StartRollbackOptions,
    fingerprint: string,
    found: StoredRollback,
  ): Promise<StoredRollback> {
    if (
      found.idempotencyKey !== options.idempotencyKey ||
      found.requestFingerprint !== fingerprint
    ) {
      return found;
    }
    const deadline = Date.now() + REPLAY_WAIT_MS;
    let answer = await this.store.getAnswer(found.id);
    while (answer === undefined && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, REPLAY_POLL_MS));
      answer = await this.store.getAnswer(found.id);
    }
    if (answer?.error) {
      const { name, message } = answer.error;
      const error =
        name === 'RollbackProviderError'
          ? new RollbackProviderError(message)
          : new ConflictError(message);
      // Audited when it was first answered; not a new refusal.
      this.audited.add(error);
      this.replayed.add(error);
      throw error;
    }
    if (answer?.rollback) {
      return {
        ...answer.rollback,
        idempotencyKey: found.idempotencyKey,
        requestFingerprint: found.requestFingerprint,
      };
    }
    // Recorded in its final state, or the first request never answered.
    return (await this.store.getRollback(found.id)) ?? found;
  }

  /** The rollback an earlier request with this key (or deployment) started. */
  private async findReplay(
    options: StartRollbackOptions,
    fingerprint: string,
  ): Promise<StoredRollback | undefined> {
    // One automated rollback per deployment: a second incident for the same
    // deployment (another reason, another incident) gets the first one.
    if (options.automation) {
      const automated = await this.store.findAutomatedFor(
        options.automation.deploymentId,
      );
      if (automated) {
        return this.answerOf(options, fingerprint, automated);
      }
    }
    const byKey = await this.store.findByIdempotencyKey(
      options.entityRef,
      options.idempotencyKey,
    );
    if (byKey) {
      if (byKey.requestFingerprint !== fingerprint) {
        throw new ConflictError(
          `Idempotency-Key '${options.idempotencyKey}' was already used for a different rollback request (rollback ${byKey.id}); use a new key for a new request`,
        );
      }
      return this.answerOf(options, fingerprint, byKey);
    }
    return undefined;
  }

  /** Why the rollback may not start as asked, if it may not. */
  private refusal(
    plan: ResolvedRollbackPlan,
    confirmed: boolean,
    provider: DeploymentProvider | undefined,
  ): string | undefined {
    const source = plan.current!.source;
    if (!provider) {
      return `Deployments from '${source}' cannot be rolled back from here: no provider module for it executes rollbacks`;
    }
    if (plan.migrations.length > 0 && !confirmed) {
      const versions = plan.migrations.map(m => m.version).join(', ');
      return `Rolling back to ${
        plan.target!.version
      } crosses database migrations of release ${versions}; confirm with confirmMigrationRollback: true after checking that the schema is compatible`;
    }
    return undefined;
  }

  private rollbackProvider(source: string) {
    const provider = this.providers.find(p => p.id === source);
    return provider && supportsRollback(provider) ? provider : undefined;
  }

  private busy(active: StoredRollback): ConflictError {
    return new ConflictError(
      `A rollback of ${active.entityRef} in ${active.environment} is already ${active.state}: rollback ${active.id} by ${active.initiator} since ${active.createdAt}, to version ${active.targetVersion}`,
    );
  }

  private isStale(rollback: StoredRollback): boolean {
    return (
      Date.parse(rollback.createdAt) <
      this.now().getTime() - durationToMilliseconds(this.settings.staleAfter)
    );
  }

  /** Times out the environment's active rollback when it is stale. */
  private async expireStale(
    entityRef: string,
    environment: string,
  ): Promise<void> {
    const expired = await this.store.expireStale({
      entityRef,
      environment,
      createdBefore: new Date(
        this.now().getTime() - durationToMilliseconds(this.settings.staleAfter),
      ),
      error: `Timed out after ${describeDuration(
        this.settings.staleAfter,
      )} without finishing`,
    });
    if (expired) {
      this.logger?.warn(
        `Rollback ${expired.id} of ${entityRef} in ${environment} timed out`,
      );
      await this.events.changed(toWireRollback(expired), 'failed');
    }
  }

  private assertEnvironment(environment: string): void {
    if (!this.environments.has(environment)) {
      throw new InputError(
        `environment: '${environment}' is not a configured environment (${[
          ...this.environments,
        ].join(', ')})`,
      );
    }
  }

  private async entityOf(
    entityRef: string,
    credentials?: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials: credentials ?? (await this.auth.getOwnServiceCredentials()),
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return entity;
  }

  /** Reads the facts and resolves current, target, commits and migrations. */
  private async resolve(
    entityRef: string,
    environment: string,
    targetDeploymentId?: string,
  ): Promise<ResolvedRollbackPlan> {
    const succeeded = await this.store.listSucceededDeployments({
      entityRef,
      environment,
      limit: HISTORY_LIMIT,
    });
    const oldest = succeeded[succeeded.length - 1];
    const criticalIncidents = await this.store.listCriticalIncidents({
      entityRef,
      environment,
      ...(oldest && { since: oldest.finishedAt ?? oldest.startedAt }),
    });
    const releaseOf = await this.releaseLookup(
      entityRef,
      environment,
      succeeded,
    );
    const requested =
      targetDeploymentId === undefined
        ? undefined
        : {
            id: targetDeploymentId,
            deployment:
              succeeded.find(d => d.id === targetDeploymentId) ??
              (await this.store.getDeployment(targetDeploymentId)),
          };
    return resolveRollbackPlan({
      entityRef,
      environment,
      succeeded,
      criticalIncidents,
      releaseOf,
      requested,
    });
  }

  /**
   * The release a deployment shipped: the one it names, else the latest
   * release of the same entity, environment and version.
   */
  private async releaseLookup(
    entityRef: string,
    environment: string,
    deployments: Deployment[],
  ): Promise<(deployment: Deployment) => Release | undefined> {
    const releases = await this.releases.listReleases({
      entityRef,
      environment,
      limit: HISTORY_LIMIT,
    });
    const byId = new Map(releases.map(release => [release.id, release]));
    for (const deployment of deployments) {
      if (deployment.releaseId && !byId.has(deployment.releaseId)) {
        const release = await this.releases.getRelease(deployment.releaseId);
        if (release) byId.set(release.id, release);
      }
    }
    // Newest first: the first release of a version is its latest.
    const byVersion = new Map<string, Release>();
    for (const release of releases) {
      if (!byVersion.has(release.version)) {
        byVersion.set(release.version, release);
      }
    }
    return deployment =>
      deployment.releaseId
        ? byId.get(deployment.releaseId)
        : byVersion.get(deployment.version);
  }
}

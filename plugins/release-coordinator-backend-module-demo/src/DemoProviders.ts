import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  ANNOTATION_RELEASE_COORDINATOR_ENVIRONMENTS,
  DeploymentInput,
  hasReleaseCoordinatorAnnotation,
  IncidentInput,
} from '@release-coordinator/backstage-plugin-common';
import {
  DeploymentProvider,
  DeploymentPullResult,
  IncidentProvider,
  IncidentPullResult,
  ProviderPullRequest,
  RollbackExecution,
  RollbackRequest,
} from '@release-coordinator/backstage-plugin-node';
import { createHash } from 'node:crypto';
import { DemoHistory } from './DemoHistory';
import { DAY_MS } from './timeline';
import { initiatorsFor, profileFor } from './profiles';

/** The provider id and `source` of every demo record. */
export const DEMO_SOURCE = 'demo';
/** Prefix of the externalId of rollbacks started through the demo provider. */
export const DEMO_ROLLBACK_PREFIX = 'rc-rollback-';
/** How far back the first pull of an entity reaches. */
export const DEMO_HISTORY_DAYS = 90;

const DEFAULT_ENVIRONMENTS = ['staging', 'production'];

/** What both demo providers need. */
export interface DemoProviderOptions {
  /** Root config; `releaseCoordinator.environments` gives the default environments. */
  config: Config;
  /** The current time; tests pass a fixed clock. */
  clock?: () => Date;
}

/** Whether the demo generates history for the entity: annotated components. */
export function demoAppliesTo(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    hasReleaseCoordinatorAnnotation(entity.metadata.annotations)
  );
}

function environmentsOf(entity: Entity, config: Config): string[] {
  const annotated = entity.metadata.annotations?.[
    ANNOTATION_RELEASE_COORDINATOR_ENVIRONMENTS
  ]?.split(',')
    .map(name => name.trim())
    .filter(Boolean);
  if (annotated && annotated.length > 0) {
    return annotated;
  }
  const configured = config
    .getOptionalConfigArray('releaseCoordinator.environments')
    ?.map(env => env.getString('name'));
  return configured && configured.length > 0
    ? configured
    : DEFAULT_ENVIRONMENTS;
}

/** The entity's stored ref and its demo history (shared by every demo provider). */
export function historyOf(entity: Entity, config: Config) {
  const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const namespace = entity.metadata.namespace ?? 'default';
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const slug = [
    kind === 'component' ? undefined : kind,
    namespace === 'default' ? undefined : namespace,
    entity.metadata.name,
  ]
    .filter(Boolean)
    .join('.')
    .toLocaleLowerCase('en-US');
  const environments = environmentsOf(entity, config);
  return {
    entityRef,
    environments,
    history: new DemoHistory({
      entityRef,
      slug,
      environments,
      profile: profileFor(entity),
      initiators: initiatorsFor(entity),
    }),
  };
}

/**
 * The time range one pull covers. The cursor is the `now` of the previous
 * pull: a pull returns what started, finished or resolved after it, in its
 * state as of this `now`, so running deployments and open incidents come
 * back once they end. Without a cursor it returns the last 90 days.
 */
function pullRange(request: ProviderPullRequest, nowMs: number) {
  const windowStartMs = nowMs - DEMO_HISTORY_DAYS * DAY_MS;
  const cursorMs = request.cursor ? Date.parse(request.cursor) : NaN;
  // An unreadable cursor or one from the future starts over; upserts by
  // external id make that harmless.
  const sinceMs =
    Number.isFinite(cursorMs) && cursorMs <= nowMs
      ? Math.max(cursorMs, windowStartMs)
      : undefined;
  // Releases can finish a day after they start, so look two days further back.
  const fromDay = Math.floor((sinceMs ?? windowStartMs) / DAY_MS) - 2;
  const toDay = Math.floor(nowMs / DAY_MS);
  const changedSince = (...times: number[]) =>
    sinceMs === undefined ||
    times.some(time => time > sinceMs && time <= nowMs);
  return { windowStartMs, fromDay, toDay, changedSince };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Deterministic demo deployments for annotated components: staging then
 * production, failures, cancellations and rollbacks (docs/product.md §11).
 */
export class DemoDeploymentProvider implements DeploymentProvider {
  readonly id = DEMO_SOURCE;
  readonly #config: Config;
  readonly #clock: () => Date;

  constructor(options: DemoProviderOptions) {
    this.#config = options.config;
    this.#clock = options.clock ?? (() => new Date());
  }

  appliesTo(entity: Entity): boolean {
    return demoAppliesTo(entity);
  }

  async pull(request: ProviderPullRequest): Promise<DeploymentPullResult> {
    request.signal.throwIfAborted();
    const nowMs = this.#clock().getTime();
    if (!demoAppliesTo(request.entity)) {
      return { deployments: [], cursor: iso(nowMs) };
    }
    const { entityRef, history } = historyOf(request.entity, this.#config);
    const range = pullRange(request, nowMs);
    const generated = history.deployments(range.fromDay, range.toDay);
    const selected = generated.filter(
      d =>
        d.startedMs >= range.windowStartMs &&
        d.startedMs <= nowMs &&
        range.changedSince(d.startedMs, d.finishedMs),
    );
    // A rollback just inside the window needs the deploy it names, even when
    // that started just before the window: the backend refuses a rollback
    // whose target it does not know.
    const selectedIds = new Set(selected.map(d => d.externalId));
    const targets = generated.filter(
      d =>
        d.startedMs < range.windowStartMs &&
        !selectedIds.has(d.externalId) &&
        selected.some(r => r.rollbackOf === d.externalId),
    );
    const deployments = [...targets, ...selected].map((d): DeploymentInput => {
      const finished = d.finishedMs <= nowMs;
      return {
        entityRef,
        environment: d.environment,
        source: DEMO_SOURCE,
        externalId: d.externalId,
        version: d.version,
        commitSha: d.commitSha,
        kind: d.kind,
        status: finished ? d.status : 'in_progress',
        startedAt: iso(d.startedMs),
        finishedAt: finished ? iso(d.finishedMs) : undefined,
        initiator: d.initiator,
        rollbackOf: d.rollbackOf,
        commits: d.commits.map(c => ({
          sha: c.sha,
          committedAt: iso(c.committedMs),
        })),
      };
    });
    return { deployments, cursor: iso(nowMs) };
  }

  /**
   * Rolls a demo service back at once: the demo has no CI to ask, so the run
   * succeeds as it starts. Its externalId derives from the entity,
   * environment and idempotency key, so a retry names the same run, and it
   * never matches a generated one (`demo-...`), so later pulls leave it be.
   */
  async rollback(request: RollbackRequest): Promise<RollbackExecution> {
    request.signal?.throwIfAborted();
    if (!demoAppliesTo(request.entity)) {
      throw new Error(
        `${stringifyEntityRef(
          request.entity,
        )} has no demo data: only annotated components are rolled back by the demo`,
      );
    }
    const { entityRef } = historyOf(request.entity, this.#config);
    const digest = createHash('sha256')
      .update(
        JSON.stringify([
          entityRef,
          request.environment,
          request.idempotencyKey,
        ]),
      )
      .digest('hex')
      .slice(0, 32);
    return {
      externalId: `${DEMO_ROLLBACK_PREFIX}${digest}`,
      status: 'succeeded',
      startedAt: iso(this.#clock().getTime()),
    };
  }
}

/**
 * Deterministic demo incidents for annotated components: after bad
 * deployments, in the background, and one long-running known issue.
 */
export class DemoIncidentProvider implements IncidentProvider {
  readonly id = DEMO_SOURCE;
  readonly #config: Config;
  readonly #clock: () => Date;

  constructor(options: DemoProviderOptions) {
    this.#config = options.config;
    this.#clock = options.clock ?? (() => new Date());
  }

  appliesTo(entity: Entity): boolean {
    return demoAppliesTo(entity);
  }

  async pull(request: ProviderPullRequest): Promise<IncidentPullResult> {
    request.signal.throwIfAborted();
    const nowMs = this.#clock().getTime();
    if (!demoAppliesTo(request.entity)) {
      return { incidents: [], cursor: iso(nowMs) };
    }
    const { entityRef, history } = historyOf(request.entity, this.#config);
    const range = pullRange(request, nowMs);
    const incidents = history
      .incidents(range.fromDay, range.toDay)
      .filter(
        i =>
          i.startedMs <= nowMs &&
          (i.startedMs >= range.windowStartMs ||
            i.resolvedMs >= range.windowStartMs) &&
          range.changedSince(i.startedMs, i.resolvedMs),
      )
      .map(
        (i): IncidentInput => ({
          entityRef,
          source: DEMO_SOURCE,
          externalId: i.externalId,
          severity: i.severity,
          title: i.title,
          environment: i.environment,
          startedAt: iso(i.startedMs),
          resolvedAt: i.resolvedMs <= nowMs ? iso(i.resolvedMs) : undefined,
        }),
      );
    return { incidents, cursor: iso(nowMs) };
  }
}

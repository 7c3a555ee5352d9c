import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_ARGOCD_APP_NAME,
  ANNOTATION_ARGOCD_APP_SELECTOR,
  DeploymentInput,
} from '@release-coordinator/backstage-plugin-common';
import {
  DeploymentProvider,
  DeploymentPullResult,
  ProviderPullRequest,
  RollbackExecution,
  RollbackRequest,
} from '@release-coordinator/backstage-plugin-node';
import { ArgoCdClient } from './ArgoCdClient';
import { ArgoCdConfig } from './config';
import {
  ARGOCD_SOURCE,
  historyDeployments,
  operationDeployment,
} from './mapping';
import { rollbackApplication } from './rollback';
import { ArgoCdApplication } from './types';

/** Entity annotation naming the configured Argo CD instance of its applications. */
export const ANNOTATION_ARGOCD_INSTANCE_NAME = 'argocd/instance-name';

/**
 * History entries are re-read this far behind the cursor, so a clock skew
 * between Argo CD instances never hides an entry; upserts make the overlap
 * harmless.
 */
const CURSOR_OVERLAP_MS = 5 * 60_000;

/** How an entity names its Argo CD applications. */
type ApplicationTarget =
  | { appName: string; selector?: undefined }
  | { selector: string; appName?: undefined };

function annotation(entity: Entity, key: string): string | undefined {
  const value = entity.metadata.annotations?.[key]?.trim();
  return value ? value : undefined;
}

/**
 * The application(s) an entity names. An entity with both `argocd/app-name`
 * and `argocd/app-selector` is refused: the error is stored as the entity's
 * last sync error and shown on its Deployments tab.
 */
export function applicationTarget(entity: Entity): ApplicationTarget {
  const appName = annotation(entity, ANNOTATION_ARGOCD_APP_NAME);
  const selector = annotation(entity, ANNOTATION_ARGOCD_APP_SELECTOR);
  if (appName && selector) {
    throw new InputError(
      `Entity ${stringifyEntityRef(
        entity,
      )} has both ${ANNOTATION_ARGOCD_APP_NAME} and ${ANNOTATION_ARGOCD_APP_SELECTOR} annotations; use exactly one of them`,
    );
  }
  if (appName) {
    return { appName };
  }
  if (selector) {
    return { selector };
  }
  throw new InputError(
    `Entity ${stringifyEntityRef(
      entity,
    )} has neither ${ANNOTATION_ARGOCD_APP_NAME} nor ${ANNOTATION_ARGOCD_APP_SELECTOR}`,
  );
}

/** One application and the instance it was read from. */
interface FoundApplication {
  client: ArgoCdClient;
  app: ArgoCdApplication;
}

/** Options of {@link ArgoCdDeploymentProvider}. */
export interface ArgoCdDeploymentProviderOptions {
  config: ArgoCdConfig;
  /** Current time in ms; tests pass a fixed clock. */
  now?: () => number;
}

/**
 * Pulls Argo CD application history (`status.history`) and the last
 * operation (`status.operationState`, where failed syncs are only visible)
 * of entities annotated with `argocd/app-name` or `argocd/app-selector`, and
 * rolls applications back to a history id.
 */
export class ArgoCdDeploymentProvider implements DeploymentProvider {
  readonly id = ARGOCD_SOURCE;
  readonly #clients: ArgoCdClient[];
  readonly #rollbackStartTimeoutMs: number;
  readonly #configuredEnvironments: string[];
  readonly #now: () => number;

  constructor(options: ArgoCdDeploymentProviderOptions) {
    this.#now = options.now ?? Date.now;
    this.#clients = options.config.instances.map(
      instance => new ArgoCdClient({ instance, now: this.#now }),
    );
    this.#rollbackStartTimeoutMs = options.config.rollbackStartTimeoutMs;
    this.#configuredEnvironments = options.config.environments;
  }

  appliesTo(entity: Entity): boolean {
    return (
      annotation(entity, ANNOTATION_ARGOCD_APP_NAME) !== undefined ||
      annotation(entity, ANNOTATION_ARGOCD_APP_SELECTOR) !== undefined
    );
  }

  async pull(request: ProviderPullRequest): Promise<DeploymentPullResult> {
    const { entity, signal } = request;
    const target = applicationTarget(entity);
    const found = await this.#findApplications(entity, target, signal);

    const cursorMs = request.cursor ? Date.parse(request.cursor) : NaN;
    const sinceMs = Number.isFinite(cursorMs)
      ? cursorMs - CURSOR_OVERLAP_MS
      : undefined;
    const deployments: DeploymentInput[] = [];
    let latestDeployedAt: string | undefined;

    for (const { client, app } of found) {
      const context = {
        entity,
        instance: client.instance.name,
        app,
        url: client.applicationUrl(app.metadata.name),
        configuredEnvironments: this.#configuredEnvironments,
      };
      for (const { deployment, deployedAt } of historyDeployments(context)) {
        if (latestDeployedAt === undefined || deployedAt > latestDeployedAt) {
          latestDeployedAt = deployedAt;
        }
        if (sinceMs === undefined || Date.parse(deployedAt) >= sinceMs) {
          deployments.push(deployment);
        }
      }
      // The last operation is always reported: it is one record, and its
      // state (running → failed) changes without a new history entry.
      const operation = operationDeployment(context);
      if (operation) {
        deployments.push(operation);
      }
    }

    const previous = Number.isFinite(cursorMs) ? request.cursor : undefined;
    const cursor =
      latestDeployedAt !== undefined &&
      (previous === undefined || Date.parse(latestDeployedAt) > cursorMs)
        ? latestDeployedAt
        : previous;
    return { deployments, cursor };
  }

  /**
   * Rolls the application back to the target's history id; see
   * {@link rollbackApplication} for the rules (auto-sync → 409).
   */
  async rollback(request: RollbackRequest): Promise<RollbackExecution> {
    return rollbackApplication({
      clients: this.#clients,
      request,
      startTimeoutMs: this.#rollbackStartTimeoutMs,
      now: this.#now,
    });
  }

  async #findApplications(
    entity: Entity,
    target: ApplicationTarget,
    signal: AbortSignal,
  ): Promise<FoundApplication[]> {
    const clients = this.#clientsFor(entity);
    if (target.selector !== undefined) {
      const found: FoundApplication[] = [];
      for (const client of clients) {
        const apps = await client.listApplications(target.selector, signal);
        found.push(...apps.map(app => ({ client, app })));
      }
      if (found.length === 0) {
        throw new NotFoundError(
          `No Argo CD application matches ${ANNOTATION_ARGOCD_APP_SELECTOR} '${
            target.selector
          }' on ${describeInstances(clients)}`,
        );
      }
      return found;
    }

    // An app name is looked up on the named instance, else on every
    // instance in config order; the first that has it wins.
    for (const client of clients) {
      try {
        return [
          { client, app: await client.getApplication(target.appName, signal) },
        ];
      } catch (error) {
        // Argo CD answers 403 for an application the token may not see,
        // and for one that does not exist; both mean "not here".
        const notHere =
          error instanceof NotFoundError || error instanceof NotAllowedError;
        if (!notHere || clients.length === 1) {
          throw error;
        }
      }
    }
    throw new NotFoundError(
      `Argo CD application '${
        target.appName
      }' (${ANNOTATION_ARGOCD_APP_NAME}) was found on none of ${describeInstances(
        clients,
      )}, or the tokens may not read it`,
    );
  }

  #clientsFor(entity: Entity): ArgoCdClient[] {
    const name = annotation(entity, ANNOTATION_ARGOCD_INSTANCE_NAME);
    if (name === undefined) {
      return this.#clients;
    }
    const client = this.#clients.find(c => c.instance.name === name);
    if (!client) {
      throw new InputError(
        `Entity ${stringifyEntityRef(
          entity,
        )} names Argo CD instance '${name}' (${ANNOTATION_ARGOCD_INSTANCE_NAME}), which is not configured; configured: ${describeInstances(
          this.#clients,
        )}`,
      );
    }
    return [client];
  }
}

function describeInstances(clients: ArgoCdClient[]): string {
  return clients.map(c => `'${c.instance.name}'`).join(', ');
}

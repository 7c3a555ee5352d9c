import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  DeploymentInput,
  DeploymentKind,
  DeploymentStatus,
} from '@release-coordinator/backstage-plugin-common';
import { environmentOf } from './environment';
import {
  historyExternalId,
  normalizeTimestamp,
  operationExternalId,
} from './externalIds';
import {
  ArgoCdApplication,
  ArgoCdInitiator,
  ArgoCdOperationPhase,
  ArgoCdOperationState,
  ArgoCdRevisionHistory,
} from './types';
import { isCommitSha, liveImageTag, revisionsOf, versionOf } from './versions';

/** The provider id and `source` of every Argo CD record. */
export const ARGOCD_SOURCE = 'argocd';

/**
 * How each `status.operationState.phase` maps to a deployment status. A
 * `Failed` operation whose message says it was terminated is `cancelled`
 * (Argo CD ends a terminated operation as `Failed`, "Operation terminated").
 */
export const OPERATION_PHASE_STATUS: Record<
  ArgoCdOperationPhase,
  DeploymentStatus
> = {
  Running: 'in_progress',
  Terminating: 'cancelled',
  Failed: 'failed',
  Error: 'failed',
  Succeeded: 'succeeded',
};

/** The deployment status of an operation, or undefined for an unknown phase. */
export function operationStatus(
  state: Pick<ArgoCdOperationState, 'phase' | 'message'>,
): DeploymentStatus | undefined {
  const status: DeploymentStatus | undefined =
    Object.prototype.hasOwnProperty.call(OPERATION_PHASE_STATUS, state.phase)
      ? OPERATION_PHASE_STATUS[state.phase]
      : undefined;
  if (
    status === 'failed' &&
    /operation terminated/i.test(state.message ?? '')
  ) {
    return 'cancelled';
  }
  return status;
}

function initiatorOf(initiatedBy: ArgoCdInitiator | undefined) {
  if (initiatedBy?.username) {
    return initiatedBy.username.slice(0, 255);
  }
  return initiatedBy?.automated ? 'argocd (automated sync)' : undefined;
}

/** What every record of one application shares. */
interface ApplicationContext {
  entity: Entity;
  instance: string;
  app: ArgoCdApplication;
  /** Link to the application in Argo CD's UI. */
  url: string;
  /** Names of `releaseCoordinator.environments`, for {@link environmentOf}. */
  configuredEnvironments: string[];
}

function toIso(value: string | undefined) {
  return normalizeTimestamp(value);
}

/**
 * Whether a sync to `revisions` after `previous` is a rollback: it deploys
 * what an earlier entry than `previous` deployed, and not what `previous`
 * deployed (re-syncing the same revision is a plain deploy).
 */
function isRedeployOfEarlier(
  revisions: string[],
  previous: ArgoCdRevisionHistory | undefined,
  earlier: ArgoCdRevisionHistory[],
): boolean {
  const key = revisions.join('\n');
  if (!previous || key === '' || revisionsOf(previous).join('\n') === key) {
    return false;
  }
  return earlier.some(entry => revisionsOf(entry).join('\n') === key);
}

function kindFields(
  context: ApplicationContext,
  rollback: boolean,
  previous: ArgoCdRevisionHistory | undefined,
): { kind: DeploymentKind; rollbackOf?: string } {
  return rollback && previous
    ? {
        kind: 'rollback',
        rollbackOf: historyExternalId(
          context.instance,
          context.app.metadata.name,
          previous,
        ),
      }
    : { kind: 'deploy' };
}

/** The application's history, oldest first. */
export function sortedHistory(app: ArgoCdApplication): ArgoCdRevisionHistory[] {
  return [...(app.status?.history ?? [])].sort((a, b) => a.id - b.id);
}

/**
 * The succeeded deployments of `status.history`, oldest first, with their
 * `deployedAt`. The newest entry is the live one and gets the image tag as
 * its version when `status.summary.images` names one.
 */
export function historyDeployments(
  context: ApplicationContext,
): Array<{ deployment: DeploymentInput; deployedAt: string }> {
  const history = sortedHistory(context.app);
  const entityRef = stringifyEntityRef(context.entity).toLocaleLowerCase(
    'en-US',
  );
  const environment = environmentOf(
    context.entity,
    context.app,
    context.configuredEnvironments,
  );
  const liveTag = liveImageTag(context.app, context.entity);
  return history.flatMap((entry, index) => {
    const deployedAt = toIso(entry.deployedAt);
    if (!deployedAt) {
      return [];
    }
    const revisions = revisionsOf(entry);
    const previous = index > 0 ? history[index - 1] : undefined;
    const isLive = index === history.length - 1;
    const deployment: DeploymentInput = {
      entityRef,
      environment,
      source: ARGOCD_SOURCE,
      externalId: historyExternalId(
        context.instance,
        context.app.metadata.name,
        entry,
      ),
      version: (isLive && liveTag) || versionOf(revisions),
      commitSha: revisions.find(isCommitSha),
      status: 'succeeded',
      startedAt: toIso(entry.deployStartedAt) ?? deployedAt,
      finishedAt: deployedAt,
      initiator: initiatorOf(entry.initiatedBy),
      url: context.url,
      ...kindFields(
        context,
        isRedeployOfEarlier(
          revisions,
          previous,
          history.slice(0, Math.max(0, index - 1)),
        ),
        previous,
      ),
    };
    return [{ deployment, deployedAt }];
  });
}

/**
 * The deployment of `status.operationState`, or undefined when it is a
 * succeeded sync already in `status.history` (same start time, or for
 * histories without `deployStartedAt` the newest entry with the same
 * revisions) or has an unknown phase. Failed, errored and terminated syncs
 * are only ever visible here.
 */
export function operationDeployment(
  context: ApplicationContext,
): DeploymentInput | undefined {
  const state = context.app.status?.operationState;
  const startedAt = toIso(state?.startedAt);
  if (!state || !startedAt) {
    return undefined;
  }
  const status = operationStatus(state);
  if (!status) {
    return undefined;
  }
  const history = sortedHistory(context.app);
  const revisions = revisionsOf(state.syncResult ?? {}).length
    ? revisionsOf(state.syncResult ?? {})
    : revisionsOf(state.operation?.sync ?? {});
  const inHistory = history.some(
    entry => toIso(entry.deployStartedAt) === startedAt,
  );
  const newest = history[history.length - 1];
  const legacyInHistory =
    newest !== undefined &&
    !newest.deployStartedAt &&
    revisionsOf(newest).join('\n') === revisions.join('\n');
  if (status === 'succeeded' && (inHistory || legacyInHistory)) {
    return undefined;
  }
  // The history entries before this operation; the newest of them is what
  // it replaces.
  const before = history.filter(
    entry => (toIso(entry.deployedAt) ?? '') <= startedAt,
  );
  const previous = before[before.length - 1];
  return {
    entityRef: stringifyEntityRef(context.entity).toLocaleLowerCase('en-US'),
    environment: environmentOf(
      context.entity,
      context.app,
      context.configuredEnvironments,
    ),
    source: ARGOCD_SOURCE,
    externalId: operationExternalId(
      context.instance,
      context.app.metadata.name,
      startedAt,
    ),
    version: versionOf(revisions),
    commitSha: revisions.find(isCommitSha),
    status,
    startedAt,
    finishedAt: status === 'in_progress' ? undefined : toIso(state.finishedAt),
    initiator: initiatorOf(state.operation?.initiatedBy),
    url: context.url,
    ...kindFields(
      context,
      isRedeployOfEarlier(revisions, previous, before.slice(0, -1)),
      previous,
    ),
  };
}

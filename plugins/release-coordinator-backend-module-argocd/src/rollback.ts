import { ConflictError, InputError } from '@backstage/errors';
import {
  RollbackExecution,
  RollbackRequest,
} from '@release-coordinator/backstage-plugin-node';
import { setTimeout as delay } from 'node:timers/promises';
import { ArgoCdClient, ArgoCdRequestError } from './ArgoCdClient';
import {
  normalizeTimestamp,
  operationExternalId,
  parseExternalId,
} from './externalIds';
import { ARGOCD_SOURCE, operationStatus, sortedHistory } from './mapping';

const ROLLBACK_POLL_INTERVAL_MS = 500;

/**
 * Rolls an application back to the target's history id. Refuses with a
 * ConflictError (409) when the application has automated sync: Argo CD
 * refuses rollbacks then, and turning auto-sync off is a decision for the
 * application's owner, never made here.
 */
export async function rollbackApplication(options: {
  clients: ArgoCdClient[];
  request: RollbackRequest;
  /** How long to wait for Argo CD's controller to start the operation. */
  startTimeoutMs: number;
  now: () => number;
}): Promise<RollbackExecution> {
  const { request } = options;
  const { target, signal } = request;
  const parsed =
    target.source === ARGOCD_SOURCE
      ? parseExternalId(target.externalId)
      : undefined;
  if (!parsed) {
    throw new InputError(
      `Deployment ${target.externalId} from ${target.source} is not an Argo CD deployment`,
    );
  }
  const client = options.clients.find(c => c.instance.name === parsed.instance);
  if (!client) {
    throw new ConflictError(
      `Argo CD instance '${parsed.instance}' of deployment ${target.externalId} is no longer configured`,
    );
  }
  const appName = parsed.app;
  const app = await client.getApplication(appName, signal);
  if (app.spec?.syncPolicy?.automated) {
    throw autoSyncConflict(client, appName);
  }
  const entry = sortedHistory(app).find(candidate =>
    'historyId' in parsed
      ? candidate.id === parsed.historyId
      : normalizeTimestamp(candidate.deployStartedAt) === parsed.startedAt,
  );
  if (!entry) {
    throw new ConflictError(
      `Argo CD application '${appName}' on '${client.instance.name}' no longer has deployment ${target.externalId} in its history (Argo CD keeps only the last revisionHistoryLimit syncs); pick a more recent target`,
    );
  }
  const before = app.status?.operationState;
  if (before?.phase === 'Running' || before?.phase === 'Terminating') {
    throw new ConflictError(
      `Argo CD application '${appName}' on '${client.instance.name}' has an operation in progress (started ${before.startedAt}); wait for it to finish`,
    );
  }

  try {
    await client.rollback(appName, entry.id, signal);
  } catch (error) {
    throw translateRollbackError(error, client, appName);
  }
  return awaitRollbackStart(client, appName, before?.startedAt, options);
}

/**
 * Argo CD's controller starts the requested operation shortly after the
 * API accepted it; its `startedAt` is the identity the pulls will use, so
 * the rollback is recorded under the same external id.
 */
async function awaitRollbackStart(
  client: ArgoCdClient,
  appName: string,
  previousStartedAt: string | undefined,
  options: {
    request: RollbackRequest;
    startTimeoutMs: number;
    now: () => number;
  },
): Promise<RollbackExecution> {
  const { request, now } = options;
  const url = client.applicationUrl(appName);
  const deadline = now() + options.startTimeoutMs;
  for (;;) {
    const app = await client.getApplication(appName, request.signal);
    const state = app.status?.operationState;
    const startedAt = normalizeTimestamp(state?.startedAt);
    const status = state && operationStatus(state);
    if (state && startedAt && status && state.startedAt !== previousStartedAt) {
      return {
        externalId: operationExternalId(
          client.instance.name,
          appName,
          startedAt,
        ),
        status,
        url,
        startedAt,
      };
    }
    if (now() >= deadline || request.signal?.aborted) {
      // Accepted by the API but not started yet: record it under the
      // request's key; the pulls will report the operation itself.
      return {
        externalId: `${client.instance.name}/${appName}/rollback-${request.idempotencyKey}`,
        status: 'queued',
        url,
      };
    }
    await delay(ROLLBACK_POLL_INTERVAL_MS, undefined, {
      signal: request.signal,
    }).catch(() => undefined);
  }
}

function autoSyncConflict(client: ArgoCdClient, appName: string) {
  return new ConflictError(
    `Argo CD refuses to roll back application '${appName}' on '${client.instance.name}' while automated sync is enabled. Its owner must disable auto-sync deliberately (and fix the desired state in Git) before rolling back; Release Coordinator never switches auto-sync off.`,
  );
}

/** Argo CD's FailedPrecondition answers (HTTP 400) are conflicts with the app's state. */
function translateRollbackError(
  error: unknown,
  client: ArgoCdClient,
  appName: string,
): unknown {
  if (!(error instanceof ArgoCdRequestError) || error.status !== 400) {
    return error;
  }
  const vendor = error.vendorMessage ?? '';
  if (/auto-sync is enabled/i.test(vendor)) {
    return autoSyncConflict(client, appName);
  }
  if (/another operation is already in progress/i.test(vendor)) {
    return new ConflictError(
      `Argo CD application '${appName}' on '${client.instance.name}' has an operation in progress; wait for it to finish`,
    );
  }
  return new ConflictError(error.message);
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import {
  RollbackExecution,
  RollbackRequest,
} from '@release-coordinator/backstage-plugin-node';
import { setTimeout as delay } from 'node:timers/promises';
import { GithubOctokitClient } from '../client/GithubClientFactory';
import { httpStatusOf } from '../client/httpStatus';
import { GithubRollbackWorkflow } from '../config';
import {
  GITHUB_SOURCE,
  GithubWorkflowRunLike,
  workflowRunExternalId,
} from './deploymentInputs';
import { workflowIdParameter } from './GithubHistoryReader';
import { parseRollbackRunTitle, rollbackRunTitle } from './rollbackRuns';
import { mapWorkflowRunStatus } from './statusMapping';

/**
 * How long to look for the run a dispatch started, when GitHub does not
 * return its id (GitHub Enterprise Server without `return_run_details`):
 * the run list is read up to `attempts` times, `intervalMs` apart.
 *
 * @public
 */
export interface RunDiscoveryPolicy {
  attempts: number;
  intervalMs: number;
}

/** About 30 s: runs usually appear within a few seconds of the dispatch. */
export const DEFAULT_RUN_DISCOVERY: RunDiscoveryPolicy = {
  attempts: 15,
  intervalMs: 2000,
};

/** The inputs the rollback workflow must declare under `workflow_dispatch`. */
export const ROLLBACK_WORKFLOW_INPUTS = [
  'entity',
  'environment',
  'version',
  'sha',
  'reason',
  'idempotency_key',
] as const;

/** GitHub accepts at most 65,535 characters of inputs; a reason gets 1,000. */
const MAX_REASON_LENGTH = 1000;

/** Lookback of the run search after a dispatch, for clock skew with GitHub. */
const CREATED_SKEW_MS = 5 * 60 * 1000;

type RollbackRunLike = GithubWorkflowRunLike & { event?: string };

interface DispatchContext {
  octokit: GithubOctokitClient;
  owner: string;
  repo: string;
  workflow: GithubRollbackWorkflow;
  request: RollbackRequest;
  entityRef: string;
}

function executionOf(run: RollbackRunLike): RollbackExecution {
  return {
    externalId: workflowRunExternalId(run.id),
    status: mapWorkflowRunStatus(run.status, run.conclusion),
    url: run.html_url,
    startedAt: run.run_started_at ?? run.created_at,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** GitHub's error message from an Octokit `RequestError`. */
function githubMessage(error: unknown): string {
  if (isRecord(error) && isRecord(error.response)) {
    const data = error.response.data;
    if (isRecord(data) && typeof data.message === 'string') {
      return data.message;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

function describe(context: DispatchContext): string {
  const { owner, repo, workflow } = context;
  return `workflow '${workflow.workflow}' of ${owner}/${repo}`;
}

/** Turns GitHub's refusals into errors that say what to fix. */
function explain(context: DispatchContext, error: unknown, ref?: string) {
  const status = httpStatusOf(error);
  if (status === 404) {
    return new ConflictError(
      `GitHub has no ${describe(
        context,
      )} (releaseCoordinator.github.rollback.workflow)${
        ref ? ` on ref '${ref}'` : ''
      }, or the token cannot see it: ${githubMessage(error)}`,
    );
  }
  if (status === 422) {
    return new ConflictError(
      `GitHub refused to dispatch the rollback ${describe(context)}${
        ref ? ` on ref '${ref}'` : ''
      }: ${githubMessage(
        error,
      )}. The workflow needs an 'on: workflow_dispatch' trigger declaring the inputs ${ROLLBACK_WORKFLOW_INPUTS.join(
        ', ',
      )}`,
    );
  }
  return error;
}

/** The commit to put back: the target's, or its GitHub deployment's. */
async function targetSha(context: DispatchContext): Promise<string> {
  const { octokit, owner, repo, request } = context;
  const { target } = request;
  if (target.commitSha) {
    return target.commitSha;
  }
  const deploymentId = target.externalId.match(/^deployment-(\d+)$/)?.[1];
  if (deploymentId) {
    try {
      const { data } = await octokit.rest.repos.getDeployment({
        owner,
        repo,
        deployment_id: Number(deploymentId),
      });
      return data.sha;
    } catch (error) {
      if (httpStatusOf(error) !== 404) {
        throw error;
      }
    }
  }
  throw new ConflictError(
    `Deployment ${target.externalId} has no known commit; GitHub cannot roll back to it, pick another target`,
  );
}

/**
 * The newest dispatched run of the rollback workflow that describes this
 * rollback (same entity, environment and idempotency key) in its title,
 * among the 100 newest dispatched runs (created at or after `since`).
 */
async function findRollbackRun(
  context: DispatchContext,
  since?: Date,
): Promise<RollbackRunLike | undefined> {
  const { octokit, owner, repo, workflow, request, entityRef } = context;
  const { data } = await octokit.rest.actions.listWorkflowRuns({
    owner,
    repo,
    workflow_id: workflowIdParameter(workflow.workflow),
    event: 'workflow_dispatch',
    per_page: 100,
    ...(since && { created: `>=${since.toISOString()}` }),
  });
  return data.workflow_runs.find(run => {
    const title = parseRollbackRunTitle(run.display_title);
    return (
      title?.idempotencyKey === request.idempotencyKey &&
      title.entityRef === entityRef &&
      title.environment === request.environment
    );
  });
}

/**
 * `POST …/dispatches`, asking for the run's id (`return_run_details`,
 * github.com since February 2026). A server that rejects the parameter
 * (older GitHub Enterprise Server) is asked again without it. Returns the
 * run id when GitHub gave one.
 */
async function dispatch(
  context: DispatchContext,
  ref: string,
  inputs: Record<string, string>,
): Promise<number | undefined> {
  const { octokit, owner, repo, workflow } = context;
  const send = (returnRunDetails: boolean) =>
    octokit.request(
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      {
        owner,
        repo,
        workflow_id: workflowIdParameter(workflow.workflow),
        ref,
        inputs,
        ...(returnRunDetails && { return_run_details: true }),
      },
    );
  let response: { status: number; data: unknown };
  try {
    response = await send(true);
  } catch (error) {
    if (
      httpStatusOf(error) !== 422 ||
      !githubMessage(error).includes('return_run_details')
    ) {
      throw explain(context, error, ref);
    }
    try {
      response = await send(false);
    } catch (retryError) {
      throw explain(context, retryError, ref);
    }
  }
  const { data } = response;
  return isRecord(data) && typeof data.workflow_run_id === 'number'
    ? data.workflow_run_id
    : undefined;
}

/**
 * Rolls back by dispatching the configured rollback workflow
 * (`workflow_dispatch`) with the target as inputs, and returns its run as
 * `run-<id>`, the id the provider's pulls use, so later pulls update the
 * recorded rollback. The run describes itself in its run-name
 * (`Rollback <entity> in <environment> to <version> [<key>]`): a retry with
 * the same idempotency key finds that run instead of dispatching again,
 * and without `return_run_details` the run is found by it.
 */
export async function rollbackWithWorkflowDispatch(options: {
  octokit: GithubOctokitClient;
  owner: string;
  repo: string;
  workflow: GithubRollbackWorkflow;
  request: RollbackRequest;
  discovery: RunDiscoveryPolicy;
  logger: LoggerService;
}): Promise<RollbackExecution> {
  const { octokit, owner, repo, workflow, request, discovery, logger } =
    options;
  const { target } = request;
  if (target.source !== GITHUB_SOURCE) {
    throw new InputError(
      `Deployment ${target.source}/${target.externalId} is not a GitHub deployment`,
    );
  }
  const context: DispatchContext = {
    octokit,
    owner,
    repo,
    workflow,
    request,
    entityRef: stringifyEntityRef(request.entity).toLocaleLowerCase('en-US'),
  };
  const sha = await targetSha(context);

  let existing: RollbackRunLike | undefined;
  try {
    existing = await findRollbackRun(context);
  } catch (error) {
    throw explain(context, error);
  }
  if (existing) {
    return executionOf(existing);
  }

  const ref =
    workflow.ref ??
    (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
  const inputs: Record<(typeof ROLLBACK_WORKFLOW_INPUTS)[number], string> = {
    entity: context.entityRef,
    environment: request.environment,
    version: target.version,
    sha,
    reason: request.reason.slice(0, MAX_REASON_LENGTH),
    idempotency_key: request.idempotencyKey,
  };
  const expectedTitle = rollbackRunTitle({
    entityRef: context.entityRef,
    environment: request.environment,
    version: target.version,
    idempotencyKey: request.idempotencyKey,
  });
  const dispatchedAt = new Date();
  const runId = await dispatch(context, ref, inputs);

  if (runId !== undefined) {
    try {
      const { data: run } = await octokit.rest.actions.getWorkflowRun({
        owner,
        repo,
        run_id: runId,
      });
      if (!parseRollbackRunTitle(run.display_title)) {
        logger.warn(
          `Rollback run ${runId} of ${describe(context)} is titled '${
            run.display_title
          }', not '${expectedTitle}': set the workflow's run-name as the README shows, or pulls cannot report its progress`,
        );
      }
      return executionOf(run);
    } catch (error) {
      if (httpStatusOf(error) !== 404) {
        throw error;
      }
      return {
        externalId: workflowRunExternalId(runId),
        status: 'queued',
        startedAt: dispatchedAt.toISOString(),
      };
    }
  }

  // GitHub answered 204 without the run: find it by its title.
  const since = new Date(dispatchedAt.getTime() - CREATED_SKEW_MS);
  for (let attempt = 1; attempt <= discovery.attempts; attempt++) {
    const run = await findRollbackRun(context, since);
    if (run) {
      return executionOf(run);
    }
    if (attempt < discovery.attempts) {
      await delay(discovery.intervalMs, undefined, {
        ...(request.signal && { signal: request.signal }),
      });
    }
  }
  throw new Error(
    `Dispatched the rollback ${describe(
      context,
    )} on '${ref}', but no run titled '${expectedTitle}' appeared within ${Math.round(
      (discovery.attempts * discovery.intervalMs) / 1000,
    )}s. The workflow may still run: check its runs on GitHub and its run-name (see the GitHub module's README).`,
  );
}

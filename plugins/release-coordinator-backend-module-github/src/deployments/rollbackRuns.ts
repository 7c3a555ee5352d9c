import { DeploymentInput } from '@release-coordinator/backstage-plugin-common';
import {
  GITHUB_SOURCE,
  GithubWorkflowRunLike,
  notBefore,
  workflowRunExternalId,
} from './deploymentInputs';
import { mapWorkflowRunStatus } from './statusMapping';

/**
 * What a dispatched rollback run says about itself in its title. The
 * REST API and the `workflow_run` webhook do not return a run's inputs, so
 * the rollback workflow puts them into its `run-name`:
 * `Rollback <entity> in <environment> to <version> [<idempotency_key>]`.
 */
export interface RollbackRunTitle {
  /** Entity ref, lower-case. */
  entityRef: string;
  environment: string;
  version: string;
  idempotencyKey: string;
}

// Entity refs and environment names have no spaces; the key is the text in
// the last brackets, so a version may contain spaces or brackets.
const TITLE_PATTERN = /^Rollback (\S+) in (\S+) to (.+) \[([^\]]+)\]$/;

/** The run-name a rollback workflow must produce, for the given inputs. */
export function rollbackRunTitle(title: RollbackRunTitle): string {
  return `Rollback ${title.entityRef} in ${title.environment} to ${title.version} [${title.idempotencyKey}]`;
}

/** Parses a run's `display_title`; undefined when it is not a rollback run. */
export function parseRollbackRunTitle(
  displayTitle: string | null | undefined,
): RollbackRunTitle | undefined {
  const match = displayTitle?.trim().match(TITLE_PATTERN);
  if (!match) {
    return undefined;
  }
  const [, entityRef, environment, version, idempotencyKey] = match;
  return {
    entityRef: entityRef.toLocaleLowerCase('en-US'),
    environment,
    version: version.trim().slice(0, 255),
    idempotencyKey,
  };
}

/**
 * A rollback workflow run as a deployment of kind `rollback` of the entity,
 * or undefined when the run is not a rollback of that entity (another
 * entity of the same repository, or an ordinary run). The run's head sha is
 * the branch the workflow ran from, not the restored commit, so no
 * `commitSha` is reported (the backend keeps the one it recorded); neither
 * is the initiator (the run's actor is the token's user, not the person
 * who asked for the rollback).
 */
export function deploymentInputFromRollbackRun(options: {
  entityRef: string;
  run: GithubWorkflowRunLike & { display_title?: string | null };
}): DeploymentInput | undefined {
  const { entityRef, run } = options;
  const title = parseRollbackRunTitle(run.display_title);
  if (!title || title.entityRef !== entityRef.toLocaleLowerCase('en-US')) {
    return undefined;
  }
  const status = mapWorkflowRunStatus(run.status, run.conclusion);
  const finished =
    status === 'succeeded' || status === 'failed' || status === 'cancelled';
  const startedAt = run.run_started_at ?? run.created_at;
  return {
    entityRef,
    environment: title.environment,
    source: GITHUB_SOURCE,
    externalId: workflowRunExternalId(run.id),
    version: title.version,
    kind: 'rollback',
    status,
    startedAt,
    ...(finished && { finishedAt: notBefore(run.updated_at, startedAt) }),
    url: run.html_url,
  };
}

import { httpStatusOf } from '../client/httpStatus';
import { ConflictError, InputError } from '@backstage/errors';
import {
  RollbackExecution,
  RollbackRequest,
} from '@release-coordinator/backstage-plugin-node';
import { GithubOctokitClient } from '../client/GithubClientFactory';
import {
  deploymentExternalId,
  deploymentPayload,
  GITHUB_SOURCE,
  RollbackDeploymentPayload,
} from './deploymentInputs';

/** GitHub refuses deployment descriptions over 140 characters. */
const MAX_DESCRIPTION_LENGTH = 140;

/**
 * Rolls back by creating a new GitHub deployment of the target's commit to
 * the environment, the way the Deployments API is meant to be driven: the
 * system that deploys the repository (listening to `deployment` events)
 * carries it out and reports statuses, which the provider then pulls. The
 * payload marks it as a rollback and carries the idempotency key, so a
 * retry of the same rollback finds the deployment instead of creating a
 * second one.
 */
export async function rollbackWithGithubDeployment(options: {
  octokit: GithubOctokitClient;
  owner: string;
  repo: string;
  request: RollbackRequest;
}): Promise<RollbackExecution> {
  const { octokit, owner, repo, request } = options;
  const { target, environment } = request;
  const id = target.externalId.match(/^deployment-(\d+)$/)?.[1];
  if (target.source !== GITHUB_SOURCE || !id) {
    if (
      target.source === GITHUB_SOURCE &&
      /^run-\d+$/.test(target.externalId)
    ) {
      throw new ConflictError(
        `${target.externalId} was deployed by a GitHub Actions workflow run; GitHub can roll it back only through a rollback workflow: set releaseCoordinator.github.rollback.workflow`,
      );
    }
    throw new InputError(
      `Deployment ${target.source}/${target.externalId} is not a GitHub deployment`,
    );
  }
  let sha: string;
  try {
    const { data } = await octokit.rest.repos.getDeployment({
      owner,
      repo,
      deployment_id: Number(id),
    });
    sha = data.sha;
  } catch (error) {
    if (httpStatusOf(error) === 404) {
      throw new ConflictError(
        `GitHub deployment ${id} of ${owner}/${repo} no longer exists; pick another target`,
      );
    }
    throw error;
  }

  // A retry of the same rollback finds the deployment it created.
  const { data: recent } = await octokit.rest.repos.listDeployments({
    owner,
    repo,
    sha,
    environment,
    per_page: 30,
  });
  const existing = recent.find(deployment => {
    const marker = deploymentPayload({
      payload: deploymentPayload(deployment).releaseCoordinator,
    });
    return marker.idempotencyKey === request.idempotencyKey;
  });
  if (existing) {
    return {
      externalId: deploymentExternalId(existing.id),
      status: 'queued',
      startedAt: existing.created_at,
    };
  }

  const payload: RollbackDeploymentPayload = {
    version: target.version,
    releaseCoordinator: {
      kind: 'rollback',
      ...(request.current && { rollbackOf: request.current.externalId }),
      initiator: request.initiator,
      idempotencyKey: request.idempotencyKey,
      reason: request.reason,
    },
  };
  const response = await octokit.rest.repos.createDeployment({
    owner,
    repo,
    ref: sha,
    environment,
    task: 'deploy',
    auto_merge: false,
    // The target already shipped once; its checks passed then.
    required_contexts: [],
    description: `Rollback to ${target.version}: ${request.reason}`.slice(
      0,
      MAX_DESCRIPTION_LENGTH,
    ),
    payload: { ...payload },
  });
  const created = response.data;
  if (!('id' in created)) {
    throw new ConflictError(
      `GitHub did not create the rollback deployment: ${
        created.message ?? `HTTP ${response.status}`
      }`,
    );
  }
  return {
    externalId: deploymentExternalId(created.id),
    status: 'queued',
    startedAt: created.created_at,
  };
}

import { DeploymentCommit } from '@release-coordinator/backstage-plugin-common';
import { GitlabApiError, GitlabClient } from './GitlabClient';
import { toUtcIso } from './timestamps';
import { GitlabCommit, GitlabDeployment } from './types';

/** Response of `GET /projects/:id/repository/compare`. */
interface GitlabCompare {
  commits: GitlabCommit[];
}

function toCommit(commit: GitlabCommit): DeploymentCommit | undefined {
  const committedAt = toUtcIso(commit.committed_date ?? commit.created_at);
  return commit.id && committedAt ? { sha: commit.id, committedAt } : undefined;
}

/** The commit the deployment's job ran on, when GitLab embeds it. */
export function headCommitOf(deployment: GitlabDeployment): DeploymentCommit[] {
  const commit = deployment.deployable?.commit;
  const mapped = commit ? toCommit(commit) : undefined;
  return mapped ? [mapped] : [];
}

/**
 * The commits each succeeded deployment shipped: those between the previous
 * succeeded deployment of the same environment and it (GitLab's compare
 * API). Without a previous one, or when GitLab no longer knows the previous
 * commit, just the deployed commit. Keys are GitLab deployment ids; other
 * deployments are left out.
 */
export async function resolveShippedCommits(options: {
  client: GitlabClient;
  projectId: string;
  deployments: GitlabDeployment[];
  signal?: AbortSignal;
}): Promise<Map<number, DeploymentCommit[]>> {
  const { client, projectId, signal } = options;
  const byEnvironment = new Map<string, GitlabDeployment[]>();
  for (const deployment of options.deployments) {
    if (deployment.status === 'success' && deployment.sha) {
      const list = byEnvironment.get(deployment.environment.name) ?? [];
      list.push(deployment);
      byEnvironment.set(deployment.environment.name, list);
    }
  }

  const shipped = new Map<number, DeploymentCommit[]>();
  for (const [environment, deployments] of byEnvironment) {
    deployments.sort((a, b) => a.id - b.id);
    let previousSha = await previousSucceededSha({
      client,
      projectId,
      environment,
      beforeId: deployments[0].id,
      signal,
    });
    for (const deployment of deployments) {
      shipped.set(
        deployment.id,
        previousSha
          ? await compare(client, projectId, previousSha, deployment, signal)
          : headCommitOf(deployment),
      );
      previousSha = deployment.sha;
    }
  }
  return shipped;
}

async function previousSucceededSha(options: {
  client: GitlabClient;
  projectId: string;
  environment: string;
  beforeId: number;
  signal?: AbortSignal;
}): Promise<string | undefined> {
  const { client, projectId, environment, beforeId, signal } = options;
  const { body } = await client.request<GitlabDeployment[]>({
    url: client.url(`/projects/${projectId}/deployments`, {
      environment,
      status: 'success',
      order_by: 'id',
      sort: 'desc',
      per_page: 100,
    }),
    signal,
  });
  return body.find(deployment => deployment.id < beforeId)?.sha;
}

async function compare(
  client: GitlabClient,
  projectId: string,
  fromSha: string,
  deployment: GitlabDeployment,
  signal?: AbortSignal,
): Promise<DeploymentCommit[]> {
  try {
    const { body } = await client.request<GitlabCompare>({
      url: client.url(`/projects/${projectId}/repository/compare`, {
        from: fromSha,
        to: deployment.sha,
      }),
      signal,
    });
    return body.commits.flatMap(commit => toCommit(commit) ?? []);
  } catch (error) {
    // A force-push or cleanup removed the previous commit.
    if (error instanceof GitlabApiError && error.status === 404) {
      return headCommitOf(deployment);
    }
    throw error;
  }
}

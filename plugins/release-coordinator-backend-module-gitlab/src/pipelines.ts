import { DeploymentInput } from '@release-coordinator/backstage-plugin-common';
import { GitlabClient } from './GitlabClient';
import { isTerminalStatus, mapGitlabPipelineStatus } from './statusMapping';
import { toUtcIso } from './timestamps';
import { GitlabPipeline, GitlabPipelineSummary } from './types';

/** How pipelines stand in for deployments of projects without GitLab environments. */
export interface PipelineDeploymentsOptions {
  /** The environment a pipeline of `ref` deploys to, e.g. `production`. */
  environment: string;
  /** The branch whose pipelines deploy; default the project's default branch. */
  ref?: string;
}

/** Prefix of the cursor of an entity whose deployments come from pipelines. */
export const PIPELINE_CURSOR_PREFIX = 'pipelines:';

/** The `externalId` of a pipeline recorded as a deployment. */
export function gitlabPipelineExternalId(pipelineId: number): string {
  return `pipeline-${pipelineId}`;
}

/** Maps a GitLab pipeline to a deployment of the entity. */
export function pipelineToDeploymentInput(options: {
  pipeline: GitlabPipeline;
  entityRef: string;
  environment: string;
  source: string;
}): DeploymentInput {
  const { pipeline } = options;
  const status = mapGitlabPipelineStatus(pipeline.status);
  const commitSha = pipeline.sha || undefined;
  return {
    entityRef: options.entityRef,
    environment: options.environment,
    source: options.source,
    externalId: gitlabPipelineExternalId(pipeline.id),
    // A branch name says nothing about what runs; the commit does.
    version: pipeline.tag ? pipeline.ref : pipeline.sha.slice(0, 8),
    commitSha,
    kind: 'deploy',
    status,
    startedAt: toUtcIso(pipeline.started_at) ?? toUtcIso(pipeline.created_at),
    finishedAt: isTerminalStatus(status)
      ? toUtcIso(pipeline.finished_at) ?? toUtcIso(pipeline.updated_at)
      : undefined,
    initiator: pipeline.user?.username,
    url: pipeline.web_url,
  };
}

/**
 * Reads the pipelines of the deploying branch updated after `updatedAfter`,
 * each with its details (start, finish, user), oldest update first.
 */
export async function pullPipelines(options: {
  client: GitlabClient;
  projectId: string;
  ref?: string;
  updatedAfter: string;
  maxPages: number;
  signal?: AbortSignal;
}): Promise<{ pipelines: GitlabPipeline[]; lastUpdatedAt?: string }> {
  const { client, projectId, signal } = options;
  const ref =
    options.ref ??
    (
      await client.request<{ default_branch?: string | null }>({
        url: client.url(`/projects/${projectId}`),
        signal,
      })
    ).body.default_branch ??
    undefined;
  if (!ref) {
    // An empty repository has no default branch and no pipelines.
    return { pipelines: [] };
  }

  const pipelines: GitlabPipeline[] = [];
  let lastUpdatedAt: string | undefined;
  for await (const page of client.pages<GitlabPipelineSummary>({
    path: `/projects/${projectId}/pipelines`,
    query: {
      ref,
      updated_after: options.updatedAfter,
      order_by: 'updated_at',
      sort: 'asc',
      per_page: 100,
    },
    signal,
    maxPages: options.maxPages,
  })) {
    for (const summary of page) {
      const { body } = await client.request<GitlabPipeline>({
        url: client.url(`/projects/${projectId}/pipelines/${summary.id}`),
        signal,
      });
      pipelines.push(body);
      const updatedAt = toUtcIso(summary.updated_at);
      if (updatedAt && (!lastUpdatedAt || updatedAt > lastUpdatedAt)) {
        lastUpdatedAt = updatedAt;
      }
    }
  }
  return { pipelines, lastUpdatedAt };
}

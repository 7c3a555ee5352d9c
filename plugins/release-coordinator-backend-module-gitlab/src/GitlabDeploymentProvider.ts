import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import {
  DeploymentCommit,
  DeploymentInput,
} from '@release-coordinator/backstage-plugin-common';
import {
  DeploymentProvider,
  DeploymentPullResult,
  ProviderPullRequest,
  RollbackExecution,
  RollbackRequest,
} from '@release-coordinator/backstage-plugin-node';
import { GitlabClient } from './GitlabClient';
import {
  PIPELINE_CURSOR_PREFIX,
  PipelineDeploymentsOptions,
  pipelineToDeploymentInput,
  pullPipelines,
} from './pipelines';
import { gitlabProjectIdOf } from './projects';
import { headCommitOf, resolveShippedCommits } from './shippedCommits';
import { isTerminalStatus, mapGitlabDeploymentStatus } from './statusMapping';
import { toUtcIso } from './timestamps';
import { GitlabDeployment, GitlabJob } from './types';

/** The provider id and `source` of every GitLab record. */
export const GITLAB_SOURCE = 'gitlab';

/** The `externalId` of a GitLab deployment. */
export function gitlabDeploymentExternalId(deploymentId: number): string {
  return `deployment-${deploymentId}`;
}

const DEPLOYMENT_EXTERNAL_ID = /^deployment-(\d+)$/;

/** What the GitLab deployment provider needs. */
export interface GitlabDeploymentProviderOptions {
  client: GitlabClient;
  /** How far back the first pull of an entity reaches; default 90 days. */
  initialLookbackDays?: number;
  /** Pages of 100 deployments read per pull; the cursor resumes the rest. Default 20. */
  maxPagesPerPull?: number;
  /**
   * Whether the commits of a succeeded deployment are all those since the
   * previous succeeded deployment of its environment (GitLab's compare
   * API, two more requests per environment and deployment) rather than only
   * the deployed commit. Default true.
   */
  compareCommits?: boolean;
  /**
   * Record the pipelines of a branch as deployments of projects that have
   * no GitLab deployments at all. Off when absent.
   */
  pipelines?: PipelineDeploymentsOptions;
  /** Current time; tests pass a fixed clock. */
  clock?: () => Date;
}

/**
 * Maps one item of GitLab's Deployments API to a Release Coordinator
 * deployment of the entity.
 *
 * @public
 */
export function toDeploymentInput(
  deployment: GitlabDeployment,
  entityRef: string,
): DeploymentInput {
  const status = mapGitlabDeploymentStatus(deployment.status);
  const job = deployment.deployable ?? undefined;
  return {
    entityRef,
    environment: deployment.environment.name,
    source: GITLAB_SOURCE,
    externalId: gitlabDeploymentExternalId(deployment.id),
    version: deployment.ref || deployment.sha,
    commitSha: deployment.sha || undefined,
    kind: 'deploy',
    status,
    startedAt: toUtcIso(job?.started_at) ?? toUtcIso(deployment.created_at),
    // A deployment created through the API has no job; its last update is when it finished.
    finishedAt: isTerminalStatus(status)
      ? toUtcIso(job?.finished_at) ?? toUtcIso(deployment.updated_at)
      : undefined,
    initiator: deployment.user?.username ?? job?.user?.username,
    url: job?.web_url,
    commits: headCommitOf(deployment),
  };
}

/**
 * Pulls deployments from GitLab's Deployments API for entities annotated
 * with `gitlab.com/project-slug` or `gitlab.com/project-id`, incrementally by
 * `updated_at` (optionally pipelines of projects without deployments), and
 * rolls back by retrying the target deployment's job.
 *
 * @public
 */
export class GitlabDeploymentProvider implements DeploymentProvider {
  readonly id = GITLAB_SOURCE;
  readonly #client: GitlabClient;
  readonly #initialLookbackDays: number;
  readonly #maxPagesPerPull: number;
  readonly #clock: () => Date;
  readonly #compareCommits: boolean;
  readonly #pipelines?: PipelineDeploymentsOptions;

  constructor(options: GitlabDeploymentProviderOptions) {
    this.#client = options.client;
    this.#initialLookbackDays = options.initialLookbackDays ?? 90;
    this.#maxPagesPerPull = options.maxPagesPerPull ?? 20;
    this.#clock = options.clock ?? (() => new Date());
    this.#compareCommits = options.compareCommits ?? true;
    this.#pipelines = options.pipelines;
  }

  appliesTo(entity: Entity): boolean {
    return gitlabProjectIdOf(entity) !== undefined;
  }

  async pull(request: ProviderPullRequest): Promise<DeploymentPullResult> {
    const projectId = this.#projectIdOrThrow(request.entity);
    const entityRef = stringifyEntityRef(request.entity);
    const pipelineCursor = request.cursor?.startsWith(PIPELINE_CURSOR_PREFIX)
      ? request.cursor.slice(PIPELINE_CURSOR_PREFIX.length)
      : undefined;
    // Pipelines stand in only while the project has no deployments at all;
    // its first deployment switches it over for good.
    if (
      this.#pipelines &&
      (request.cursor === undefined || pipelineCursor !== undefined) &&
      !(await this.projectHasDeployments(projectId, request.signal))
    ) {
      return this.#pullPipelines({
        options: this.#pipelines,
        projectId,
        entityRef,
        cursor: pipelineCursor,
        signal: request.signal,
      });
    }
    return this.#pullDeployments({
      projectId,
      entityRef,
      cursor: pipelineCursor === undefined ? request.cursor : undefined,
      signal: request.signal,
    });
  }

  async #pullDeployments(request: {
    projectId: string;
    entityRef: string;
    cursor?: string;
    signal: AbortSignal;
  }): Promise<DeploymentPullResult> {
    const { projectId, entityRef } = request;
    const updatedAfter = this.#updatedAfter(request.cursor);

    const pulled: GitlabDeployment[] = [];
    let lastUpdatedAt: string | undefined;
    for await (const page of this.#client.pages<GitlabDeployment>({
      path: `/projects/${projectId}/deployments`,
      query: {
        updated_after: updatedAfter,
        order_by: 'updated_at',
        sort: 'asc',
        per_page: 100,
      },
      signal: request.signal,
      maxPages: this.#maxPagesPerPull,
    })) {
      for (const deployment of page) {
        pulled.push(deployment);
        const updatedAt = toUtcIso(deployment.updated_at);
        if (updatedAt && (!lastUpdatedAt || updatedAt > lastUpdatedAt)) {
          lastUpdatedAt = updatedAt;
        }
      }
    }
    const shipped = this.#compareCommits
      ? await resolveShippedCommits({
          client: this.#client,
          projectId,
          deployments: pulled,
          signal: request.signal,
        })
      : new Map<number, DeploymentCommit[]>();
    const deployments = pulled.map(deployment => {
      const input = toDeploymentInput(deployment, entityRef);
      const commits = shipped.get(deployment.id);
      return commits ? { ...input, commits } : input;
    });
    return { deployments, cursor: lastUpdatedAt ?? request.cursor };
  }

  async #pullPipelines(request: {
    options: PipelineDeploymentsOptions;
    projectId: string;
    entityRef: string;
    cursor?: string;
    signal: AbortSignal;
  }): Promise<DeploymentPullResult> {
    const { pipelines, lastUpdatedAt } = await pullPipelines({
      client: this.#client,
      projectId: request.projectId,
      ref: request.options.ref,
      updatedAfter: this.#updatedAfter(request.cursor),
      maxPages: this.#maxPagesPerPull,
      signal: request.signal,
    });
    return {
      deployments: pipelines.map(pipeline =>
        pipelineToDeploymentInput({
          pipeline,
          entityRef: request.entityRef,
          environment: request.options.environment,
          source: GITLAB_SOURCE,
        }),
      ),
      cursor: lastUpdatedAt
        ? `${PIPELINE_CURSOR_PREFIX}${lastUpdatedAt}`
        : request.cursor && `${PIPELINE_CURSOR_PREFIX}${request.cursor}`,
    };
  }

  /**
   * Whether the project has any GitLab deployment: then its pipelines are
   * not deployments (pulls, and the webhook's Pipeline Hooks).
   */
  async projectHasDeployments(
    projectId: string,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const { body } = await this.#client.request<GitlabDeployment[]>({
      url: this.#client.url(`/projects/${projectId}/deployments`, {
        per_page: 1,
      }),
      signal,
    });
    return body.length > 0;
  }

  /**
   * Re-runs the job of the target deployment, which GitLab records as a new
   * deployment of the target's commit to the same environment (what
   * GitLab's own "Rollback environment" button does).
   */
  async rollback(request: RollbackRequest): Promise<RollbackExecution> {
    const projectId = this.#projectIdOrThrow(request.entity);
    const targetId = DEPLOYMENT_EXTERNAL_ID.exec(
      request.target.source === GITLAB_SOURCE ? request.target.externalId : '',
    )?.[1];
    if (!targetId) {
      throw new InputError(
        `Rollback target ${request.target.source}/${request.target.externalId} is not a GitLab deployment`,
      );
    }
    const { body: target } = await this.#client.request<GitlabDeployment>({
      url: this.#client.url(`/projects/${projectId}/deployments/${targetId}`),
      signal: request.signal,
    });
    if (target.environment.name !== request.environment) {
      throw new InputError(
        `GitLab deployment ${targetId} went to ${target.environment.name}, not ${request.environment}`,
      );
    }
    const jobId = target.deployable?.id;
    if (!jobId) {
      throw new ConflictError(
        `GitLab deployment ${targetId} has no job to retry (it was not created by a CI job)`,
      );
    }
    const { body: job } = await this.#client.request<GitlabJob>({
      method: 'POST',
      url: this.#client.url(`/projects/${projectId}/jobs/${jobId}/retry`),
      signal: request.signal,
    });
    const created = await this.#deploymentOfJob(
      projectId,
      request.environment,
      job.id,
      request.signal,
    );
    return {
      // The deployment GitLab created for the new job, so that later pulls
      // update the rollback record rather than adding a second one.
      externalId: created
        ? gitlabDeploymentExternalId(created.id)
        : `job-${job.id}`,
      status: 'queued',
      url: job.web_url,
      startedAt: toUtcIso(job.created_at),
    };
  }

  async #deploymentOfJob(
    projectId: string,
    environment: string,
    jobId: number,
    signal?: AbortSignal,
  ): Promise<GitlabDeployment | undefined> {
    const { body: recent } = await this.#client.request<GitlabDeployment[]>({
      url: this.#client.url(`/projects/${projectId}/deployments`, {
        environment,
        order_by: 'id',
        sort: 'desc',
        per_page: 20,
      }),
      signal,
    });
    return recent.find(deployment => deployment.deployable?.id === jobId);
  }

  #projectIdOrThrow(entity: Entity): string {
    const projectId = gitlabProjectIdOf(entity);
    if (!projectId) {
      throw new InputError(
        `Entity ${stringifyEntityRef(
          entity,
        )} has no gitlab.com/project-slug or numeric gitlab.com/project-id annotation`,
      );
    }
    return projectId;
  }

  #updatedAfter(cursor: string | undefined): string {
    const fromCursor = toUtcIso(cursor);
    if (fromCursor) {
      return fromCursor;
    }
    const since = new Date(
      this.#clock().getTime() - this.#initialLookbackDays * 24 * 3600 * 1000,
    );
    return since.toISOString();
  }
}

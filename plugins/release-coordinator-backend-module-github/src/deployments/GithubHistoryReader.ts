import { LoggerService } from '@backstage/backend-plugin-api';
import {
  DeploymentCommit,
  DeploymentInput,
} from '@release-coordinator/backstage-plugin-common';
import { GithubOctokitClient } from '../client/GithubClientFactory';
import { httpStatusOf } from '../client/httpStatus';
import { GithubDeployWorkflow, GithubModuleConfig } from '../config';
import { StreamCursor } from './cursor';
import {
  deploymentInputFromRollbackRun,
  parseRollbackRunTitle,
} from './rollbackRuns';
import {
  deploymentInputFromGithubDeployment,
  deploymentInputFromWorkflowRun,
  GithubDeploymentLike,
  GithubWorkflowRunLike,
  headCommitOf,
} from './deploymentInputs';

/** Most new deployments or runs read per stream in one pull after the first. */
const MAX_NEW_ITEMS_PER_PULL = 1000;

/** One unit of history read in a pull: a deployment or a run, mapped. */
export interface PulledItem {
  id: number;
  input: DeploymentInput;
  /** Looks up the commits shipped since `baseSha` (or the item's own). */
  commits(baseSha: string | undefined): Promise<DeploymentCommit[] | undefined>;
}

/** The repository being read, with an authorised client. */
export interface RepoContext {
  octokit: GithubOctokitClient;
  owner: string;
  repo: string;
  entityRef: string;
}

/**
 * Adds the items still unfinished at the last pull that are not among the
 * new ones, read one by one (a deleted one is dropped).
 */
async function addUnfinished<T extends { id: number }>(
  found: T[],
  openIds: number[],
  read: (id: number) => Promise<T | undefined>,
): Promise<void> {
  for (const id of openIds) {
    if (!found.some(item => item.id === id)) {
      const item = await read(id);
      if (item) {
        found.push(item);
      }
    }
  }
}

/** Resolves to undefined when GitHub answers 404 (deleted run, unknown sha). */
async function ignoreNotFound<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (httpStatusOf(error) === 404) {
      return undefined;
    }
    throw error;
  }
}

/** A workflow file name as is, a numeric workflow id as a number. */
export function workflowIdParameter(workflow: string): string | number {
  return /^\d+$/.test(workflow) ? Number(workflow) : workflow;
}

/**
 * Reads one entity's history from GitHub's REST API: new deployments or
 * workflow runs since a stream cursor, the unfinished ones again, and the
 * commits each succeeded one shipped.
 */
export class GithubHistoryReader {
  readonly #config: GithubModuleConfig;
  readonly #logger: LoggerService;

  constructor(options: { config: GithubModuleConfig; logger: LoggerService }) {
    this.#config = options.config;
    this.#logger = options.logger;
  }

  /** New deployments since the cursor plus the unfinished ones, with statuses. */
  async readDeployments(
    context: RepoContext,
    stream: StreamCursor,
  ): Promise<PulledItem[]> {
    const { octokit, owner, repo, entityRef } = context;
    const found = await this.#collectNewest<GithubDeploymentLike>(
      octokit.paginate.iterator('GET /repos/{owner}/{repo}/deployments', {
        owner,
        repo,
        per_page: 100,
      }),
      stream,
    );
    await addUnfinished(
      found,
      stream.openIds,
      async id =>
        (
          await ignoreNotFound(
            octokit.rest.repos.getDeployment({
              owner,
              repo,
              deployment_id: id,
            }),
          )
        )?.data,
    );
    const items: PulledItem[] = [];
    for (const deployment of found) {
      const { data: statuses } =
        await octokit.rest.repos.listDeploymentStatuses({
          owner,
          repo,
          deployment_id: deployment.id,
          per_page: 100,
        });
      items.push({
        id: deployment.id,
        input: deploymentInputFromGithubDeployment({
          entityRef,
          deployment,
          statuses,
        }),
        commits: base =>
          base
            ? this.#compare(context, base, deployment.sha)
            : this.#singleCommit(context, deployment.sha),
      });
    }
    return items;
  }

  /**
   * New runs of a deploy workflow since the cursor plus the unfinished ones.
   * Runs that describe themselves as rollbacks (the rollback workflow may
   * be the deploy workflow) are rollbacks of the entity they name.
   */
  async readWorkflowRuns(
    context: RepoContext,
    workflow: GithubDeployWorkflow,
    stream: StreamCursor,
  ): Promise<PulledItem[]> {
    const { entityRef } = context;
    // A workflow configured for every repository need not exist in each.
    const runs = await this.#readRuns(context, stream, {
      workflow: workflow.workflow,
      missingIsEmpty: !workflow.entity && !workflow.repository,
    });
    return runs.flatMap(run => {
      if (parseRollbackRunTitle(run.display_title)) {
        return this.#rollbackItems(entityRef, run);
      }
      return [
        {
          id: run.id,
          input: deploymentInputFromWorkflowRun({
            entityRef,
            environment: workflow.environment,
            run,
          }),
          commits: async (base: string | undefined) =>
            base
              ? this.#compare(context, base, run.head_sha)
              : headCommitOf(run),
        },
      ];
    });
  }

  /**
   * New dispatched runs of the rollback workflow since the cursor plus the
   * unfinished ones, as rollbacks of the entity (runs for other entities of
   * the repository are left out). A repository without the workflow has no
   * rollback runs.
   */
  async readRollbackRuns(
    context: RepoContext,
    workflow: string,
    stream: StreamCursor,
  ): Promise<PulledItem[]> {
    const runs = await this.#readRuns(context, stream, {
      workflow,
      event: 'workflow_dispatch',
      missingIsEmpty: true,
    });
    return runs.flatMap(run => this.#rollbackItems(context.entityRef, run));
  }

  #rollbackItems(entityRef: string, run: GithubWorkflowRunLike): PulledItem[] {
    const input = deploymentInputFromRollbackRun({ entityRef, run });
    return input ? [{ id: run.id, input, commits: async () => undefined }] : [];
  }

  async #readRuns(
    context: RepoContext,
    stream: StreamCursor,
    options: { workflow: string; event?: string; missingIsEmpty: boolean },
  ): Promise<GithubWorkflowRunLike[]> {
    const { octokit, owner, repo } = context;
    let found: GithubWorkflowRunLike[];
    try {
      found = await this.#collectNewest<GithubWorkflowRunLike>(
        octokit.paginate.iterator(
          'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
          {
            owner,
            repo,
            workflow_id: workflowIdParameter(options.workflow),
            ...(options.event && { event: options.event }),
            per_page: 100,
          },
        ),
        stream,
      );
    } catch (error) {
      if (httpStatusOf(error) === 404 && options.missingIsEmpty) {
        return [];
      }
      throw error;
    }
    await addUnfinished(
      found,
      stream.openIds,
      async id =>
        (
          await ignoreNotFound(
            octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: id }),
          )
        )?.data,
    );
    return found;
  }

  /**
   * Walks pages newest first until an item the cursor has seen; on the
   * first pull, stops after `initialPullLimit` items.
   */
  async #collectNewest<T extends { id: number }>(
    pages: AsyncIterable<{ data: T[] }>,
    stream: StreamCursor,
  ): Promise<T[]> {
    const limit =
      stream.newestId === undefined
        ? this.#config.initialPullLimit
        : MAX_NEW_ITEMS_PER_PULL;
    const found: T[] = [];
    for await (const page of pages) {
      for (const item of page.data) {
        if (
          (stream.newestId !== undefined && item.id <= stream.newestId) ||
          found.length >= limit
        ) {
          return found;
        }
        found.push(item);
      }
    }
    return found;
  }

  /** Commits in `base...head`, oldest first, at most the configured bound. */
  async #compare(
    context: RepoContext,
    base: string,
    head: string,
  ): Promise<DeploymentCommit[]> {
    if (base === head) {
      return [];
    }
    const { octokit, owner, repo } = context;
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `${base}...${head}`,
      per_page: this.#config.maxCommitsPerDeployment,
    });
    if (data.total_commits > data.commits.length) {
      this.#logger.debug(
        `${owner}/${repo} ${base}...${head} has ${data.total_commits} commits; using the newest ${data.commits.length}`,
      );
    }
    return data.commits
      .slice(-this.#config.maxCommitsPerDeployment)
      .flatMap(commit => {
        const committedAt =
          commit.commit.committer?.date ?? commit.commit.author?.date;
        return committedAt ? [{ sha: commit.sha, committedAt }] : [];
      });
  }

  /** The deployed commit alone, when there is no earlier deployment to compare with. */
  async #singleCommit(
    context: RepoContext,
    sha: string,
  ): Promise<DeploymentCommit[] | undefined> {
    const { octokit, owner, repo } = context;
    const response = await ignoreNotFound(
      octokit.rest.repos.getCommit({ owner, repo, ref: sha, per_page: 1 }),
    );
    const commit = response?.data.commit;
    const committedAt = commit?.committer?.date ?? commit?.author?.date;
    return committedAt ? [{ sha, committedAt }] : undefined;
  }
}

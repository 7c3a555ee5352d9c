import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_GITHUB_PROJECT_SLUG,
  DeploymentInput,
  DeploymentStatus,
} from '@release-coordinator/backstage-plugin-common';
import {
  DeploymentProvider,
  DeploymentPullResult,
  ProviderPullRequest,
  RollbackExecution,
  RollbackRequest,
} from '@release-coordinator/backstage-plugin-node';
import { GithubClientFactory } from '../client/GithubClientFactory';
import { GithubModuleConfig } from '../config';
import {
  emptyStreamCursor,
  GithubPullCursor,
  MAX_OPEN_IDS,
  parseGithubPullCursor,
  StreamCursor,
} from './cursor';
import { GITHUB_SOURCE, hasStorableEnvironment } from './deploymentInputs';
import {
  annotatedEnvironments,
  deployWorkflowsOf,
  readProjectSlug,
} from './entityRepository';
import { GithubHistoryReader, PulledItem } from './GithubHistoryReader';
import { rollbackWithGithubDeployment } from './rollback';
import {
  DEFAULT_RUN_DISCOVERY,
  rollbackWithWorkflowDispatch,
  RunDiscoveryPolicy,
} from './rollbackWorkflow';

/** Options of {@link GithubDeploymentProvider}. */
export interface GithubDeploymentProviderOptions {
  clients: GithubClientFactory;
  config: GithubModuleConfig;
  logger: LoggerService;
  /** How long to look for a dispatched rollback run GitHub gave no id for. */
  runDiscovery?: RunDiscoveryPolicy;
}

/** One stream of history read by a pull, with its own cursor. */
interface PullStream {
  key: string;
  read(stream: StreamCursor): Promise<PulledItem[]>;
}

function isOpen(status: DeploymentStatus) {
  return status === 'queued' || status === 'in_progress';
}

/**
 * Pulls deployment history from GitHub (docs/product.md §5): the Deployments API and
 * its statuses, or, for entities that deploy with GitHub Actions, the runs
 * of their deploy workflows (Actions jobs with an `environment` also create
 * Deployments, so an entity uses one or the other, never both). Commits
 * for lead time come from comparing consecutive succeeded deployments of an
 * environment.
 *
 * @public
 */
export class GithubDeploymentProvider implements DeploymentProvider {
  readonly id = GITHUB_SOURCE;
  readonly #clients: GithubClientFactory;
  readonly #config: GithubModuleConfig;
  readonly #reader: GithubHistoryReader;
  readonly #logger: LoggerService;
  readonly #runDiscovery: RunDiscoveryPolicy;

  constructor(options: GithubDeploymentProviderOptions) {
    this.#clients = options.clients;
    this.#config = options.config;
    this.#logger = options.logger;
    this.#runDiscovery = options.runDiscovery ?? DEFAULT_RUN_DISCOVERY;
    this.#reader = new GithubHistoryReader(options);
  }

  /**
   * Entities with a `github.com/project-slug`; the Deployments API is read
   * only when GitHub credentials are configured (anonymous access would
   * exhaust its 60 requests per hour), deploy workflows always.
   */
  appliesTo(entity: Entity): boolean {
    if (!readProjectSlug(entity)) {
      return false;
    }
    return (
      this.#clients.hasCredentials(this.#config.host) ||
      deployWorkflowsOf(entity, this.#config.workflows).length > 0
    );
  }

  async pull(request: ProviderPullRequest): Promise<DeploymentPullResult> {
    const { entity, signal } = request;
    const slug = readProjectSlug(entity);
    if (!slug) {
      return { deployments: [] };
    }
    const entityRef = stringifyEntityRef(entity);
    const cursor = parseGithubPullCursor(request.cursor);
    const octokit = await this.#clients.forRepository({
      host: this.#config.host,
      ...slug,
      signal,
    });
    const context = { octokit, ...slug, entityRef };
    const workflows = deployWorkflowsOf(entity, this.#config.workflows);
    const next: GithubPullCursor = { version: 1, streams: {} };
    const deployments: DeploymentInput[] = [];

    const streams: PullStream[] =
      workflows.length > 0
        ? workflows.map(workflow => ({
            key: `workflow:${workflow.workflow}`,
            read: stream =>
              this.#reader.readWorkflowRuns(context, workflow, stream),
          }))
        : [
            {
              key: 'deployments',
              read: stream => this.#reader.readDeployments(context, stream),
            },
          ];
    // Dispatched rollbacks update the deployments of kind `rollback` the
    // backend recorded for them (a deploy workflow that is also the
    // rollback workflow reports them already).
    const rollbackWorkflow = this.#config.rollback?.workflow;
    if (
      rollbackWorkflow &&
      !workflows.some(workflow => workflow.workflow === rollbackWorkflow)
    ) {
      streams.push({
        key: `rollback:${rollbackWorkflow}`,
        read: stream =>
          this.#reader.readRollbackRuns(context, rollbackWorkflow, stream),
      });
    }

    for (const { key, read } of streams) {
      const stream = cursor.streams[key] ?? emptyStreamCursor();
      const items = await read(stream);
      const { inputs, cursor: streamCursor } = await this.#settle(
        items,
        stream,
      );
      deployments.push(...inputs);
      next.streams[key] = streamCursor;
    }

    const environments = annotatedEnvironments(entity.metadata.annotations);
    return {
      deployments: deployments.filter(
        d =>
          hasStorableEnvironment(d) &&
          (!environments || environments.has(d.environment)),
      ),
      cursor: JSON.stringify(next),
    };
  }

  /**
   * Rolls back by dispatching the configured rollback workflow (see
   * `rollbackWithWorkflowDispatch`) or, without one, by creating a GitHub
   * deployment of the target's commit (see `rollbackWithGithubDeployment`),
   * which refuses targets from workflow runs.
   */
  async rollback(request: RollbackRequest): Promise<RollbackExecution> {
    const slug = readProjectSlug(request.entity);
    if (!slug) {
      throw new InputError(
        `Entity ${stringifyEntityRef(
          request.entity,
        )} has no ${ANNOTATION_GITHUB_PROJECT_SLUG}`,
      );
    }
    const octokit = await this.#clients.forRepository({
      host: this.#config.host,
      ...slug,
      signal: request.signal,
    });
    const workflow = this.#config.rollback;
    if (workflow) {
      return rollbackWithWorkflowDispatch({
        octokit,
        ...slug,
        workflow,
        request,
        discovery: this.#runDiscovery,
        logger: this.#logger,
      });
    }
    return rollbackWithGithubDeployment({ octokit, ...slug, request });
  }

  /**
   * Attaches commits to succeeded items (oldest first, so each compares
   * against the previous deployment of its environment) and moves the
   * stream's cursor forward.
   */
  async #settle(
    items: PulledItem[],
    stream: StreamCursor,
  ): Promise<{ inputs: DeploymentInput[]; cursor: StreamCursor }> {
    const lastSucceeded = { ...stream.lastSucceeded };
    const inputs: DeploymentInput[] = [];
    const open: number[] = [];
    let newestId = stream.newestId;
    for (const item of [...items].sort((a, b) => a.id - b.id)) {
      const { input } = item;
      newestId = Math.max(newestId ?? item.id, item.id);
      if (isOpen(input.status)) {
        open.push(item.id);
      }
      if (input.status === 'succeeded' && input.commitSha) {
        const previous = lastSucceeded[input.environment];
        // A deployment finishing after a newer one has its own commit only.
        const base =
          previous && previous.id < item.id ? previous.sha : undefined;
        const commits = await item.commits(base);
        inputs.push(commits ? { ...input, commits } : input);
        if (!previous || previous.id < item.id) {
          lastSucceeded[input.environment] = {
            id: item.id,
            sha: input.commitSha,
          };
        }
      } else {
        inputs.push(input);
      }
    }
    return {
      inputs,
      cursor: {
        ...(newestId !== undefined && { newestId }),
        openIds: open.slice(-MAX_OPEN_IDS),
        lastSucceeded,
      },
    };
  }
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError, InputError } from '@backstage/errors';
import {
  ANNOTATION_GITHUB_PROJECT_SLUG,
  DeploymentInput,
} from '@release-coordinator/backstage-plugin-common';
import {
  WebhookHandler,
  WebhookRawRequest,
  WebhookRequest,
  WebhookResult,
} from '@release-coordinator/backstage-plugin-node';
import {
  checkRunEvidence,
  GithubCheckRunLike,
} from '../checks/checkRunEvidence';
import {
  ANNOTATION_GITHUB_DEPLOY_WORKFLOW,
  DEFAULT_WORKFLOW_ENVIRONMENT,
  GithubModuleConfig,
} from '../config';
import {
  deploymentInputFromGithubDeployment,
  deploymentInputFromWorkflowRun,
  GithubDeploymentLike,
  GithubWorkflowRunLike,
  hasStorableEnvironment,
  headCommitOf,
} from '../deployments/deploymentInputs';
import { GithubDeploymentStatusLike } from '../deployments/statusMapping';
import {
  annotatedEnvironments,
  configuredWorkflowsFor,
} from '../deployments/entityRepository';
import {
  deploymentInputFromRollbackRun,
  parseRollbackRunTitle,
} from '../deployments/rollbackRuns';
import { verifyGithubSignature } from './signature';

/** Options of {@link GithubWebhookHandler}. */
export interface GithubWebhookHandlerOptions {
  config: GithubModuleConfig & { webhookSecret: string };
  logger: LoggerService;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function header(request: WebhookRawRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads `payload[key]` as an object whose listed fields have the given types. */
function objectField<T>(
  payload: JsonObject,
  key: string,
  fields: Record<string, 'string' | 'number'>,
): T {
  const value = payload[key];
  if (!isObject(value)) {
    throw new InputError(`GitHub payload has no '${key}' object`);
  }
  for (const [field, type] of Object.entries(fields)) {
    if (typeof value[field] !== type) {
      throw new InputError(
        `GitHub payload field '${key}.${field}' must be a ${type}`,
      );
    }
  }
  return value as T;
}

const lower = (value: string) => value.toLocaleLowerCase('en-US');

/**
 * Receives GitHub webhooks at `POST /api/release-coordinator/webhooks/github`
 * (docs/product.md §7): verifies `X-Hub-Signature-256`, returns `X-GitHub-Delivery` as
 * the delivery id, and turns `deployment_status` and deploy-workflow
 * `workflow_run` events into deployments and `check_run` events into
 * checklist evidence. `ping` and other events are accepted and ignored.
 *
 * @public
 */
export class GithubWebhookHandler implements WebhookHandler {
  readonly path = 'github';
  readonly #config: GithubWebhookHandlerOptions['config'];
  readonly #logger: LoggerService;

  constructor(options: GithubWebhookHandlerOptions) {
    this.#config = options.config;
    this.#logger = options.logger;
  }

  /** Checks `X-Hub-Signature-256` on the raw bytes (401), before any parsing. */
  verify(request: WebhookRawRequest): void {
    if (
      !verifyGithubSignature({
        secret: this.#config.webhookSecret,
        rawBody: request.rawBody,
        header: header(request, 'x-hub-signature-256'),
      })
    ) {
      throw new AuthenticationError(
        'Missing or invalid X-Hub-Signature-256 for the GitHub webhook',
      );
    }
  }

  async handle(request: WebhookRequest): Promise<WebhookResult> {
    // Also when called directly: nothing is read from an unverified body.
    this.verify(request);
    const deliveryId = header(request, 'x-github-delivery');
    const result: WebhookResult = { ...(deliveryId && { deliveryId }) };
    const event = header(request, 'x-github-event');
    if (
      event !== 'deployment_status' &&
      event !== 'workflow_run' &&
      event !== 'check_run'
    ) {
      return result;
    }
    const payload = request.body;
    if (!isObject(payload)) {
      throw new InputError('GitHub webhook body must be a JSON object');
    }
    const repository = objectField<{ full_name: string }>(
      payload,
      'repository',
      { full_name: 'string' },
    );
    const entityRefs = await request.findEntityRefsByAnnotation(
      ANNOTATION_GITHUB_PROJECT_SLUG,
      repository.full_name,
    );
    if (entityRefs.length === 0) {
      this.#logger.info(
        `GitHub ${event} delivery ${deliveryId} for ${repository.full_name}: no entity has ${ANNOTATION_GITHUB_PROJECT_SLUG}: ${repository.full_name}`,
      );
      return result;
    }
    const context = { payload, repository: repository.full_name, entityRefs };
    switch (event) {
      case 'deployment_status':
        return {
          ...result,
          deployments: await this.#inAnnotatedEnvironments(
            this.#deploymentStatus(context).filter(hasStorableEnvironment),
            request,
          ),
        };
      case 'workflow_run':
        return {
          ...result,
          deployments: await this.#inAnnotatedEnvironments(
            await this.#workflowRun(context, request),
            request,
          ),
        };
      default:
        return { ...result, evidence: this.#checkRun(context) };
    }
  }

  /**
   * Leaves out deployments to environments the entity's
   * `release-coordinator/environments` annotation does not name, as pulls
   * do (docs/product.md §8).
   */
  async #inAnnotatedEnvironments(
    deployments: DeploymentInput[],
    request: WebhookRequest,
  ): Promise<DeploymentInput[]> {
    const getAnnotations = request.getEntityAnnotations;
    if (!getAnnotations || deployments.length === 0) {
      return deployments;
    }
    const filters = new Map<string, Set<string> | undefined>();
    for (const entityRef of new Set(deployments.map(d => d.entityRef))) {
      filters.set(
        entityRef,
        annotatedEnvironments(await getAnnotations.call(request, entityRef)),
      );
    }
    return deployments.filter(deployment => {
      const environments = filters.get(deployment.entityRef);
      const kept = !environments || environments.has(deployment.environment);
      if (!kept) {
        this.#logger.info(
          `GitHub deployment ${deployment.externalId} of ${deployment.entityRef} to ${deployment.environment} left out: not in its release-coordinator/environments`,
        );
      }
      return kept;
    });
  }

  /** Entities that deploy with a configured workflow take no Deployments. */
  #deploysWithConfiguredWorkflow(entityRef: string, repository: string) {
    return (
      configuredWorkflowsFor({
        workflows: this.#config.workflows,
        entityRef,
        repository,
      }).length > 0
    );
  }

  #deploymentStatus(context: EventContext): DeploymentInput[] {
    const { payload, repository, entityRefs } = context;
    const status = objectField<GithubDeploymentStatusLike>(
      payload,
      'deployment_status',
      { state: 'string', created_at: 'string' },
    );
    const deployment = objectField<GithubDeploymentLike>(
      payload,
      'deployment',
      {
        id: 'number',
        sha: 'string',
        ref: 'string',
        environment: 'string',
        created_at: 'string',
      },
    );
    // `inactive` only marks a deployment as superseded; its outcome came
    // with an earlier status (forward-only status keeps it).
    if (status.state === 'inactive') {
      return [];
    }
    return entityRefs
      .filter(ref => !this.#deploysWithConfiguredWorkflow(ref, repository))
      .map(entityRef =>
        deploymentInputFromGithubDeployment({
          entityRef,
          deployment,
          statuses: [status],
        }),
      );
  }

  async #workflowRun(
    context: EventContext,
    request: WebhookRequest,
  ): Promise<DeploymentInput[]> {
    const { payload, repository, entityRefs } = context;
    const run = objectField<
      GithubWorkflowRunLike & { path?: string; workflow_id?: number }
    >(payload, 'workflow_run', {
      id: 'number',
      head_sha: 'string',
      created_at: 'string',
      updated_at: 'string',
      html_url: 'string',
    });
    const workflow = isObject(payload.workflow) ? payload.workflow : {};
    const path = [run.path, workflow.path].find(
      (candidate): candidate is string => typeof candidate === 'string',
    );
    const fileName = path?.split('/').pop() ?? '';
    const workflowId = String(run.workflow_id ?? workflow.id ?? '');
    const names = new Set([fileName, workflowId].filter(Boolean));

    // A run of the rollback workflow updates the rollback it executes.
    const rollbackWorkflow = this.#config.rollback?.workflow;
    if (
      rollbackWorkflow &&
      names.has(rollbackWorkflow) &&
      parseRollbackRunTitle(run.display_title)
    ) {
      return entityRefs.flatMap(
        entityRef => deploymentInputFromRollbackRun({ entityRef, run }) ?? [],
      );
    }

    const annotated = new Set(
      fileName
        ? (
            await request.findEntityRefsByAnnotation(
              ANNOTATION_GITHUB_DEPLOY_WORKFLOW,
              fileName,
            )
          ).map(lower)
        : [],
    );
    const deployments: DeploymentInput[] = [];
    for (const entityRef of entityRefs) {
      const environments = new Set(
        configuredWorkflowsFor({
          workflows: this.#config.workflows,
          entityRef,
          repository,
        })
          .filter(w => names.has(w.workflow))
          .map(w => w.environment),
      );
      if (environments.size === 0 && annotated.has(lower(entityRef))) {
        environments.add(DEFAULT_WORKFLOW_ENVIRONMENT);
      }
      if (environments.size > 0 && parseRollbackRunTitle(run.display_title)) {
        // The deploy workflow doubles as the rollback workflow.
        const rollback = deploymentInputFromRollbackRun({ entityRef, run });
        deployments.push(...(rollback ? [rollback] : []));
        continue;
      }
      for (const environment of environments) {
        deployments.push(
          deploymentInputFromWorkflowRun({
            entityRef,
            environment,
            run,
            commits: headCommitOf(run),
          }),
        );
      }
    }
    return deployments;
  }

  #checkRun(context: EventContext) {
    const checkRun = objectField<GithubCheckRunLike>(
      context.payload,
      'check_run',
      { name: 'string', head_sha: 'string' },
    );
    return context.entityRefs.flatMap(entityRef =>
      checkRunEvidence({ entityRef, checkRun, checks: this.#config.checks }),
    );
  }
}

interface EventContext {
  payload: JsonObject;
  repository: string;
  entityRefs: string[];
}

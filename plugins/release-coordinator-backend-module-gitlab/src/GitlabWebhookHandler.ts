import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, InputError } from '@backstage/errors';
import {
  ANNOTATION_GITLAB_PROJECT_ID,
  ANNOTATION_GITLAB_PROJECT_SLUG,
  DeploymentInput,
} from '@release-coordinator/backstage-plugin-common';
import {
  WebhookHandler,
  WebhookRawRequest,
  WebhookRequest,
  WebhookResult,
} from '@release-coordinator/backstage-plugin-node';
import {
  GITLAB_SOURCE,
  gitlabDeploymentExternalId,
} from './GitlabDeploymentProvider';
import {
  PipelineDeploymentsOptions,
  pipelineToDeploymentInput,
} from './pipelines';
import { isTerminalStatus, mapGitlabDeploymentStatus } from './statusMapping';
import { toUtcIso } from './timestamps';
import { GitlabDeploymentHook } from './types';

/** Compares two secrets in constant time, whatever their lengths. */
function tokensMatch(received: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(received), digest(expected));
}

function headerOf(
  request: WebhookRawRequest,
  name: string,
): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDeploymentHook(body: unknown): body is GitlabDeploymentHook {
  return (
    isRecord(body) &&
    body.object_kind === 'deployment' &&
    typeof body.status === 'string' &&
    typeof body.deployment_id === 'number' &&
    typeof body.environment === 'string' &&
    isRecord(body.project) &&
    (typeof body.project.path_with_namespace === 'string' ||
      typeof body.project.id === 'number')
  );
}

/** A `Pipeline Hook` body as far as it is read (GitLab's webhook events docs). */
interface GitlabPipelineHook {
  object_kind: 'pipeline';
  object_attributes: {
    id: number;
    ref: string;
    tag?: boolean;
    sha: string;
    status: string;
    created_at?: string;
    finished_at?: string | null;
    url?: string;
  };
  user?: { id?: number; username?: string } | null;
  project: {
    id?: number;
    path_with_namespace?: string;
    default_branch?: string | null;
    web_url?: string;
  };
  builds?: Array<{ started_at?: string | null }> | null;
}

function isPipelineHook(body: unknown): body is GitlabPipelineHook {
  if (!isRecord(body) || body.object_kind !== 'pipeline') return false;
  const attributes = body.object_attributes;
  return (
    isRecord(attributes) &&
    typeof attributes.id === 'number' &&
    typeof attributes.ref === 'string' &&
    typeof attributes.sha === 'string' &&
    typeof attributes.status === 'string' &&
    isRecord(body.project) &&
    (typeof body.project.path_with_namespace === 'string' ||
      typeof body.project.id === 'number')
  );
}

/** The full commit sha at the end of a hook's `commit_url`, if there is one. */
function shaOfCommitUrl(commitUrl: string | undefined): string | undefined {
  return /\/commit\/([0-9a-f]{40})$/i.exec(commitUrl ?? '')?.[1];
}

/**
 * Receives GitLab webhooks at `POST /api/release-coordinator/webhooks/gitlab`:
 * verifies `X-Gitlab-Token` against `releaseCoordinator.webhooks.gitlab.token`
 * and turns `Deployment Hook` deliveries into deployments, and, with
 * `releaseCoordinator.gitlab.pipelines`, `Pipeline Hook` deliveries into
 * deployments the way pulls map pipelines (the deploying branch, projects
 * without GitLab deployments only). What is not ingested is answered with
 * the reason in `ignored`; other events are accepted and ignored.
 *
 * @public
 */
export class GitlabWebhookHandler implements WebhookHandler {
  readonly path = 'gitlab';
  readonly #token: string;
  readonly #pipelines?: PipelineDeploymentsOptions;
  readonly #projectHasDeployments?: (projectId: string) => Promise<boolean>;

  constructor(options: {
    token: string;
    /** `releaseCoordinator.gitlab.pipelines`: pipelines stand in for deployments. */
    pipelines?: PipelineDeploymentsOptions;
    /**
     * Whether the project has any GitLab deployment (then its pipelines are
     * not deployments, as in pulls); needs the GitLab integration.
     */
    projectHasDeployments?: (projectId: string) => Promise<boolean>;
  }) {
    if (!options.token) {
      throw new Error('The GitLab webhook token must not be empty');
    }
    this.#token = options.token;
    this.#pipelines = options.pipelines;
    this.#projectHasDeployments = options.projectHasDeployments;
  }

  /** Checks `X-Gitlab-Token` (401) before the body is parsed. */
  verify(request: WebhookRawRequest): void {
    const received = headerOf(request, 'x-gitlab-token');
    if (!received || !tokensMatch(received, this.#token)) {
      throw new AuthenticationError('Invalid or missing X-Gitlab-Token');
    }
  }

  async handle(request: WebhookRequest): Promise<WebhookResult> {
    // Also when called directly: nothing is read from an unverified body.
    this.verify(request);
    const deliveryId =
      headerOf(request, 'x-gitlab-event-uuid') ??
      headerOf(request, 'idempotency-key');
    const event = headerOf(request, 'x-gitlab-event');
    if (event === 'Pipeline Hook') {
      return { deliveryId, ...(await this.#pipelineHook(request)) };
    }
    if (event !== 'Deployment Hook') {
      return { deliveryId, deployments: [] };
    }
    if (!isDeploymentHook(request.body)) {
      throw new InputError(
        'Deployment Hook body must have object_kind "deployment", status, deployment_id, environment and project',
      );
    }
    const hook = request.body;
    const entityRef = await this.#entityRefOf(hook, request);
    if (!entityRef) {
      // No entity claims the project: accepted, nothing to store.
      return {
        deliveryId,
        deployments: [],
        ignored: [noEntityClaims(hook.project)],
      };
    }
    return { deliveryId, deployments: [toDeploymentInput(hook, entityRef)] };
  }

  /** A `Pipeline Hook` as a deployment, mapped as pulls map pipelines. */
  async #pipelineHook(
    request: WebhookRequest,
  ): Promise<Pick<WebhookResult, 'deployments' | 'ignored'>> {
    const pipelines = this.#pipelines;
    if (!pipelines) {
      return {
        deployments: [],
        ignored: [
          'Pipeline Hook: pipelines are not deployments here (releaseCoordinator.gitlab.pipelines is not configured)',
        ],
      };
    }
    if (!isPipelineHook(request.body)) {
      throw new InputError(
        'Pipeline Hook body must have object_kind "pipeline", object_attributes with id, ref, sha and status, and project',
      );
    }
    const hook = request.body;
    const pipeline = hook.object_attributes;
    const deployingRef = pipelines.ref ?? hook.project.default_branch;
    if (pipeline.ref !== deployingRef) {
      return {
        deployments: [],
        ignored: [
          `Pipeline Hook: pipeline ${pipeline.id} ran for ${pipeline.ref}, not the deploying branch ${deployingRef}`,
        ],
      };
    }
    const entityRef = await this.#entityRefOf(hook, request);
    if (!entityRef) {
      return { deployments: [], ignored: [noEntityClaims(hook.project)] };
    }
    const projectId = String(
      hook.project.id ?? hook.project.path_with_namespace,
    );
    if (!this.#projectHasDeployments) {
      return {
        deployments: [],
        ignored: [
          `Pipeline Hook: cannot tell whether project ${projectId} has GitLab deployments (no integrations.gitlab configured), so its pipelines are not recorded`,
        ],
      };
    }
    if (await this.#projectHasDeployments(projectId)) {
      return {
        deployments: [],
        ignored: [
          `Pipeline Hook: project ${projectId} has GitLab deployments, which are recorded instead of its pipelines`,
        ],
      };
    }
    // The hook carries no pipeline start; its first job's start is one.
    const starts = (hook.builds ?? [])
      .map(build => toUtcIso(build.started_at))
      .filter((at): at is string => at !== undefined)
      .sort();
    const finishedAt = pipeline.finished_at ?? undefined;
    return {
      deployments: [
        pipelineToDeploymentInput({
          pipeline: {
            id: pipeline.id,
            project_id: hook.project.id ?? 0,
            sha: pipeline.sha,
            ref: pipeline.ref,
            tag: pipeline.tag,
            status: pipeline.status,
            created_at: pipeline.created_at ?? '',
            updated_at: finishedAt ?? pipeline.created_at ?? '',
            started_at: starts[0],
            finished_at: finishedAt,
            web_url:
              pipeline.url ??
              `${hook.project.web_url}/-/pipelines/${pipeline.id}`,
            user: hook.user?.username
              ? { id: hook.user.id ?? 0, username: hook.user.username }
              : undefined,
          },
          entityRef,
          environment: pipelines.environment,
          source: GITLAB_SOURCE,
        }),
      ],
    };
  }

  async #entityRefOf(
    hook: Pick<GitlabDeploymentHook, 'project'> | GitlabPipelineHook,
    request: WebhookRequest,
  ): Promise<string | undefined> {
    const candidates: Array<[string, string | undefined]> = [
      [ANNOTATION_GITLAB_PROJECT_SLUG, hook.project.path_with_namespace],
      [ANNOTATION_GITLAB_PROJECT_ID, hook.project.id?.toString()],
    ];
    for (const [annotation, value] of candidates) {
      if (value) {
        const refs = await request.findEntityRefsByAnnotation(
          annotation,
          value,
        );
        if (refs.length > 0) {
          // A deployment belongs to one entity; pick the same one every time.
          return [...refs].sort()[0];
        }
      }
    }
    return undefined;
  }
}

function noEntityClaims(project: {
  id?: number;
  path_with_namespace?: string;
}): string {
  return `no entity has ${ANNOTATION_GITLAB_PROJECT_SLUG}: ${
    project.path_with_namespace ?? '-'
  } or ${ANNOTATION_GITLAB_PROJECT_ID}: ${project.id ?? '-'}`;
}

function toDeploymentInput(
  hook: GitlabDeploymentHook,
  entityRef: string,
): DeploymentInput {
  const status = mapGitlabDeploymentStatus(hook.status);
  const changedAt = toUtcIso(hook.status_changed_at);
  const commitSha = shaOfCommitUrl(hook.commit_url);
  const version = hook.ref || commitSha || hook.short_sha;
  if (!version) {
    throw new InputError(
      'Deployment Hook body has neither ref, commit_url nor short_sha',
    );
  }
  return {
    entityRef,
    environment: hook.environment,
    source: GITLAB_SOURCE,
    externalId: gitlabDeploymentExternalId(hook.deployment_id),
    version,
    commitSha,
    kind: 'deploy',
    status,
    startedAt: status === 'in_progress' ? changedAt : undefined,
    finishedAt: isTerminalStatus(status) ? changedAt : undefined,
    initiator: hook.user?.username,
    url: hook.deployable_url ?? undefined,
  };
}

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

/** The full commit sha at the end of a hook's `commit_url`, if there is one. */
function shaOfCommitUrl(commitUrl: string | undefined): string | undefined {
  return /\/commit\/([0-9a-f]{40})$/i.exec(commitUrl ?? '')?.[1];
}

/**
 * Receives GitLab webhooks at `POST /api/release-coordinator/webhooks/gitlab`:
 * verifies `X-Gitlab-Token` against `releaseCoordinator.webhooks.gitlab.token`
 * and turns `Deployment Hook` deliveries into deployments. Other events,
 * including `Pipeline Hook`, are accepted and ignored.
 *
 * @public
 */
export class GitlabWebhookHandler implements WebhookHandler {
  readonly path = 'gitlab';
  readonly #token: string;

  constructor(options: { token: string }) {
    if (!options.token) {
      throw new Error('The GitLab webhook token must not be empty');
    }
    this.#token = options.token;
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
      return { deliveryId, deployments: [] };
    }
    return { deliveryId, deployments: [toDeploymentInput(hook, entityRef)] };
  }

  async #entityRefOf(
    hook: GitlabDeploymentHook,
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

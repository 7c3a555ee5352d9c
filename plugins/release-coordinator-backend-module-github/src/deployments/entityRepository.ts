import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_GITHUB_PROJECT_SLUG,
  ANNOTATION_RELEASE_COORDINATOR_ENVIRONMENTS,
} from '@release-coordinator/backstage-plugin-common';
import {
  ANNOTATION_GITHUB_DEPLOY_WORKFLOW,
  DEFAULT_WORKFLOW_ENVIRONMENT,
  GithubDeployWorkflow,
} from '../config';

/** `owner/repo` from the entity's `github.com/project-slug`, if well-formed. */
export function readProjectSlug(
  entity: Entity,
): { owner: string; repo: string } | undefined {
  const slug = entity.metadata.annotations?.[ANNOTATION_GITHUB_PROJECT_SLUG];
  const match = slug?.trim().match(/^([^/\s]+)\/([^/\s]+)$/);
  return match ? { owner: match[1], repo: match[2] } : undefined;
}

/**
 * The configured deploy workflows that apply to an entity of a repository:
 * those for it, for its repository, or for every repository.
 */
export function configuredWorkflowsFor(options: {
  workflows: GithubDeployWorkflow[];
  entityRef: string;
  repository: string;
}): GithubDeployWorkflow[] {
  const entityRef = options.entityRef.toLocaleLowerCase('en-US');
  const repository = options.repository.toLocaleLowerCase('en-US');
  return options.workflows.filter(
    w =>
      (!w.entity || w.entity === entityRef) &&
      (!w.repository || w.repository === repository),
  );
}

/**
 * The deploy workflows of an entity: those configured for it (by entity,
 * by repository, or for every repository) and the one its
 * `release-coordinator/github-deploy-workflow` annotation names.
 */
export function deployWorkflowsOf(
  entity: Entity,
  workflows: GithubDeployWorkflow[],
): GithubDeployWorkflow[] {
  const slug = readProjectSlug(entity);
  if (!slug) {
    return [];
  }
  const result = configuredWorkflowsFor({
    workflows,
    entityRef: stringifyEntityRef(entity),
    repository: `${slug.owner}/${slug.repo}`,
  });
  const annotated =
    entity.metadata.annotations?.[ANNOTATION_GITHUB_DEPLOY_WORKFLOW]?.trim();
  if (annotated && !result.some(w => w.workflow === annotated)) {
    result.push({
      workflow: annotated,
      environment: DEFAULT_WORKFLOW_ENVIRONMENT,
    });
  }
  return result;
}

/**
 * The environments named by the `release-coordinator/environments`
 * annotation (docs/product.md §8), or undefined without one: pulls and
 * webhooks leave out deployments to other environments (e.g.
 * `github-pages`).
 */
export function annotatedEnvironments(
  annotations: Record<string, string> | undefined,
): Set<string> | undefined {
  const names = annotations?.[
    ANNOTATION_RELEASE_COORDINATOR_ENVIRONMENTS
  ]?.split(',')
    .map(name => name.trim())
    .filter(Boolean);
  return names?.length ? new Set(names) : undefined;
}

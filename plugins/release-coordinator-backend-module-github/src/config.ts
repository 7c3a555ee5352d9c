import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { CHECKLIST_ITEM_IDS } from '@release-coordinator/backstage-plugin-common';

/** The checklist items a GitHub check run can be evidence for (docs/product.md §4.2). */
export const CHECK_EVIDENCE_ITEM_IDS = [
  'tests-passing',
  'code-coverage',
  'security-scan',
  'image-scanned',
  'secrets-not-exposed',
] as const satisfies ReadonlyArray<(typeof CHECKLIST_ITEM_IDS)[number]>;

/** A checklist item a GitHub check run can be evidence for. */
export type CheckEvidenceItemId = (typeof CHECK_EVIDENCE_ITEM_IDS)[number];

/**
 * Entity annotation naming the GitHub Actions workflow file that deploys the
 * entity to `production`, e.g. `deploy.yml`.
 *
 * @public
 */
export const ANNOTATION_GITHUB_DEPLOY_WORKFLOW =
  'release-coordinator/github-deploy-workflow';

/** Environment of a deploy workflow given by annotation rather than config. */
export const DEFAULT_WORKFLOW_ENVIRONMENT = 'production';

/**
 * A GitHub Actions workflow whose runs are deployments.
 *
 * @public
 */
export interface GithubDeployWorkflow {
  /** Workflow file name (`deploy.yml`) or numeric workflow id. */
  workflow: string;
  /** Environment its runs deploy to. */
  environment: string;
  /** Only for this entity (ref, compared case-insensitively). */
  entity?: string;
  /** Only for this repository (`owner/repo`, compared case-insensitively). */
  repository?: string;
}

/**
 * The GitHub Actions workflow that executes rollbacks: dispatched
 * (`workflow_dispatch`) with the target as inputs.
 *
 * @public
 */
export interface GithubRollbackWorkflow {
  /** Workflow file name (`rollback.yml`) or numeric workflow id. */
  workflow: string;
  /** Branch or tag to run the workflow from; default the repository's default branch. */
  ref?: string;
}

/**
 * The module's settings from `releaseCoordinator.github` and
 * `releaseCoordinator.webhooks.github`.
 *
 * @public
 */
export interface GithubModuleConfig {
  /** Host of the GitHub integration used for `github.com/project-slug`. */
  host: string;
  /** Deployments or runs read per entity on the first pull. */
  initialPullLimit: number;
  /** Most commits taken from one compare between consecutive deployments. */
  maxCommitsPerDeployment: number;
  workflows: GithubDeployWorkflow[];
  /** Check run names per checklist item. */
  checks: Partial<Record<CheckEvidenceItemId, string[]>>;
  /**
   * Rollbacks through `workflow_dispatch`; when unset, rollbacks create a
   * GitHub deployment (Deployments API targets only).
   */
  rollback?: GithubRollbackWorkflow;
  /** Webhook secret; the webhook is off while it is unset. */
  webhookSecret?: string;
}

function positiveInteger(config: Config, key: string, fallback: number) {
  const value = config.getOptionalNumber(key);
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(
      `releaseCoordinator.github.${key} must be a positive integer`,
    );
  }
  return value;
}

/** A workflow file name or id at `key`, validated. */
function workflowName(config: Config, key: string): string {
  const name = config.getString('workflow').trim();
  if (!name || name.includes('/')) {
    throw new InputError(
      `${key}.workflow must be a workflow file name such as 'deploy.yml' or a workflow id`,
    );
  }
  return name;
}

function readRollbackWorkflow(
  github: Config | undefined,
): GithubRollbackWorkflow | undefined {
  const rollback = github?.getOptionalConfig('rollback');
  if (!rollback) {
    return undefined;
  }
  const key = 'releaseCoordinator.github.rollback';
  const workflow = workflowName(rollback, key);
  const ref = rollback.getOptionalString('ref')?.trim();
  if (ref !== undefined && (!ref || /\s/.test(ref))) {
    throw new InputError(
      `${key}.ref must be a branch or tag name without spaces`,
    );
  }
  return { workflow, ...(ref && { ref }) };
}

function readWorkflows(github: Config | undefined): GithubDeployWorkflow[] {
  return (github?.getOptionalConfigArray('workflows') ?? []).map(
    (workflow, index) => {
      const key = `releaseCoordinator.github.workflows[${index}]`;
      const name = workflowName(workflow, key);
      const repository = workflow.getOptionalString('repository');
      if (repository !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(repository)) {
        throw new InputError(`${key}.repository must be 'owner/repo'`);
      }
      const environment =
        workflow.getOptionalString('environment') ??
        DEFAULT_WORKFLOW_ENVIRONMENT;
      if (!environment.trim() || environment.length > 63) {
        throw new InputError(`${key}.environment must be 1 to 63 characters`);
      }
      return {
        workflow: name,
        environment,
        ...(workflow.has('entity') && {
          entity: workflow.getString('entity').toLocaleLowerCase('en-US'),
        }),
        ...(repository && {
          repository: repository.toLocaleLowerCase('en-US'),
        }),
      };
    },
  );
}

function readChecks(
  github: Config | undefined,
): Partial<Record<CheckEvidenceItemId, string[]>> {
  const checks = github?.getOptionalConfig('checks');
  if (!checks) {
    return {};
  }
  const result: Partial<Record<CheckEvidenceItemId, string[]>> = {};
  for (const key of checks.keys()) {
    const itemId = CHECK_EVIDENCE_ITEM_IDS.find(id => id === key);
    if (!itemId) {
      throw new InputError(
        `releaseCoordinator.github.checks.${key} is not a checklist item fed by check runs; use one of ${CHECK_EVIDENCE_ITEM_IDS.join(
          ', ',
        )}`,
      );
    }
    result[itemId] = checks.getStringArray(key);
  }
  return result;
}

/**
 * Reads and validates the module's configuration; a bad value throws an
 * error naming its key, which fails the backend's start.
 *
 * @public
 */
export function readGithubModuleConfig(config: Config): GithubModuleConfig {
  const github = config.getOptionalConfig('releaseCoordinator.github');
  const secret = config
    .getOptionalString('releaseCoordinator.webhooks.github.secret')
    ?.trim();
  const rollback = readRollbackWorkflow(github);
  return {
    host: github?.getOptionalString('host') ?? 'github.com',
    initialPullLimit: github
      ? positiveInteger(github, 'initialPullLimit', 100)
      : 100,
    maxCommitsPerDeployment: github
      ? Math.min(positiveInteger(github, 'maxCommitsPerDeployment', 250), 250)
      : 250,
    workflows: readWorkflows(github),
    checks: readChecks(github),
    ...(rollback && { rollback }),
    ...(secret && { webhookSecret: secret }),
  };
}

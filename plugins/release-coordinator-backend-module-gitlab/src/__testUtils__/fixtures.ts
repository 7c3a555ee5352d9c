/*
 * Payloads shaped like the examples of GitLab's documentation: "List project
 * deployments" (Deployments API), "Retry a job" (Jobs API) and "Deployment
 * events" (webhook events).
 */

const USER = {
  id: 1,
  name: 'Administrator',
  username: 'root',
  state: 'active',
  avatar_url:
    'http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=80&d=identicon',
  web_url: 'http://gitlab.example.com/root',
};

/** What a test says about one deployment; the rest is GitLab's example. */
export interface DeploymentSpec {
  id: number;
  status: string;
  updatedAt: string;
  environment?: string;
  ref?: string;
  sha?: string;
  /** The job that deployed; `null` for a deployment created through the API. */
  jobId?: number | null;
  jobStatus?: string;
  createdAt?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  committedAt?: string;
  username?: string;
}

/** A GitLab job as the Jobs API and `deployable` of a deployment return it. */
export function gitlabJob(options: {
  id: number;
  status: string;
  ref: string;
  sha: string;
  createdAt: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  committedAt?: string;
  projectPath?: string;
}) {
  return {
    commit: {
      author_email: 'admin@example.com',
      author_name: 'Administrator',
      created_at: options.committedAt ?? '2016-08-11T09:36:01.000+02:00',
      id: options.sha,
      message: "Merge branch 'new-title' into 'main'\r\n\r\nUpdate README",
      short_id: options.sha.slice(0, 8),
      title: "Merge branch 'new-title' into 'main'\r",
    },
    coverage: null,
    allow_failure: false,
    created_at: options.createdAt,
    started_at: options.startedAt ?? null,
    finished_at: options.finishedAt ?? null,
    duration: null,
    queued_duration: 0.01,
    id: options.id,
    name: 'deploy',
    ref: options.ref,
    artifacts: [],
    runner: null,
    stage: 'deploy',
    status: options.status,
    tag: /^v\d/.test(options.ref),
    web_url: `http://gitlab.example.com/${
      options.projectPath ?? 'acme/payments'
    }/-/jobs/${options.id}`,
    project: { ci_job_token_scope_enabled: false },
    user: USER,
    pipeline: {
      created_at: options.createdAt,
      id: 36,
      ref: options.ref,
      sha: options.sha,
      status: options.status,
      updated_at: options.createdAt,
      web_url: 'http://gitlab.example.com/acme/payments/pipelines/36',
    },
  };
}

/** One item of `GET /projects/:id/deployments`. */
export function gitlabDeployment(spec: DeploymentSpec) {
  const ref = spec.ref ?? 'main';
  const sha = spec.sha ?? '99d03678b90d914dbb1b109132516d71a4a03ea8';
  const createdAt = spec.createdAt ?? spec.updatedAt;
  return {
    created_at: createdAt,
    updated_at: spec.updatedAt,
    status: spec.status,
    deployable:
      spec.jobId === null
        ? null
        : gitlabJob({
            id: spec.jobId ?? 600 + spec.id,
            status: spec.jobStatus ?? spec.status,
            ref,
            sha,
            createdAt,
            startedAt: spec.startedAt,
            finishedAt: spec.finishedAt,
            committedAt: spec.committedAt,
          }),
    environment: {
      external_url: 'https://about.gitlab.com',
      id: 9,
      name: spec.environment ?? 'production',
    },
    id: spec.id,
    iid: spec.id,
    ref,
    sha,
    user: { ...USER, username: spec.username ?? USER.username },
  };
}

/** The body of a `Deployment Hook` delivery. */
export function deploymentHookBody(overrides: Record<string, unknown> = {}) {
  return {
    object_kind: 'deployment',
    status: 'success',
    status_changed_at: '2021-04-28 21:50:00 +0200',
    deployment_id: 15,
    deployable_id: 796,
    deployable_url:
      'http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796',
    environment: 'staging',
    environment_tier: 'staging',
    environment_slug: 'staging',
    environment_external_url: 'https://staging.example.com',
    project: {
      id: 30,
      name: 'test-deployment-webhooks',
      description: '',
      web_url: 'http://10.126.0.2:3000/root/test-deployment-webhooks',
      avatar_url: null,
      git_ssh_url:
        'ssh://vlad@10.126.0.2:2222/root/test-deployment-webhooks.git',
      git_http_url: 'http://10.126.0.2:3000/root/test-deployment-webhooks.git',
      namespace: 'Administrator',
      visibility_level: 0,
      path_with_namespace: 'root/test-deployment-webhooks',
      default_branch: 'master',
      ci_config_path: '',
      homepage: 'http://10.126.0.2:3000/root/test-deployment-webhooks',
      url: 'ssh://vlad@10.126.0.2:2222/root/test-deployment-webhooks.git',
      ssh_url: 'ssh://vlad@10.126.0.2:2222/root/test-deployment-webhooks.git',
      http_url: 'http://10.126.0.2:3000/root/test-deployment-webhooks.git',
    },
    short_sha: '279484c0',
    user: {
      id: 1,
      name: 'Administrator',
      username: 'root',
      avatar_url:
        'https://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=80&d=identicon',
      email: 'admin@example.com',
    },
    user_url: 'http://10.126.0.2:3000/root',
    commit_url:
      'http://10.126.0.2:3000/root/test-deployment-webhooks/-/commit/279484c09fbe69ededfced8c1bb6e6d24616b468',
    commit_title: 'Add new file',
    ...overrides,
  };
}

/** `GET /projects/:id/pipelines/:pipeline_id` (the list shows a summary of it). */
export function gitlabPipeline(spec: {
  id: number;
  status: string;
  updatedAt: string;
  ref?: string;
  sha?: string;
  tag?: boolean;
  createdAt?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
}) {
  const sha = spec.sha ?? '959e04d7c7a30600c894bd3c0cd0e1ce7f42c11d';
  return {
    id: spec.id,
    iid: spec.id,
    project_id: 42,
    name: 'Build pipeline',
    status: spec.status,
    ref: spec.ref ?? 'main',
    sha,
    before_sha: '0000000000000000000000000000000000000000',
    tag: spec.tag ?? false,
    yaml_errors: null,
    user: {
      id: 1,
      name: 'Administrator',
      username: 'root',
      state: 'active',
      avatar_url:
        'http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=80&d=identicon',
      web_url: 'http://gitlab.example.com/root',
    },
    created_at: spec.createdAt ?? spec.updatedAt,
    updated_at: spec.updatedAt,
    started_at: spec.startedAt ?? null,
    finished_at: spec.finishedAt ?? null,
    committed_at: null,
    duration: null,
    queued_duration: 0.01,
    coverage: null,
    source: 'push',
    web_url: `http://gitlab.example.com/acme/payments/-/pipelines/${spec.id}`,
  };
}

/**
 * A `Pipeline Hook` body as in GitLab's webhook events documentation
 * ("Pipeline events" example), for the project of the Deployment Hook
 * example above.
 */
export function pipelineHookBody(
  attributes: Record<string, unknown> = {},
  overrides: Record<string, unknown> = {},
) {
  return {
    object_kind: 'pipeline',
    object_attributes: {
      id: 31,
      iid: 3,
      name: 'Pipeline for branch: master',
      ref: 'master',
      tag: false,
      sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      before_sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      source: 'push',
      status: 'success',
      detailed_status: 'passed',
      stages: ['build', 'test', 'deploy'],
      created_at: '2016-08-12 15:23:28 UTC',
      finished_at: '2016-08-12 15:26:29 UTC',
      duration: 63,
      queued_duration: 12,
      variables: [{ key: 'NESTOR_PROD_ENVIRONMENT', value: 'us-west-1' }],
      url: 'http://example.com/root/test-deployment-webhooks/-/pipelines/31',
      ...attributes,
    },
    merge_request: null,
    user: {
      id: 1,
      name: 'Administrator',
      username: 'root',
      avatar_url:
        'http://www.gravatar.com/avatar/e32bd13e2add097461cb96824b7a829c?s=80&d=identicon',
      email: 'user_email@gitlab.com',
    },
    project: {
      id: 30,
      name: 'test-deployment-webhooks',
      description: '',
      web_url: 'http://example.com/root/test-deployment-webhooks',
      avatar_url: null,
      git_ssh_url: 'git@example.com:root/test-deployment-webhooks.git',
      git_http_url: 'http://example.com/root/test-deployment-webhooks.git',
      namespace: 'Administrator',
      visibility_level: 0,
      path_with_namespace: 'root/test-deployment-webhooks',
      default_branch: 'master',
      ci_config_path: null,
    },
    commit: {
      id: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      message: 'test\n',
      timestamp: '2016-08-12T17:23:21+02:00',
      url: 'http://example.com/root/test-deployment-webhooks/-/commit/bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      author: { name: 'User', email: 'user@gitlab.com' },
    },
    source_pipeline: null,
    builds: [
      {
        id: 380,
        stage: 'deploy',
        name: 'production',
        status: 'success',
        created_at: '2016-08-12 15:23:28 UTC',
        started_at: '2016-08-12 15:24:56 UTC',
        finished_at: '2016-08-12 15:26:29 UTC',
        duration: 93,
        queued_duration: 8,
        when: 'manual',
        manual: true,
        allow_failure: false,
        user: { id: 1, name: 'Administrator', username: 'root' },
        runner: null,
        artifacts_file: { filename: null, size: null },
        environment: {
          name: 'production',
          action: 'start',
          deployment_tier: 'production',
        },
      },
      {
        id: 377,
        stage: 'test',
        name: 'test-image',
        status: 'success',
        created_at: '2016-08-12 15:23:28 UTC',
        started_at: '2016-08-12 15:23:29 UTC',
        finished_at: '2016-08-12 15:24:40 UTC',
        duration: 71,
        queued_duration: 1,
        when: 'on_success',
        manual: false,
        allow_failure: false,
        user: { id: 1, name: 'Administrator', username: 'root' },
        runner: null,
        artifacts_file: { filename: null, size: null },
        environment: null,
      },
    ],
    ...overrides,
  };
}

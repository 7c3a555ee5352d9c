import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A local HTTP server speaking the parts of GitHub's REST API the module
 * uses, with GitHub's paths, `Link` pagination, `x-ratelimit-*` headers and
 * error bodies. Payloads follow the examples of docs.github.com/en/rest.
 * Pages are capped at `pageSize` items (GitHub caps at 100) so that tests
 * exercise `Link` pagination with few items.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body?: unknown;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/**
 * A workflow file of the repository, as far as `workflow_dispatch` needs
 * it: its `on.workflow_dispatch.inputs` (absent: no such trigger) and its
 * `run-name`, with `${{ inputs.<name> }}` expressions.
 */
export interface WorkflowFixture {
  id: number;
  /** File name under `.github/workflows/`. */
  file: string;
  name: string;
  dispatchInputs?: Record<string, { required?: boolean }>;
  runName?: string;
}

interface Repo {
  deployments: GithubDeploymentFixture[];
  statuses: Map<number, GithubDeploymentStatusFixture[]>;
  /** Runs per workflow file name. */
  runs: Map<string, GithubWorkflowRunFixture[]>;
  commits: GithubCommitFixture[];
  workflows: WorkflowFixture[];
  defaultBranch: string;
  /** Head commit per branch (dispatched runs run on it). */
  branches: Map<string, string>;
}

export type GithubUser = ReturnType<typeof githubUser>;
export type GithubDeploymentFixture = ReturnType<typeof githubDeployment>;
export type GithubDeploymentStatusFixture = ReturnType<
  typeof githubDeploymentStatus
>;
export type GithubWorkflowRunFixture = ReturnType<typeof githubWorkflowRun>;
export type GithubCommitFixture = ReturnType<typeof githubCommit>;

export function githubUser(login: string) {
  return {
    login,
    id: 583231,
    node_id: 'MDQ6VXNlcjU4MzIzMQ==',
    avatar_url: 'https://avatars.githubusercontent.com/u/583231?v=4',
    url: `https://api.github.com/users/${login}`,
    html_url: `https://github.com/${login}`,
    type: 'User',
    site_admin: false,
  };
}

/** A deployment as `GET /repos/{owner}/{repo}/deployments` lists it. */
export function githubDeployment(options: {
  repo: string;
  id: number;
  sha: string;
  ref?: string;
  environment?: string;
  createdAt: string;
  creator?: string;
  payload?: unknown;
}) {
  const url = `https://api.github.com/repos/${options.repo}/deployments/${options.id}`;
  return {
    url,
    id: options.id,
    node_id: 'MDEwOkRlcGxveW1lbnQx',
    sha: options.sha,
    ref: options.ref ?? 'main',
    task: 'deploy',
    payload: options.payload ?? {},
    original_environment: options.environment ?? 'production',
    environment: options.environment ?? 'production',
    description: 'Deploy request from hubot',
    creator: githubUser(options.creator ?? 'octocat'),
    created_at: options.createdAt,
    updated_at: options.createdAt,
    statuses_url: `${url}/statuses`,
    repository_url: `https://api.github.com/repos/${options.repo}`,
    transient_environment: false,
    production_environment:
      (options.environment ?? 'production') === 'production',
  };
}

/** A deployment status as `GET .../deployments/{id}/statuses` lists it. */
export function githubDeploymentStatus(options: {
  repo: string;
  deploymentId: number;
  id: number;
  state: string;
  createdAt: string;
  environment?: string;
}) {
  return {
    url: `https://api.github.com/repos/${options.repo}/deployments/${options.deploymentId}/statuses/${options.id}`,
    id: options.id,
    node_id: 'MDE2OkRlcGxveW1lbnRTdGF0dXMx',
    state: options.state,
    creator: githubUser('octocat'),
    description: 'Deployment finished successfully.',
    environment: options.environment ?? 'production',
    target_url: `https://example.com/deployment/${options.deploymentId}/output`,
    created_at: options.createdAt,
    updated_at: options.createdAt,
    deployment_url: `https://api.github.com/repos/${options.repo}/deployments/${options.deploymentId}`,
    repository_url: `https://api.github.com/repos/${options.repo}`,
    environment_url: 'https://test-branch.lab.acme.com',
    log_url: `https://github.com/${options.repo}/actions/runs/${options.deploymentId}`,
  };
}

/** A workflow run as `GET .../actions/workflows/{id}/runs` lists it. */
export function githubWorkflowRun(options: {
  repo: string;
  id: number;
  headSha: string;
  status: string;
  conclusion: string | null;
  createdAt: string;
  updatedAt: string;
  workflowFile?: string;
  workflowId?: number;
  name?: string;
  displayTitle?: string;
  event?: string;
  headBranch?: string;
  actor?: string;
  commitTimestamp?: string;
}) {
  const path = `.github/workflows/${options.workflowFile ?? 'deploy.yml'}`;
  const workflowId = options.workflowId ?? 159038;
  return {
    id: options.id,
    name: options.name ?? 'Deploy',
    node_id: 'MDEyOldvcmtmbG93IFJ1bjI2OTI4OQ==',
    head_branch: options.headBranch ?? 'main',
    head_sha: options.headSha,
    path,
    display_title: options.displayTitle ?? 'Deploy to production',
    run_number: options.id % 1000,
    event: options.event ?? 'push',
    status: options.status,
    conclusion: options.conclusion,
    workflow_id: workflowId,
    check_suite_id: 42,
    check_suite_node_id: 'MDEwOkNoZWNrU3VpdGU0Mg==',
    url: `https://api.github.com/repos/${options.repo}/actions/runs/${options.id}`,
    html_url: `https://github.com/${options.repo}/actions/runs/${options.id}`,
    pull_requests: [],
    created_at: options.createdAt,
    updated_at: options.updatedAt,
    actor: githubUser(options.actor ?? 'octocat'),
    run_attempt: 1,
    run_started_at: options.createdAt,
    triggering_actor: githubUser(options.actor ?? 'octocat'),
    jobs_url: `https://api.github.com/repos/${options.repo}/actions/runs/${options.id}/jobs`,
    logs_url: `https://api.github.com/repos/${options.repo}/actions/runs/${options.id}/logs`,
    workflow_url: `https://api.github.com/repos/${options.repo}/actions/workflows/${workflowId}`,
    head_commit: {
      id: options.headSha,
      tree_id: 'd23f6eedb1e1b9610bbc754ddb5197bfe7271223',
      message: 'Create linter.yaml',
      timestamp: options.commitTimestamp ?? options.createdAt,
      author: { name: 'Octo Cat', email: 'octocat@github.com' },
      committer: { name: 'GitHub', email: 'noreply@github.com' },
    },
  };
}

/** A commit as `GET .../commits/{ref}` and compare's `commits[]` show it. */
export function githubCommit(options: {
  repo: string;
  sha: string;
  committedAt: string;
}) {
  const person = {
    name: 'Monalisa Octocat',
    email: 'support@github.com',
    date: options.committedAt,
  };
  return {
    url: `https://api.github.com/repos/${options.repo}/commits/${options.sha}`,
    sha: options.sha,
    node_id:
      'MDY6Q29tbWl0NmRjYjA5YjViNTc4NzVmMzM0ZjYxYWViZWQ2OTVlMmU0MTkzZGI1ZQ==',
    html_url: `https://github.com/${options.repo}/commit/${options.sha}`,
    commit: {
      url: `https://api.github.com/repos/${options.repo}/git/commits/${options.sha}`,
      author: person,
      committer: person,
      message: 'Fix all the bugs',
      tree: {
        url: `https://api.github.com/repos/${options.repo}/tree/${options.sha}`,
        sha: options.sha,
      },
      comment_count: 0,
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
      },
    },
    author: githubUser('octocat'),
    committer: githubUser('octocat'),
    parents: [],
  };
}

type RouteResult =
  | {
      body?: unknown;
      paginate?: { items: unknown[]; wrap?: (items: unknown[]) => unknown };
    }
  | undefined;

export class FakeGithubServer {
  readonly requests: RecordedRequest[] = [];
  /** Most items per page, below GitHub's 100, to force `Link` pagination. */
  pageSize = 2;
  /**
   * How `POST …/dispatches` treats `return_run_details`: github.com returns
   * the run (200); an older GitHub Enterprise Server ignores it (204) or
   * rejects the unknown key (422).
   */
  returnRunDetails: 'supported' | 'ignored' | 'rejected' = 'supported';
  /** Run listings that do not show a dispatched run yet (GitHub creates runs asynchronously). */
  dispatchedRunHiddenForListings = 0;
  readonly #hiddenRuns = new Map<number, number>();
  readonly #repos = new Map<string, Repo>();
  readonly #scripted: Array<{
    matches: (method: string, path: string) => boolean;
    response: ScriptedResponse;
  }> = [];
  #server?: Server;
  #baseUrl = '';

  get baseUrl(): string {
    return this.#baseUrl;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () =>
        this.#handle(req, res, Buffer.concat(chunks).toString('utf8')),
      );
    });
    await new Promise<void>(resolve =>
      this.#server!.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.#server.address() as AddressInfo;
    this.#baseUrl = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.#server?.close(error => (error ? reject(error) : resolve())),
    );
  }

  repo(fullName: string): Repo {
    let repo = this.#repos.get(fullName);
    if (!repo) {
      repo = {
        deployments: [],
        statuses: new Map(),
        runs: new Map(),
        commits: [],
        workflows: [],
        defaultBranch: 'main',
        branches: new Map([['main', 'f'.repeat(40)]]),
      };
      this.#repos.set(fullName, repo);
    }
    return repo;
  }

  /** Answers the next request matching with `response` instead of the data. */
  respondOnce(
    matches: (method: string, path: string) => boolean,
    response: ScriptedResponse,
  ) {
    this.#scripted.push({ matches, response });
  }

  requestsTo(pathPattern: RegExp): RecordedRequest[] {
    return this.requests.filter(r => pathPattern.test(r.path));
  }

  #handle(req: IncomingMessage, res: ServerResponse, rawBody: string) {
    const url = new URL(req.url ?? '/', this.#baseUrl);
    const method = req.method ?? 'GET';
    this.requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: rawBody ? JSON.parse(rawBody) : undefined,
    });
    const resetEpoch = Math.floor(Date.now() / 1000) + 3600;
    const rateHeaders = {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(resetEpoch),
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
      'x-github-media-type': 'github.v3; format=json',
    };
    const scriptedIndex = this.#scripted.findIndex(s =>
      s.matches(method, url.pathname),
    );
    if (scriptedIndex >= 0) {
      const [{ response }] = this.#scripted.splice(scriptedIndex, 1);
      this.#send(res, response.status, response.body, {
        ...rateHeaders,
        ...response.headers,
      });
      return;
    }
    const dispatched =
      method === 'POST' ? this.#dispatch(url, rawBody) : undefined;
    if (dispatched) {
      this.#send(res, dispatched.status, dispatched.body, rateHeaders);
      return;
    }
    const created = method === 'POST' ? this.#create(url, rawBody) : undefined;
    if (created) {
      this.#send(res, 201, created, rateHeaders);
      return;
    }
    const found = this.#route(method, url);
    if (!found) {
      this.#send(
        res,
        404,
        {
          message: 'Not Found',
          documentation_url: 'https://docs.github.com/rest',
          status: '404',
        },
        rateHeaders,
      );
      return;
    }
    const headers: Record<string, string> = { ...rateHeaders };
    let body = found.body;
    if (found.paginate) {
      const { items, wrap } = found.paginate;
      const perPage = Math.min(
        Number(url.searchParams.get('per_page') ?? 30),
        this.pageSize,
      );
      const page = Number(url.searchParams.get('page') ?? 1);
      const lastPage = Math.max(1, Math.ceil(items.length / perPage));
      const pageItems = items.slice((page - 1) * perPage, page * perPage);
      body = wrap ? wrap(pageItems) : pageItems;
      const link = (target: number, rel: string) => {
        const next = new URL(url);
        next.searchParams.set('page', String(target));
        return `<${next.toString()}>; rel="${rel}"`;
      };
      const links = [];
      if (page < lastPage) {
        links.push(link(page + 1, 'next'), link(lastPage, 'last'));
      }
      if (page > 1) {
        links.push(link(1, 'first'), link(page - 1, 'prev'));
      }
      if (links.length) {
        headers.link = links.join(', ');
      }
    }
    this.#send(res, 200, body, headers);
  }

  /** The repository's workflow by file name or numeric id. */
  #workflow(repo: Repo, nameOrId: string): WorkflowFixture | undefined {
    const name = decodeURIComponent(nameOrId);
    return repo.workflows.find(w => w.file === name || String(w.id) === name);
  }

  /**
   * `POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches`
   * with GitHub's validation: unknown workflow 404; unknown ref, no
   * `workflow_dispatch` trigger, unexpected or missing required inputs 422.
   * Creates a queued run titled by the workflow's run-name; 204, or 200
   * with the run's id when `return_run_details` is asked for.
   */
  #dispatch(
    url: URL,
    rawBody: string,
  ): { status: number; body?: unknown } | undefined {
    const match = url.pathname.match(
      /^\/repos\/([^/]+\/[^/]+)\/actions\/workflows\/([^/]+)\/dispatches$/,
    );
    if (!match) {
      return undefined;
    }
    const fullName = match[1];
    const repo = this.#repos.get(fullName);
    const workflow = repo && this.#workflow(repo, match[2]);
    const docs =
      'https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event';
    const fail = (status: number, message: string) => ({
      status,
      body: { message, documentation_url: docs, status: String(status) },
    });
    if (!repo || !workflow) {
      return fail(404, 'Not Found');
    }
    const body = JSON.parse(rawBody || '{}') as Record<string, unknown>;
    const permitted = ['ref', 'inputs'];
    if (this.returnRunDetails !== 'rejected') {
      permitted.push('return_run_details');
    }
    const unknownKey = Object.keys(body).find(key => !permitted.includes(key));
    if (unknownKey) {
      return fail(
        422,
        `Invalid request.\n\n"${unknownKey}" is not a permitted key.`,
      );
    }
    const ref = typeof body.ref === 'string' ? body.ref : '';
    const headSha = repo.branches.get(ref.replace(/^refs\/heads\//, ''));
    if (!headSha) {
      return fail(422, `No ref found for: ${ref}`);
    }
    if (!workflow.dispatchInputs) {
      return fail(422, "Workflow does not have 'workflow_dispatch' trigger");
    }
    const inputs = (body.inputs ?? {}) as Record<string, unknown>;
    const declared = workflow.dispatchInputs;
    const unexpected = Object.keys(inputs).filter(name => !(name in declared));
    if (unexpected.length) {
      return fail(
        422,
        `Unexpected inputs provided: ${JSON.stringify(unexpected)}`,
      );
    }
    const missing = Object.entries(declared).find(
      ([name, input]) => input.required && !inputs[name],
    );
    if (missing) {
      return fail(422, `Required input '${missing[0]}' not provided`);
    }
    const displayTitle = workflow.runName
      ? workflow.runName.replace(
          /\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g,
          (_, name: string) => String(inputs[name] ?? ''),
        )
      : workflow.name;
    const id =
      Math.max(30433642, ...[...repo.runs.values()].flat().map(run => run.id)) +
      1;
    const now = new Date().toISOString();
    const run = githubWorkflowRun({
      repo: fullName,
      id,
      headSha,
      status: 'queued',
      conclusion: null,
      createdAt: now,
      updatedAt: now,
      workflowFile: workflow.file,
      workflowId: workflow.id,
      name: workflow.name,
      displayTitle,
      event: 'workflow_dispatch',
      headBranch: ref.replace(/^refs\/heads\//, ''),
      actor: 'release-bot',
    });
    repo.runs.set(workflow.file, [
      ...(repo.runs.get(workflow.file) ?? []),
      run,
    ]);
    if (this.dispatchedRunHiddenForListings > 0) {
      this.#hiddenRuns.set(id, this.dispatchedRunHiddenForListings);
    }
    if (
      body.return_run_details === true &&
      this.returnRunDetails === 'supported'
    ) {
      return {
        status: 200,
        body: {
          workflow_run_id: id,
          run_url: run.url,
          html_url: run.html_url,
        },
      };
    }
    return { status: 204 };
  }

  /** `POST /repos/{owner}/{repo}/deployments` → 201 with the new deployment. */
  #create(url: URL, rawBody: string) {
    const match = url.pathname.match(/^\/repos\/([^/]+\/[^/]+)\/deployments$/);
    const repo = match && this.#repos.get(match[1]);
    if (!match || !repo) {
      return undefined;
    }
    const body = JSON.parse(rawBody) as {
      ref: string;
      environment?: string;
      payload?: unknown;
      description?: string;
    };
    const id = Math.max(0, ...repo.deployments.map(d => d.id)) + 1;
    const deployment = {
      ...githubDeployment({
        repo: match[1],
        id,
        sha: body.ref,
        ref: body.ref,
        environment: body.environment,
        createdAt: new Date().toISOString(),
        creator: 'release-bot',
        payload: body.payload,
      }),
      description: body.description ?? '',
    };
    repo.deployments.push(deployment);
    return deployment;
  }

  #route(method: string, url: URL): RouteResult {
    if (method !== 'GET') {
      return undefined;
    }
    const repoMatch = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)$/);
    const ofRepo =
      repoMatch && this.#repos.get(`${repoMatch[1]}/${repoMatch[2]}`);
    if (repoMatch && ofRepo) {
      const fullName = `${repoMatch[1]}/${repoMatch[2]}`;
      return {
        body: {
          id: 1296269,
          node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
          name: repoMatch[2],
          full_name: fullName,
          owner: githubUser(repoMatch[1]),
          private: false,
          html_url: `https://github.com/${fullName}`,
          url: `https://api.github.com/repos/${fullName}`,
          default_branch: ofRepo.defaultBranch,
        },
      };
    }
    const match = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/(.+)$/);
    if (!match) {
      return undefined;
    }
    const repo = this.#repos.get(`${match[1]}/${match[2]}`);
    if (!repo) {
      return undefined;
    }
    const [, owner, name, rest] = match;
    const routes: Array<[RegExp, (m: RegExpMatchArray) => RouteResult]> = [
      // Newest first, as GitHub lists them.
      [
        /^deployments$/,
        () => ({
          paginate: {
            items: repo.deployments
              .filter(d => {
                const sha = url.searchParams.get('sha');
                const environment = url.searchParams.get('environment');
                return (
                  (!sha || d.sha === sha) &&
                  (!environment || d.environment === environment)
                );
              })
              .sort((a, b) => b.id - a.id),
          },
        }),
      ],
      [
        /^deployments\/(\d+)$/,
        m => {
          const deployment = repo.deployments.find(d => d.id === Number(m[1]));
          return deployment && { body: deployment };
        },
      ],
      [
        /^deployments\/(\d+)\/statuses$/,
        m => ({
          paginate: {
            items: [...(repo.statuses.get(Number(m[1])) ?? [])].sort(
              (a, b) => b.id - a.id,
            ),
          },
        }),
      ],
      [
        /^actions\/workflows\/([^/]+)\/runs$/,
        m => {
          const workflow = this.#workflow(repo, m[1]);
          const runs =
            repo.runs.get(workflow?.file ?? decodeURIComponent(m[1])) ??
            (workflow ? [] : undefined);
          return (
            runs && {
              paginate: {
                items: this.#listedRuns(runs, url.searchParams),
                wrap: items => ({
                  total_count: runs.length,
                  workflow_runs: items,
                }),
              },
            }
          );
        },
      ],
      [
        /^actions\/runs\/(\d+)$/,
        m => {
          const run = [...repo.runs.values()]
            .flat()
            .find(r => r.id === Number(m[1]));
          return run && { body: run };
        },
      ],
      [
        /^commits\/([0-9a-f]+)$/,
        m => {
          const commit = repo.commits.find(c => c.sha === m[1]);
          return (
            commit && {
              body: {
                ...commit,
                stats: { additions: 1, deletions: 0, total: 1 },
                files: [],
              },
            }
          );
        },
      ],
      [
        /^compare\/([0-9a-f]+)\.\.\.([0-9a-f]+)$/,
        m => {
          const baseIndex = repo.commits.findIndex(c => c.sha === m[1]);
          const headIndex = repo.commits.findIndex(c => c.sha === m[2]);
          if (baseIndex < 0 || headIndex < 0) {
            return undefined;
          }
          const commits = repo.commits.slice(baseIndex + 1, headIndex + 1);
          const perPage = Number(url.searchParams.get('per_page') ?? 250);
          const path = `${owner}/${name}/compare/${m[1]}...${m[2]}`;
          return {
            body: {
              url: `https://api.github.com/repos/${path}`,
              html_url: `https://github.com/${path}`,
              base_commit: repo.commits[baseIndex],
              merge_base_commit: repo.commits[baseIndex],
              status: 'ahead',
              ahead_by: commits.length,
              behind_by: 0,
              total_commits: commits.length,
              commits: commits.slice(0, perPage),
              files: [],
            },
          };
        },
      ],
    ];
    for (const [pattern, respond] of routes) {
      const routeMatch = rest.match(pattern);
      if (routeMatch) {
        return respond(routeMatch);
      }
    }
    return undefined;
  }

  /**
   * Runs as a listing shows them: newest first, filtered by `event` and
   * `created` (`>=<ISO time>`), without dispatched runs still hidden.
   */
  #listedRuns(runs: GithubWorkflowRunFixture[], query: URLSearchParams) {
    const event = query.get('event');
    const createdFrom = query.get('created')?.match(/^>=(.+)$/)?.[1];
    return runs
      .filter(run => {
        const hidden = this.#hiddenRuns.get(run.id) ?? 0;
        if (hidden > 0) {
          this.#hiddenRuns.set(run.id, hidden - 1);
          return false;
        }
        return (
          (!event || run.event === event) &&
          (!createdFrom ||
            Date.parse(run.created_at) >= Date.parse(createdFrom))
        );
      })
      .sort((a, b) => b.id - a.id);
  }

  #send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ) {
    if (status === 204) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      ...headers,
    });
    res.end(JSON.stringify(body));
  }
}

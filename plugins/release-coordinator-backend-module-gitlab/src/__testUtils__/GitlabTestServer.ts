import http from 'node:http';
import { AddressInfo } from 'node:net';
import { gitlabDeployment, gitlabJob, gitlabPipeline } from './fixtures';

type Deployment = ReturnType<typeof gitlabDeployment>;

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  privateToken?: string;
}

/** A commit of a project's linear history, oldest first. */
export interface TestCommit {
  id: string;
  committed_date: string;
}

type Pipeline = ReturnType<typeof gitlabPipeline>;

interface Project {
  id: number;
  pathWithNamespace: string;
  defaultBranch: string;
  deployments: Deployment[];
  commits: TestCommit[];
  pipelines: Pipeline[];
}

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;

/**
 * A local HTTP server speaking the parts of GitLab's REST API v4 the module
 * uses: `/api/v4/projects/:id/deployments` (offset pagination with GitLab's
 * `X-Page`/`X-Next-Page`/`X-Total-Pages`/`Link` headers, `updated_after`,
 * `order_by`, `sort`, `environment`), `/deployments/:id`,
 * `POST /jobs/:job_id/retry`, `PRIVATE-TOKEN` authentication, 404s shaped
 * like GitLab's, and injectable 429 rate limits with `Retry-After` and
 * `RateLimit-*` headers.
 */
export class GitlabTestServer {
  readonly requests: RecordedRequest[] = [];
  readonly #server: http.Server;
  readonly #token: string;
  readonly #projects: Project[] = [];
  #failures: Array<{
    status: number;
    headers: Record<string, string>;
    body: string;
  }> = [];
  /** Answer lists like GitLab's keyset pagination: only a `Link` header. */
  keysetPagination = false;
  #nextJobId = 9000;
  #nextDeploymentId = 5000;
  baseUrl = '';

  private constructor(token: string) {
    this.#token = token;
    this.#server = http.createServer((req, res) => this.#handle(req, res));
  }

  static async start(options: { token: string }): Promise<GitlabTestServer> {
    const server = new GitlabTestServer(options.token);
    await new Promise<void>(resolve =>
      server.#server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = server.#server.address() as AddressInfo;
    server.baseUrl = `http://127.0.0.1:${port}`;
    return server;
  }

  /** `apiBaseUrl` of an integration pointing here. */
  get apiBaseUrl(): string {
    return `${this.baseUrl}/api/v4`;
  }

  /** `host` of an integration pointing here. */
  get host(): string {
    return new URL(this.baseUrl).host;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.#server.close(error => (error ? reject(error) : resolve())),
    );
  }

  addProject(options: {
    id: number;
    pathWithNamespace: string;
    deployments: Deployment[];
    commits?: TestCommit[];
    pipelines?: Pipeline[];
    defaultBranch?: string;
  }) {
    this.#projects.push({
      commits: [],
      pipelines: [],
      defaultBranch: 'main',
      ...options,
    });
  }

  /** Answers the next request with a 429 carrying these headers. */
  rateLimitNextRequest(headers: Record<string, string>) {
    this.#failures.push({ status: 429, headers, body: 'Retry later' });
  }

  /** Answers the next request with a 502 as GitLab's proxy does. */
  failNextRequestWithBadGateway() {
    this.#failures.push({
      status: 502,
      headers: {},
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    });
  }

  deploymentsOf(projectId: number): Deployment[] {
    return this.#project(String(projectId))?.deployments ?? [];
  }

  #project(idOrPath: string): Project | undefined {
    const decoded = decodeURIComponent(idOrPath);
    return this.#projects.find(
      p => String(p.id) === decoded || p.pathWithNamespace === decoded,
    );
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const token = req.headers['private-token'];
    this.requests.push({
      method: req.method ?? 'GET',
      // The raw path, so tests see how the project id was encoded.
      path: (req.url ?? '/').split('?')[0],
      query: url.searchParams,
      privateToken: typeof token === 'string' ? token : undefined,
    });

    const json = (
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };

    const failure = this.#failures.shift();
    if (failure) {
      res.writeHead(failure.status, {
        'Content-Type': 'text/plain',
        ...failure.headers,
      });
      res.end(failure.body);
      return;
    }
    if (token !== this.#token) {
      json(401, { message: '401 Unauthorized' });
      return;
    }

    // Split the raw path: an encoded `group%2Fproject` stays one segment.
    const segments = (req.url ?? '/').split('?')[0].split('/').filter(Boolean);
    if (segments[0] !== 'api' || segments[1] !== 'v4') {
      json(404, { error: '404 Not Found' });
      return;
    }
    const [resource, projectId, sub, subId, action] = segments.slice(2);
    const project =
      resource === 'projects' ? this.#project(projectId) : undefined;
    if (!project) {
      json(404, { message: '404 Project Not Found' });
      return;
    }

    if (req.method === 'GET' && !sub) {
      json(200, {
        id: project.id,
        path_with_namespace: project.pathWithNamespace,
        default_branch: project.defaultBranch,
        web_url: `http://gitlab.example.com/${project.pathWithNamespace}`,
      });
      return;
    }
    if (req.method === 'GET' && sub === 'pipelines') {
      this.#pipelines(project, subId, url, json);
      return;
    }
    if (req.method === 'GET' && sub === 'deployments' && !subId) {
      this.#listDeployments(project, url, json);
      return;
    }
    if (req.method === 'GET' && sub === 'deployments' && subId && !action) {
      const deployment = project.deployments.find(d => String(d.id) === subId);
      if (deployment) {
        json(200, deployment);
      } else {
        json(404, { message: '404 Not found' });
      }
      return;
    }
    if (
      req.method === 'GET' &&
      sub === 'repository' &&
      subId === 'compare' &&
      !action
    ) {
      this.#compare(project, url, json);
      return;
    }
    if (req.method === 'POST' && sub === 'jobs' && action === 'retry') {
      this.#retryJob(project, Number(subId), json);
      return;
    }
    json(404, { error: '404 Not Found' });
  }

  #listDeployments(
    project: Project,
    url: URL,
    json: (
      status: number,
      body: unknown,
      headers?: Record<string, string>,
    ) => void,
  ) {
    const query = url.searchParams;
    let items = [...project.deployments];
    const updatedAfter = query.get('updated_after');
    if (updatedAfter) {
      const after = Date.parse(updatedAfter);
      items = items.filter(d => Date.parse(d.updated_at) > after);
    }
    const environment = query.get('environment');
    if (environment) {
      items = items.filter(d => d.environment.name === environment);
    }
    const status = query.get('status');
    if (status) {
      items = items.filter(d => d.status === status);
    }
    const orderBy = query.get('order_by') ?? 'id';
    const direction = query.get('sort') === 'desc' ? -1 : 1;
    items.sort((a, b) => {
      const byField =
        orderBy === 'updated_at'
          ? Date.parse(a.updated_at) - Date.parse(b.updated_at)
          : a.id - b.id;
      return direction * (byField || a.id - b.id);
    });

    this.#paginate(items, url, json);
  }

  #pipelines(
    project: Project,
    pipelineId: string | undefined,
    url: URL,
    json: (
      status: number,
      body: unknown,
      headers?: Record<string, string>,
    ) => void,
  ) {
    if (pipelineId) {
      const pipeline = project.pipelines.find(p => String(p.id) === pipelineId);
      if (pipeline) {
        json(200, pipeline);
      } else {
        json(404, { message: '404 Not found' });
      }
      return;
    }
    const query = url.searchParams;
    let items = [...project.pipelines];
    const ref = query.get('ref');
    if (ref) {
      items = items.filter(p => p.ref === ref);
    }
    const updatedAfter = query.get('updated_after');
    if (updatedAfter) {
      const after = Date.parse(updatedAfter);
      items = items.filter(p => Date.parse(p.updated_at) > after);
    }
    const direction = query.get('sort') === 'asc' ? 1 : -1;
    items.sort((a, b) =>
      query.get('order_by') === 'updated_at'
        ? direction * (Date.parse(a.updated_at) - Date.parse(b.updated_at))
        : direction * (a.id - b.id),
    );
    // The list shows a summary; the details only come per pipeline.
    const summaries = items.map(p => ({
      id: p.id,
      iid: p.iid,
      project_id: p.project_id,
      sha: p.sha,
      ref: p.ref,
      status: p.status,
      source: p.source,
      created_at: p.created_at,
      updated_at: p.updated_at,
      web_url: p.web_url,
    }));
    this.#paginate(summaries, url, json);
  }

  /** Answers one page of `items` with GitLab's pagination headers. */
  #paginate(
    items: unknown[],
    url: URL,
    json: (
      status: number,
      body: unknown,
      headers?: Record<string, string>,
    ) => void,
  ) {
    const query = url.searchParams;
    const perPage = Math.min(
      Number(query.get('per_page') ?? DEFAULT_PER_PAGE),
      MAX_PER_PAGE,
    );
    const page = Number(query.get('page') ?? 1);
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const pageItems = items.slice((page - 1) * perPage, page * perPage);
    const link = (p: number) => {
      const target = new URL(url);
      target.searchParams.set('page', String(p));
      return target.toString();
    };
    const links = [
      page < totalPages ? `<${link(page + 1)}>; rel="next"` : undefined,
      `<${link(1)}>; rel="first"`,
      `<${link(totalPages)}>; rel="last"`,
    ].filter(Boolean);
    if (this.keysetPagination) {
      json(
        200,
        pageItems,
        page < totalPages ? { Link: `<${link(page + 1)}>; rel="next"` } : {},
      );
      return;
    }
    json(200, pageItems, {
      'X-Page': String(page),
      'X-Per-Page': String(perPage),
      'X-Total': String(items.length),
      'X-Total-Pages': String(totalPages),
      'X-Next-Page': page < totalPages ? String(page + 1) : '',
      'X-Prev-Page': page > 1 ? String(page - 1) : '',
      Link: links.join(', '),
    });
  }

  /** `GET /repository/compare?from=&to=`: the commits after `from` up to `to`. */
  #compare(
    project: Project,
    url: URL,
    json: (status: number, body: unknown) => void,
  ) {
    const from = project.commits.findIndex(
      c => c.id === url.searchParams.get('from'),
    );
    const to = project.commits.findIndex(
      c => c.id === url.searchParams.get('to'),
    );
    if (from < 0 || to < 0) {
      json(404, { message: '404 Ref Not Found' });
      return;
    }
    const commits = project.commits.slice(from + 1, to + 1).map(c => ({
      id: c.id,
      short_id: c.id.slice(0, 11),
      created_at: c.committed_date,
      parent_ids: [],
      title: 'JS fix',
      message: 'JS fix',
      author_name: 'Example User',
      author_email: 'user@example.com',
      authored_date: c.committed_date,
      committer_name: 'Example User',
      committer_email: 'user@example.com',
      committed_date: c.committed_date,
      web_url: `http://gitlab.example.com/${project.pathWithNamespace}/-/commit/${c.id}`,
    }));
    json(200, {
      commit: commits.at(-1) ?? null,
      commits,
      diffs: [],
      compare_timeout: false,
      compare_same_ref: from === to,
      web_url: `http://gitlab.example.com/${project.pathWithNamespace}/-/compare/${project.commits[from].id}...${project.commits[to].id}`,
    });
  }

  #retryJob(
    project: Project,
    jobId: number,
    json: (status: number, body: unknown) => void,
  ) {
    const original = project.deployments.find(d => d.deployable?.id === jobId);
    if (!original?.deployable) {
      json(404, { message: '404 Job Not Found' });
      return;
    }
    if (
      !['success', 'failed', 'canceled'].includes(original.deployable.status)
    ) {
      json(403, { message: '403 Forbidden - Job is not retryable' });
      return;
    }
    const now = new Date().toISOString();
    const job = gitlabJob({
      id: this.#nextJobId++,
      status: 'pending',
      ref: original.ref,
      sha: original.sha,
      createdAt: now,
      projectPath: project.pathWithNamespace,
    });
    // Retrying a deploy job creates a new deployment of the same commit.
    const deployment = gitlabDeployment({
      id: this.#nextDeploymentId++,
      status: 'created',
      updatedAt: now,
      environment: original.environment.name,
      ref: original.ref,
      sha: original.sha,
      jobId: job.id,
      jobStatus: 'pending',
    });
    project.deployments.push(deployment);
    json(201, job);
  }
}

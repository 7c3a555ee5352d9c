import { once } from 'node:events';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import {
  ArgoCdApplication,
  ArgoCdOperationPhase,
  ArgoCdRevisionHistory,
} from '../types';

/*
 * A local server that speaks the parts of Argo CD's REST API (v2/v3
 * `argocd-server`, grpc-gateway) the module uses: real paths, Bearer auth
 * (401 without a session, 403 for what RBAC hides), gRPC-status error
 * bodies (`{ error, code, message }`), `?selector=` label filtering and the
 * rollback endpoint with Argo CD's own refusals. It also plays the
 * application controller: a rollback starts a Running operation that the
 * test completes with `finishOperation`.
 */

/** What a token may do, like an Argo CD RBAC role. */
export interface TestToken {
  /** Applications it may read; `*` for all. */
  read: '*' | string[];
  /** Whether it may sync (and so roll back). */
  sync: boolean;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body?: unknown;
}

/** A one-off answer for the next request whose path starts with a prefix. */
export interface InjectedResponse {
  pathPrefix: string;
  method?: string;
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** gRPC code → the body Argo CD's gateway sends. */
function grpcError(code: number, message: string) {
  return { error: message, code, message };
}

const GRPC = {
  invalidArgument: 3,
  notFound: 5,
  permissionDenied: 7,
  failedPrecondition: 9,
  unauthenticated: 16,
};

function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: string,
): boolean {
  return selector
    .split(',')
    .map(term => term.trim())
    .filter(Boolean)
    .every(term => {
      const notEqual = /^([^!=]+)!=(.*)$/.exec(term);
      if (notEqual) {
        return labels?.[notEqual[1].trim()] !== notEqual[2].trim();
      }
      const equal = /^([^!=]+)==?(.*)$/.exec(term);
      if (equal) {
        return labels?.[equal[1].trim()] === equal[2].trim();
      }
      return labels?.[term] !== undefined;
    });
}

export class ArgoCdTestServer {
  readonly requests: RecordedRequest[] = [];
  readonly applications = new Map<string, ArgoCdApplication>();
  readonly #server: Server;
  readonly #tokens: Record<string, TestToken>;
  readonly #injected: InjectedResponse[] = [];
  readonly #now: () => string;
  url = '';
  /** When true, the controller does not pick up requested operations. */
  controllerPaused = false;

  private constructor(options: {
    tokens: Record<string, TestToken>;
    applications: ArgoCdApplication[];
    now: () => string;
  }) {
    this.#tokens = options.tokens;
    this.#now = options.now;
    for (const app of options.applications) {
      this.applications.set(app.metadata.name, structuredClone(app));
    }
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(error => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(grpcError(13, String(error))));
      });
    });
  }

  static async start(options: {
    tokens: Record<string, TestToken>;
    applications: ArgoCdApplication[];
    /** The controller's clock, for operation start and finish times. */
    now?: () => string;
  }): Promise<ArgoCdTestServer> {
    const server = new ArgoCdTestServer({
      ...options,
      now:
        options.now ??
        (() => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')),
    });
    server.#server.listen(0, '127.0.0.1');
    await once(server.#server, 'listening');
    const { port } = server.#server.address() as AddressInfo;
    server.url = `http://127.0.0.1:${port}`;
    return server;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>(resolve => this.#server.close(() => resolve()));
  }

  /** Answers the next matching request with `response` instead. */
  inject(response: InjectedResponse) {
    this.#injected.push(response);
  }

  /**
   * Ends the running operation as the controller would: a Succeeded sync
   * is appended to `status.history` with the operation's start time as
   * `deployStartedAt` and the next id.
   */
  finishOperation(
    appName: string,
    phase: Exclude<ArgoCdOperationPhase, 'Running'>,
    message: string,
  ) {
    const app = this.#app(appName);
    const state = app.status?.operationState;
    if (!app.status || !state) {
      throw new Error(`${appName} has no operation`);
    }
    const finishedAt = this.#now();
    const revision = state.operation?.sync?.revision;
    state.phase = phase;
    state.message = message;
    state.finishedAt = finishedAt;
    state.syncResult = { revision };
    if (phase === 'Succeeded') {
      const history = app.status.history ?? [];
      const entry: ArgoCdRevisionHistory = {
        id: history.length > 0 ? history[history.length - 1].id + 1 : 0,
        revision,
        deployedAt: finishedAt,
        deployStartedAt: state.startedAt,
        initiatedBy: state.operation?.initiatedBy,
      };
      app.status.history = [...history, entry];
    }
  }

  #app(name: string): ArgoCdApplication {
    const app = this.applications.get(name);
    if (!app) throw new Error(`no application ${name}`);
    return app;
  }

  async #handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    const authorization = req.headers.authorization;
    this.requests.push({
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      authorization,
      body,
    });

    const send = (
      status: number,
      payload: unknown,
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };

    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!bearer) {
      send(401, grpcError(GRPC.unauthenticated, 'no session information'));
      return;
    }
    const token = this.#tokens[bearer];
    if (!token) {
      send(
        401,
        grpcError(
          GRPC.unauthenticated,
          'invalid session: token signature is invalid',
        ),
      );
      return;
    }

    const injectedIndex = this.#injected.findIndex(
      candidate =>
        `${url.pathname}${url.search}`.startsWith(candidate.pathPrefix) &&
        (!candidate.method || candidate.method === req.method),
    );
    if (injectedIndex >= 0) {
      const [injected] = this.#injected.splice(injectedIndex, 1);
      send(injected.status, injected.body, injected.headers);
      return;
    }

    const canRead = (name: string) =>
      token.read === '*' || token.read.includes(name);
    const route = /^\/api\/v1\/applications(?:\/([^/]+)(\/rollback)?)?$/.exec(
      url.pathname,
    );
    if (!route) {
      send(404, grpcError(GRPC.notFound, `Not Found: ${url.pathname}`));
      return;
    }
    const name = route[1] ? decodeURIComponent(route[1]) : undefined;
    const isRollback = route[2] !== undefined;

    if (req.method === 'GET' && name === undefined) {
      const selector = url.searchParams.get('selector') ?? '';
      const items = [...this.applications.values()].filter(
        app =>
          canRead(app.metadata.name) &&
          matchesSelector(app.metadata.labels, selector),
      );
      // Argo CD sends `items: null` for an empty list.
      send(200, {
        metadata: { resourceVersion: '48213' },
        items: items.length > 0 ? items : null,
      });
      return;
    }
    if (name === undefined) {
      send(404, grpcError(GRPC.notFound, 'Not Found'));
      return;
    }
    // RBAC is checked before existence: a token that may not read an
    // application cannot tell whether it exists.
    if (!canRead(name)) {
      send(403, grpcError(GRPC.permissionDenied, 'permission denied'));
      return;
    }
    const app = this.applications.get(name);
    if (!app) {
      send(
        404,
        grpcError(
          GRPC.notFound,
          `applications.argoproj.io "${name}" not found`,
        ),
      );
      return;
    }
    if (req.method === 'GET' && !isRollback) {
      send(200, app);
      return;
    }
    if (req.method === 'POST' && isRollback) {
      this.#rollback(app, token, body, send);
      return;
    }
    send(405, grpcError(GRPC.invalidArgument, 'method not allowed'));
  }

  #rollback(
    app: ArgoCdApplication,
    token: TestToken,
    body: unknown,
    send: (status: number, payload: unknown) => void,
  ) {
    if (!token.sync) {
      send(403, grpcError(GRPC.permissionDenied, 'permission denied'));
      return;
    }
    // The checks and messages of argocd-server's ApplicationService.Rollback.
    if (app.spec?.syncPolicy?.automated) {
      send(
        400,
        grpcError(
          GRPC.failedPrecondition,
          'rollback cannot be initiated when auto-sync is enabled',
        ),
      );
      return;
    }
    const { id } = (body ?? {}) as { id?: number | string };
    const entry = app.status?.history?.find(h => String(h.id) === String(id));
    if (!entry || !app.status) {
      send(
        400,
        grpcError(
          GRPC.invalidArgument,
          `application ${app.metadata.name} does not have deployment with id ${id}`,
        ),
      );
      return;
    }
    if (app.status.operationState?.phase === 'Running') {
      send(
        400,
        grpcError(
          GRPC.failedPrecondition,
          'another operation is already in progress',
        ),
      );
      return;
    }
    const operation = {
      sync: { revision: entry.revision },
      initiatedBy: { username: 'release-coordinator' },
    };
    if (this.controllerPaused) {
      send(200, { ...app, operation });
      return;
    }
    app.status.operationState = {
      operation,
      phase: 'Running',
      message: 'one or more tasks are running',
      startedAt: this.#now(),
    };
    send(200, app);
  }
}

import { parseArgs } from 'node:util';

/*
 * `release-coordinator`: the command-line client of Release Coordinator
 * (docs/gates.md). `gate` asks the gate route whether a deploy may start and
 * exits with a code a pipeline can act on; `release create` creates a
 * release from CI. Plain Node 20: `fetch` and `util.parseArgs`, nothing else.
 */

/** Exit codes, as documented in docs/gates.md. */
export const EXIT = {
  allowed: 0,
  denied: 1,
  usage: 2,
  timedOut: 3,
  unreachable: 4,
  refused: 5,
} as const;

/** What the command talks to; tests pass their own. */
export interface CliIo {
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

class UsageError extends Error {}

const USAGE = `Usage:
  release-coordinator gate --entity REF --environment ENV --version V
      [--commit SHA] [--artifact-digest DIGEST]
      [--wait [--timeout 30m] [--interval 10s]] [--json]
  release-coordinator release create --entity REF --environment ENV --version V
      --strategy rolling|blue-green|canary [--commit SHA] [--artifact-digest DIGEST]
      [--zero-downtime] [--database-migrations] [--config-changes] [--notes TEXT] [--json]

Common options:
  --url URL   Release Coordinator API, e.g. https://backstage.example.com/api/release-coordinator
              (default: $RELEASE_COORDINATOR_URL)
  The token is read from $RELEASE_COORDINATOR_TOKEN (a Backstage service token).

Exit codes of gate: 0 allowed, 1 denied, 2 usage error, 3 timed out,
4 unreachable or server error, 5 refused (401, 403, 404).`;

const STRATEGIES = ['rolling', 'blue-green', 'canary'];

/** Denials no wait can lift (docs/gates.md): `--wait` stops at once. */
const FINAL_REASONS = ['rejected', 'closed'];

/** `30m`, `10s`, `1h`, `500ms`, or a number of seconds, in milliseconds. */
export function parseDuration(value: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) {
    throw new UsageError(
      `${option}: '${value}' is not a duration (e.g. 30m, 10s, 1h)`,
    );
  }
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
  return amount * factor;
}

/** `kind:namespace/name` or `kind:name` (namespace `default`) as a path. */
export function entityPath(ref: string): string {
  const match = /^([^:/\s]+):(?:([^:/\s]+)\/)?([^:/\s]+)$/.exec(ref.trim());
  if (!match) {
    throw new UsageError(
      `--entity: '${ref}' is not an entity ref like component:default/payments-api`,
    );
  }
  const [, kind, namespace = 'default', name] = match;
  return [kind, namespace, name]
    .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
    .join('/');
}

function required(
  values: Record<string, unknown>,
  names: string[],
): Record<string, string> {
  const missing = names.filter(
    name => typeof values[name] !== 'string' || values[name] === '',
  );
  if (missing.length > 0) {
    throw new UsageError(
      `missing ${missing.map(name => `--${name}`).join(', ')}`,
    );
  }
  return values as Record<string, string>;
}

function baseUrl(values: Record<string, unknown>, io: CliIo): string {
  const url =
    (values.url as string | undefined) ?? io.env.RELEASE_COORDINATOR_URL;
  if (!url) {
    throw new UsageError('missing --url (or RELEASE_COORDINATOR_URL)');
  }
  if (!/^https?:\/\//i.test(url)) {
    throw new UsageError(`--url: '${url}' is not an http(s) URL`);
  }
  return url.replace(/\/+$/, '');
}

function headers(io: CliIo): Record<string, string> {
  const token = io.env.RELEASE_COORDINATOR_TOKEN;
  return {
    accept: 'application/json',
    ...(token && { authorization: `Bearer ${token}` }),
  };
}

/** The parts of `GET …/gate`'s answer the CLI reads (docs/gates.md). */
interface GateAnswer {
  allowed: boolean;
  release?: { id: string; version: string; state: string } | null;
  reasons?: Array<{ code: string; message: string }>;
}

/** The parts of `POST …/releases`' answer the CLI prints. */
interface CreatedRelease {
  release: {
    id: string;
    version: string;
    entityRef: string;
    environment: string;
    state: string;
  };
  openItemIds?: string[];
}

/** A response (JSON, or text when it is not JSON), or why there is none. */
type Answer =
  | { kind: 'response'; status: number; body: unknown }
  | { kind: 'unreachable'; message: string };

async function call(
  io: CliIo,
  url: string,
  init: RequestInit = {},
): Promise<Answer> {
  try {
    const response = await io.fetch(url, {
      ...init,
      headers: { ...headers(io), ...(init.headers as object) },
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's error page): kept as text.
    }
    return { kind: 'response', status: response.status, body };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      kind: 'unreachable',
      message: `${(error as Error).message}${cause ? ` (${cause})` : ''}`,
    };
  }
}

function errorMessage(body: unknown): string {
  const message = (body as { error?: { message?: unknown } } | undefined)?.error
    ?.message;
  return typeof body === 'object' && typeof message === 'string' && message
    ? message
    : String(body ?? '').slice(0, 500);
}

/** The exit code and words for a non-200 answer; undefined when 200. */
function failure(
  answer: Answer,
  url: string,
): { code: number; message: string } | undefined {
  if (answer.kind === 'unreachable') {
    return {
      code: EXIT.unreachable,
      message: `Release Coordinator at ${url} is unreachable: ${answer.message}`,
    };
  }
  const { status, body } = answer;
  if (status >= 200 && status < 300) return undefined;
  if (status === 401 || status === 403 || status === 404) {
    const hint = {
      401: 'check RELEASE_COORDINATOR_TOKEN',
      403: 'the token may not do this on the entity',
      404: 'check --entity and --url',
    }[status];
    return {
      code: EXIT.refused,
      message: `Refused (${status}): ${errorMessage(body)} (${hint})`,
    };
  }
  if (status === 400) {
    return {
      code: EXIT.usage,
      message: `Bad request (400): ${errorMessage(body)}`,
    };
  }
  if (status >= 500) {
    return {
      code: EXIT.unreachable,
      message: `Release Coordinator answered ${status}: ${errorMessage(body)}`,
    };
  }
  return {
    code: EXIT.denied,
    message: `Release Coordinator answered ${status}: ${errorMessage(body)}`,
  };
}

function printGate(io: CliIo, body: GateAnswer, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(body));
    return;
  }
  const release = body.release
    ? ` release ${body.release.version} (${body.release.id}, ${body.release.state})`
    : '';
  io.out(`${body.allowed ? 'ALLOWED' : 'DENIED'}:${release}`);
  for (const reason of body.reasons ?? []) {
    io.out(`  - [${reason.code}] ${reason.message}`);
  }
}

async function gate(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      entity: { type: 'string' },
      environment: { type: 'string' },
      version: { type: 'string' },
      commit: { type: 'string' },
      'artifact-digest': { type: 'string' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      interval: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const given = required(values, ['entity', 'environment', 'version']);
  const base = baseUrl(values, io);
  const timeoutMs = parseDuration(values.timeout ?? '30m', '--timeout');
  const intervalMs = parseDuration(values.interval ?? '10s', '--interval');
  if (intervalMs <= 0) {
    throw new UsageError('--interval: must be more than 0');
  }
  const query = new URLSearchParams({
    environment: given.environment,
    version: given.version,
    ...(values.commit && { commitSha: values.commit }),
    ...(values['artifact-digest'] && {
      artifactDigest: values['artifact-digest'],
    }),
  });
  const url = `${base}/entities/${entityPath(given.entity)}/gate?${query}`;
  const deadline = io.now() + timeoutMs;
  let lastPrinted = '';
  for (;;) {
    const answer = await call(io, url);
    const failed = failure(answer, base);
    if (failed === undefined && answer.kind === 'response') {
      const body = answer.body as GateAnswer;
      // A rejected, rolled-back or superseded release stays so: waiting
      // cannot change the answer.
      const final = (body.reasons ?? []).some(reason =>
        FINAL_REASONS.includes(reason.code),
      );
      if (body.allowed || !values.wait || final) {
        printGate(io, body, Boolean(values.json));
        return body.allowed ? EXIT.allowed : EXIT.denied;
      }
      // Waiting: say why, once per change of the answer.
      const summary = JSON.stringify(body.reasons);
      if (summary !== lastPrinted && !values.json) {
        printGate(io, body, false);
        io.out(`  waiting (checking every ${values.interval ?? '10s'})…`);
        lastPrinted = summary;
      }
    } else if (failed) {
      const transient = failed.code === EXIT.unreachable;
      if (!values.wait || !transient) {
        io.err(failed.message);
        return failed.code;
      }
      io.err(`${failed.message}; retrying`);
    }
    if (io.now() + intervalMs > deadline) {
      io.err(
        `Timed out after ${values.timeout ?? '30m'} waiting for the gate of ${
          given.entity
        } ${given.version} in ${given.environment}`,
      );
      return EXIT.timedOut;
    }
    await io.sleep(intervalMs);
  }
}

async function releaseCreate(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      entity: { type: 'string' },
      environment: { type: 'string' },
      version: { type: 'string' },
      commit: { type: 'string' },
      'artifact-digest': { type: 'string' },
      strategy: { type: 'string' },
      'zero-downtime': { type: 'boolean' },
      'database-migrations': { type: 'boolean' },
      'config-changes': { type: 'boolean' },
      notes: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const given = required(values, [
    'entity',
    'environment',
    'version',
    'strategy',
  ]);
  if (!STRATEGIES.includes(given.strategy)) {
    throw new UsageError(
      `--strategy: '${given.strategy}' is not one of ${STRATEGIES.join(', ')}`,
    );
  }
  const base = baseUrl(values, io);
  const body = {
    version: given.version,
    environment: given.environment,
    ...(values.commit && { commitSha: values.commit }),
    ...(values['artifact-digest'] && {
      artifactDigest: values['artifact-digest'],
    }),
    plan: {
      strategy: given.strategy,
      zeroDowntime: Boolean(values['zero-downtime']),
      hasDatabaseMigrations: Boolean(values['database-migrations']),
      hasConfigChanges: Boolean(values['config-changes']),
      ...(values.notes && { notes: values.notes }),
    },
  };
  const answer = await call(
    io,
    `${base}/entities/${entityPath(given.entity)}/releases`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
  );
  const failed = failure(answer, base);
  if (failed) {
    io.err(failed.message);
    return failed.code;
  }
  const details = (answer as { body: CreatedRelease }).body;
  if (values.json) {
    io.out(JSON.stringify(details));
  } else {
    const release = details.release;
    io.out(
      `Created release ${release.version} (${release.id}) of ${release.entityRef} for ${release.environment}: ${release.state}`,
    );
    if (details.openItemIds?.length) {
      io.out(`  open checklist items: ${details.openItemIds.join(', ')}`);
    }
  }
  return 0;
}

/** Runs the command with `args` (without node and the script); the exit code. */
export async function main(args: string[], io: CliIo): Promise<number> {
  try {
    const [command, sub, ...rest] = args;
    if (command === 'gate') {
      return await gate(args.slice(1), io);
    }
    if (command === 'release' && sub === 'create') {
      return await releaseCreate(rest, io);
    }
    if (command === '--help' || command === 'help' || command === '-h') {
      io.out(USAGE);
      return 0;
    }
    throw new UsageError(
      command
        ? `unknown command '${args.slice(0, 2).join(' ')}'`
        : 'no command',
    );
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.err(`release-coordinator: ${(error as Error).message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    io.err(`release-coordinator: ${(error as Error).stack ?? error}`);
    return EXIT.unreachable;
  }
}

/** The process's own io. */
export function processIo(): CliIo {
  return {
    env: process.env,
    out: line => process.stdout.write(`${line}\n`),
    err: line => process.stderr.write(`${line}\n`),
    fetch: globalThis.fetch,
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
    now: () => Date.now(),
  };
}

/** Runs the command line of this process and exits with its code. */
export async function runMain(): Promise<void> {
  const code = await main(process.argv.slice(2), processIo());
  process.exitCode = code;
}

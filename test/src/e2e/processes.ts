import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import net from 'net';

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

export async function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Polls `probe` every half second until it returns a value (errors count as
 * "not yet"), or fails after `timeoutMs` with `describeFailure()` (logs).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  describeFailure: () => string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    await sleep(500);
  }
  throw new Error(
    `Timed out waiting for ${what}${
      lastError ? ` (last error: ${lastError})` : ''
    }\n${describeFailure()}`,
  );
}

/**
 * A binary the suite needs: fails (never skips) with how to get it when
 * it is missing.
 */
export function requireBinary(options: {
  path: string;
  what: string;
  debianPackage: string;
  env: string;
}): string {
  if (!fs.existsSync(options.path)) {
    throw new Error(
      `${options.what} binary not found at ${options.path}: install Debian's ${options.debianPackage} (scripts/test.sh does) or set ${options.env}`,
    );
  }
  return options.path;
}

/** A child process of the suite, with its output kept for failure reports. */
export class ManagedProcess {
  #output = '';
  readonly #child: ChildProcess;

  constructor(readonly name: string, command: string, args: string[]) {
    this.#child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.#output += chunk.toString();
    };
    this.#child.stdout?.on('data', keep);
    this.#child.stderr?.on('data', keep);
  }

  get exited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  /** The last `chars` characters of its output, headed by its name. */
  logs(chars = 4000): string {
    return `--- ${this.name} ---\n${this.#output.slice(-chars)}`;
  }

  /** Waits until `url` answers 2xx; fails if the process exits first. */
  async waitUntilReady(url: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `${this.name} to be ready`,
      async () => {
        if (this.exited) {
          throw new Error(`${this.name} exited`);
        }
        return (await fetch(url)).ok ? true : undefined;
      },
      () => this.logs(),
      timeoutMs,
    );
  }

  /** SIGTERM, then SIGKILL after 10 s. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (this.exited) {
      return;
    }
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timeout = sleep(10_000).then(() => 'timeout');
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
  }
}

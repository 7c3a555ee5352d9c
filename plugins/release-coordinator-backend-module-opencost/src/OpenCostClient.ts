/**
 * A failed OpenCost call. `status` is the HTTP status when OpenCost answered;
 * the Release Coordinator scheduler retries errors with a 5xx `status`.
 *
 * @public
 */
export class OpenCostApiError extends Error {
  readonly status?: number;

  constructor(options: { message: string; status?: number }) {
    super(options.message);
    this.name = 'OpenCostApiError';
    this.status = options.status;
  }
}

/** The part of one allocation the pull reads. */
export interface OpenCostAllocation {
  name: string;
  /** Start of the allocation set's window (RFC 3339). */
  windowStart: string;
  totalCost: number;
}

/** One request of `GET /allocation`. */
export interface AllocationQuery {
  /** OpenCost `aggregate`, e.g. `label:app`. */
  aggregate: string;
  /** Inclusive start, a UTC midnight. */
  start: Date;
  /** Exclusive end, a UTC midnight. */
  end: Date;
  signal?: AbortSignal;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 3339 without milliseconds, as OpenCost's window parser expects. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Reads the allocations out of an `AllocationSetRange` answer
 * (`{ code, data: [ { "<name>": allocation } per step ] }`); `null` sets
 * (steps without data) are skipped.
 */
export function readAllocationSets(body: unknown): OpenCostAllocation[] {
  if (!isRecord(body) || !Array.isArray(body.data)) {
    throw new OpenCostApiError({
      message: 'OpenCost GET /allocation answered without a data array',
    });
  }
  const allocations: OpenCostAllocation[] = [];
  for (const set of body.data) {
    if (set === null) {
      continue;
    }
    if (!isRecord(set)) {
      throw new OpenCostApiError({
        message:
          'OpenCost GET /allocation answered a set that is not an object',
      });
    }
    for (const [key, value] of Object.entries(set)) {
      if (!isRecord(value)) {
        continue;
      }
      const window = isRecord(value.window) ? value.window : undefined;
      const windowStart =
        typeof window?.start === 'string' ? window.start : value.start;
      const totalCost = value.totalCost;
      if (
        typeof windowStart !== 'string' ||
        Number.isNaN(Date.parse(windowStart))
      ) {
        throw new OpenCostApiError({
          message: `OpenCost allocation '${key}' has no window start`,
        });
      }
      if (typeof totalCost !== 'number' || !Number.isFinite(totalCost)) {
        throw new OpenCostApiError({
          message: `OpenCost allocation '${key}' of ${windowStart} has no numeric totalCost`,
        });
      }
      allocations.push({
        name: typeof value.name === 'string' ? value.name : key,
        windowStart,
        totalCost,
      });
    }
  }
  return allocations;
}

/**
 * The part of the OpenCost API the cost pull uses: `GET /allocation` with a
 * UTC-midnight `window`, `step=1d` and `accumulate=false`, so every step is
 * one UTC day. Idle cost is neither included nor shared (`includeIdle=false`,
 * `shareIdle=false`), so no entity's allocation carries a share of it.
 *
 * @public
 */
export class OpenCostClient {
  constructor(
    private readonly options: {
      baseUrl: string;
      resolution: string;
      requestTimeoutMs: number;
      headers?: Record<string, string>;
    },
  ) {}

  /** The daily allocations of every value of `aggregate` in [start, end). */
  async getDailyAllocations(
    query: AllocationQuery,
  ): Promise<OpenCostAllocation[]> {
    const url = new URL(`${this.options.baseUrl}/allocation`);
    url.searchParams.set(
      'window',
      `${rfc3339(query.start)},${rfc3339(query.end)}`,
    );
    url.searchParams.set('aggregate', query.aggregate);
    url.searchParams.set('step', '1d');
    url.searchParams.set('accumulate', 'false');
    url.searchParams.set('resolution', this.options.resolution);
    url.searchParams.set('includeIdle', 'false');
    url.searchParams.set('shareIdle', 'false');

    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    const signal = query.signal
      ? AbortSignal.any([query.signal, timeout])
      : timeout;
    const what = `OpenCost GET /allocation (aggregate=${query.aggregate})`;
    let response: Response;
    let body: unknown;
    try {
      response = await fetch(url, {
        headers: { Accept: 'application/json', ...this.options.headers },
        signal,
      });
      if (!response.ok) {
        const detail = (await response.text()).slice(0, 500);
        throw new OpenCostApiError({
          message: `${what} failed with ${response.status} ${response.statusText}: ${detail}`,
          status: response.status,
        });
      }
      body = await response.json();
    } catch (error) {
      if (error instanceof OpenCostApiError) {
        throw error;
      }
      if (timeout.aborted && !query.signal?.aborted) {
        throw new OpenCostApiError({
          message: `${what} did not answer within ${
            this.options.requestTimeoutMs / 1000
          } s`,
        });
      }
      throw new OpenCostApiError({
        message: `${what} failed: ${
          error instanceof Error ? error.message : String(error)
        }`,
      });
    }
    // OpenCost repeats the status in the body; a non-200 code is an error
    // even when a proxy answered 200.
    if (isRecord(body) && typeof body.code === 'number' && body.code !== 200) {
      throw new OpenCostApiError({
        message: `${what} answered code ${body.code}: ${String(
          body.message ?? '',
        ).slice(0, 500)}`,
        status: body.code,
      });
    }
    return readAllocationSets(body);
  }
}

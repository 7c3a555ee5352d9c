import http from 'node:http';
import { AddressInfo } from 'node:net';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The cost of one pod on one UTC day, the raw material of the fake OpenCost. */
export interface PodDay {
  /** `YYYY-MM-DD`. */
  day: string;
  namespace: string;
  pod: string;
  labels?: Record<string, string>;
  cpuCost: number;
  ramCost: number;
  pvCost?: number;
}

/** A request the fake OpenCost received. */
export interface RecordedRequest {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

/** How the next request is answered instead of with data. */
export type QueuedFailure =
  | { status: number; body: unknown }
  /** Never answers (until the server closes): a hung OpenCost. */
  | 'hang';

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace('.000', '');

/**
 * An allocation in the shape `GET /allocation` answers it (OpenCost API
 * reference example): the cost fields, `window`, `start`/`end`, properties.
 */
function allocation(options: {
  name: string;
  dayStartMs: number;
  pods: PodDay[];
  cluster: string;
  idleCost?: number;
}): Record<string, unknown> {
  const { pods } = options;
  const cpuCost =
    pods.reduce((sum, p) => sum + p.cpuCost, 0) + (options.idleCost ?? 0);
  const ramCost = pods.reduce((sum, p) => sum + p.ramCost, 0);
  const pvCost = pods.reduce((sum, p) => sum + (p.pvCost ?? 0), 0);
  const namespaces = [...new Set(pods.map(p => p.namespace))];
  return {
    name: options.name,
    properties: {
      cluster: options.cluster,
      ...(namespaces.length === 1 ? { namespace: namespaces[0] } : {}),
    },
    window: {
      start: rfc3339(options.dayStartMs),
      end: rfc3339(options.dayStartMs + DAY_MS),
    },
    start: rfc3339(options.dayStartMs),
    end: rfc3339(options.dayStartMs + DAY_MS),
    minutes: 1440,
    cpuCores: 0.45,
    cpuCoreRequestAverage: 0.45,
    cpuCoreUsageAverage: 0.002906,
    cpuCoreHours: 10.8,
    cpuCost: round6(cpuCost),
    cpuCostAdjustment: 0,
    cpuEfficiency: 0.006458,
    gpuCount: 0,
    gpuHours: 0,
    gpuCost: 0,
    gpuCostAdjustment: 0,
    networkTransferBytes: 0,
    networkReceiveBytes: 0,
    networkCost: 0,
    networkCostAdjustment: 0,
    loadBalancerCost: 0,
    loadBalancerCostAdjustment: 0,
    pvBytes: 0,
    pvByteHours: 0,
    pvCost: round6(pvCost),
    pvs: null,
    pvCostAdjustment: 0,
    ramBytes: 146800640,
    ramByteRequestAverage: 146800640,
    ramByteUsageAverage: 167022404.312668,
    ramByteHours: 3523215360,
    ramCost: round6(ramCost),
    ramCostAdjustment: 0,
    ramEfficiency: 1.13775,
    sharedCost: 0,
    externalCost: 0,
    totalCost: round6(cpuCost + ramCost + pvCost),
    totalEfficiency: 0.05072,
    rawAllocationOnly: null,
  };
}

/**
 * A local server speaking the part of the OpenCost API the provider uses:
 * `GET /allocation` with an RFC 3339 `window` pair, `step` (`1d` or the
 * whole window), `aggregate` (`namespace`, `pod`, `label:<name>`,
 * `annotation`-free; comma lists joined with `/`, a missing label becomes
 * `__unallocated__`), `accumulate=false` and `includeIdle`. It answers
 * `{ code: 200, status: "success", data: [set per step] }` like OpenCost.
 *
 * `legacyLabelNames` answers labels as `app=payments` (older OpenCost);
 * `idlePerDay` is the cluster's idle cost, returned as `__idle__` when
 * `includeIdle=true` or `alwaysIncludeIdle` (an OpenCost that ignores the
 * parameter).
 */
export async function startOpenCost(options: {
  pods: PodDay[];
  idlePerDay?: number;
  alwaysIncludeIdle?: boolean;
  legacyLabelNames?: boolean;
  requiredAuthorization?: string;
}) {
  const requests: RecordedRequest[] = [];
  const failures: QueuedFailure[] = [];
  const hung = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
    });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (
      options.requiredAuthorization &&
      req.headers.authorization !== options.requiredAuthorization
    ) {
      send(401, { code: 401, message: 'Unauthorized' });
      return;
    }
    const failure = failures.shift();
    if (failure === 'hang') {
      hung.add(res);
      return;
    }
    if (failure) {
      send(failure.status, failure.body);
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/allocation') {
      send(404, { code: 404, message: `404 page not found` });
      return;
    }
    const window = (url.searchParams.get('window') ?? '').split(',');
    const startMs = Date.parse(window[0] ?? '');
    const endMs = Date.parse(window[1] ?? '');
    if (window.length !== 2 || Number.isNaN(startMs) || Number.isNaN(endMs)) {
      send(400, {
        code: 400,
        message: `Invalid 'window' parameter: illegal window: ${url.searchParams.get(
          'window',
        )}`,
      });
      return;
    }
    const step = url.searchParams.get('step');
    const stepMs = step === '1d' ? DAY_MS : endMs - startMs;
    const aggregateBy = (url.searchParams.get('aggregate') ?? 'namespace')
      .split(',')
      .map(a => a.trim());
    const includeIdle =
      options.alwaysIncludeIdle ||
      url.searchParams.get('includeIdle') === 'true';

    const keyOf = (pod: PodDay) =>
      aggregateBy
        .map(agg => {
          if (agg === 'namespace') return pod.namespace;
          if (agg === 'pod') return pod.pod;
          if (agg.startsWith('label:')) {
            const labelName = agg.slice('label:'.length);
            const value = pod.labels?.[labelName];
            if (value === undefined) return '__unallocated__';
            return options.legacyLabelNames ? `${labelName}=${value}` : value;
          }
          throw new Error(`fake OpenCost does not aggregate by ${agg}`);
        })
        .join('/');

    const data: Array<Record<string, unknown>> = [];
    for (let setStart = startMs; setStart < endMs; setStart += stepMs) {
      const setEnd = Math.min(setStart + stepMs, endMs);
      const pods = options.pods.filter(p => {
        const dayMs = Date.parse(`${p.day}T00:00:00Z`);
        return dayMs >= setStart && dayMs < setEnd;
      });
      const groups = new Map<string, PodDay[]>();
      for (const pod of pods) {
        const key = keyOf(pod);
        groups.set(key, [...(groups.get(key) ?? []), pod]);
      }
      const set: Record<string, unknown> = {};
      for (const [name, group] of groups) {
        set[name] = allocation({
          name,
          dayStartMs: setStart,
          pods: group,
          cluster: 'cluster-one',
        });
      }
      if (includeIdle && options.idlePerDay && pods.length > 0) {
        set.__idle__ = allocation({
          name: '__idle__',
          dayStartMs: setStart,
          pods: [],
          cluster: 'cluster-one',
          idleCost: options.idlePerDay,
        });
      }
      data.push(set);
    }
    send(200, { code: 200, status: 'success', data });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    /** Answers the next requests with these failures, in order. */
    fail(...next: QueuedFailure[]) {
      failures.push(...next);
    },
    async close() {
      for (const res of hung) {
        res.destroy();
      }
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

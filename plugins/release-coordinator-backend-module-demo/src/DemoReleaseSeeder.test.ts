import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  DiscoveryService,
  SchedulerServiceTaskScheduleDefinition,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  releaseCoordinatorCostProvidersExtensionPoint,
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  releaseCoordinatorIncidentProvidersExtensionPoint,
} from '@release-coordinator/backstage-plugin-node';
import { AddressInfo } from 'node:net';
import http from 'node:http';
import {
  DEMO_RELEASES,
  DEMO_RELEASES_TASK_ID,
  DemoReleaseSeeder,
} from './DemoReleaseSeeder';
import demoModule from './index';

interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  body?: { [key: string]: unknown };
}

interface StoredRelease {
  id: string;
  entityRef: string;
  environment: string;
  version: string;
  state: string;
}

/**
 * A local stand-in for the Release Coordinator API: the routes the seeder
 * uses, with their status codes and Backstage error bodies, and a
 * release list that grows as releases are created.
 */
async function startFakeApi(knownEntities: string[]) {
  const requests: RecordedRequest[] = [];
  const releases: StoredRelease[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', chunk => {
      raw += chunk;
    });
    req.on('end', () => {
      const url = new URL(req.url!, 'http://localhost');
      const body = raw ? JSON.parse(raw) : undefined;
      requests.push({
        method: req.method!,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: req.headers.authorization,
        body,
      });
      const send = (status: number, payload: object) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const notFound = (message: string) =>
        send(404, { error: { name: 'NotFoundError', message } });
      if (!req.headers.authorization?.startsWith('Bearer ')) {
        send(401, { error: { name: 'AuthenticationError', message: 'no' } });
        return;
      }
      const entity = url.pathname.match(
        /^\/api\/release-coordinator\/entities\/([^/]+)\/([^/]+)\/([^/]+)\/releases$/,
      );
      if (entity) {
        const entityRef = `${entity[1]}:${entity[2]}/${entity[3]}`;
        if (!knownEntities.includes(entityRef)) {
          notFound(`No entity ${entityRef}`);
          return;
        }
        if (req.method === 'GET') {
          send(200, {
            items: releases.filter(
              r =>
                r.entityRef === entityRef &&
                r.environment === url.searchParams.get('environment'),
            ),
          });
          return;
        }
        const release = {
          id: `r-${releases.length + 1}`,
          entityRef,
          environment: String(body.environment),
          version: String(body.version),
          state: 'draft',
        };
        releases.push(release);
        send(201, { release, checklist: [] });
        return;
      }
      const action = url.pathname.match(
        /^\/api\/release-coordinator\/releases\/([^/]+)\/(evidence|checklist\/[^/]+)$/,
      );
      const release = releases.find(r => r.id === action?.[1]);
      if (!release) {
        notFound(`No release at ${url.pathname}`);
        return;
      }
      send(200, { release, checklist: [] });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/release-coordinator`,
    requests,
    releases,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

const exampleEntities = DEMO_RELEASES.map(r => r.entityRef);

function discoveryOf(baseUrl: string): DiscoveryService {
  return {
    getBaseUrl: async pluginId => {
      expect(pluginId).toBe('release-coordinator');
      return baseUrl;
    },
    getExternalBaseUrl: async () => baseUrl,
  };
}

describe('DemoReleaseSeeder', () => {
  let api: Awaited<ReturnType<typeof startFakeApi>>;
  let logger: ReturnType<typeof mockServices.logger.mock>;

  function seeder(discovery: DiscoveryService = discoveryOf(api.baseUrl)) {
    return new DemoReleaseSeeder({
      auth: mockServices.auth(),
      discovery,
      logger,
    });
  }

  beforeEach(async () => {
    api = await startFakeApi(exampleEntities);
    logger = mockServices.logger.mock();
  });

  afterEach(() => api.close());

  it('creates the releases through the API with a plugin request token', async () => {
    const report = await seeder().seed();
    expect(report).toEqual({
      created: [
        'component:default/payments-api@production 5.0.0-rc.1',
        'component:default/checkout-web@production 3.14.0',
        'component:default/identity-service@staging 2.8.0',
      ],
      skipped: [],
      failed: [],
    });

    // Every call carries this backend's token for the target plugin.
    const tokens = new Set(api.requests.map(r => r.authorization));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).toMatch(/^Bearer mock-service-token/);
    expect([...tokens][0]).toContain('release-coordinator');

    const checkout = api.releases.find(
      r => r.entityRef === 'component:default/checkout-web',
    )!;
    const checkoutCalls = api.requests.filter(
      r =>
        r.path.includes('/checkout-web/') ||
        r.path.includes(`/releases/${checkout.id}/`),
    );
    expect(checkoutCalls.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /api/release-coordinator/entities/component/default/checkout-web/releases',
      'POST /api/release-coordinator/entities/component/default/checkout-web/releases',
      `POST /api/release-coordinator/releases/${checkout.id}/evidence`,
      `PUT /api/release-coordinator/releases/${checkout.id}/checklist/deployment-plan-documented`,
      `PUT /api/release-coordinator/releases/${checkout.id}/checklist/rollback-procedure-tested`,
    ]);
    expect(checkoutCalls[0].query).toEqual({
      environment: 'production',
      limit: '500',
    });
    expect(checkoutCalls[1].body).toMatchObject({
      version: '3.14.0',
      environment: 'production',
      commitSha: 'a41be0c95d27',
      plan: { strategy: 'canary', zeroDowntime: true },
    });
    const evidence = checkoutCalls[2].body!.items as Array<{
      itemId: string;
      source: string;
      commitSha: string;
      status: string;
    }>;
    expect(evidence.map(e => e.itemId)).toEqual([
      'tests-passing',
      'code-coverage',
      'security-scan',
      'secrets-not-exposed',
      'image-scanned',
      'monitoring-alerts-configured',
      'team-communication-sent',
    ]);
    expect(
      evidence.every(
        e =>
          e.source === 'demo' &&
          e.commitSha === 'a41be0c95d27' &&
          e.status === 'passed',
      ),
    ).toBe(true);
    expect(checkoutCalls[3].body).toMatchObject({
      status: 'passed',
      evidenceUrl: 'https://wiki.example.com/checkout-web/releases/3.14.0',
    });

    // The draft release reports a coverage below the 80 % threshold.
    const payments = api.requests.find(
      r =>
        r.method === 'POST' &&
        r.path.endsWith('/evidence') &&
        (r.body!.items as Array<{ itemId: string }>).length === 3,
    );
    expect(payments?.body!.items).toContainEqual(
      expect.objectContaining({ itemId: 'code-coverage', value: '74.2' }),
    );
  });

  it('is idempotent: a second run only reads', async () => {
    await seeder().seed();
    const writes = api.requests.filter(r => r.method !== 'GET').length;

    const again = await seeder().seed();
    expect(again.created).toEqual([]);
    expect(again.skipped).toHaveLength(3);
    expect(api.requests.filter(r => r.method !== 'GET')).toHaveLength(writes);
    expect(api.releases).toHaveLength(3);
  });

  it('skips a version that exists and creates the others', async () => {
    api.releases.push({
      id: 'existing',
      entityRef: 'component:default/checkout-web',
      environment: 'production',
      version: '3.14.0',
      state: 'approved',
    });
    const report = await seeder().seed();
    expect(report.skipped).toEqual([
      'component:default/checkout-web@production 3.14.0',
    ]);
    expect(report.created).toHaveLength(2);
    expect(api.requests.some(r => r.path.includes('/releases/existing/'))).toBe(
      false,
    );
  });

  it('reports an entity the API does not know and seeds the rest', async () => {
    await api.close();
    api = await startFakeApi(
      exampleEntities.filter(ref => ref !== 'component:default/payments-api'),
    );
    const report = await seeder().seed();
    expect(report.created).toHaveLength(2);
    expect(report.failed).toEqual([
      expect.stringMatching(
        /^component:default\/payments-api@production 5\.0\.0-rc\.1: GET .* answered 404: .*No entity component:default\/payments-api/,
      ),
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('retried on the next run'),
    );
  });

  it('does not throw when the API cannot be reached', async () => {
    const report = await seeder({
      getBaseUrl: async () => {
        throw new Error('no such plugin');
      },
      getExternalBaseUrl: async () => '',
    }).seed();
    expect(report.created).toEqual([]);
    expect(report.failed).toHaveLength(3);
    expect(api.requests).toEqual([]);
  });
});

describe('demo module release seeding', () => {
  /** A stand-in for the backend plugin: only the extension points. */
  const hostPlugin = createBackendPlugin({
    pluginId: 'release-coordinator',
    register(env) {
      env.registerExtensionPoint(
        releaseCoordinatorDeploymentProvidersExtensionPoint,
        { addDeploymentProviders: () => {} },
      );
      env.registerExtensionPoint(
        releaseCoordinatorIncidentProvidersExtensionPoint,
        { addIncidentProviders: () => {} },
      );
      env.registerExtensionPoint(
        releaseCoordinatorCostProvidersExtensionPoint,
        { addCostProviders: () => {} },
      );
      env.registerInit({
        deps: { logger: coreServices.logger },
        async init() {},
      });
    },
  });

  async function scheduledTasks(config: object, baseUrl: string) {
    const scheduler = mockServices.scheduler.mock();
    const backend = await startTestBackend({
      features: [
        hostPlugin,
        demoModule,
        mockServices.rootConfig.factory({ data: config }),
        scheduler.factory,
        createServiceFactory({
          service: coreServices.discovery,
          deps: {},
          factory: () => discoveryOf(baseUrl),
        }),
      ],
    });
    await backend.stop();
    return scheduler.scheduleTask.mock.calls.map(
      ([task]) =>
        task as SchedulerServiceTaskScheduleDefinition &
          SchedulerServiceTaskInvocationDefinition,
    );
  }

  it('schedules a global task that seeds through the API when enabled', async () => {
    const api = await startFakeApi(exampleEntities);
    try {
      const tasks = await scheduledTasks(
        { releaseCoordinator: { demo: { enabled: true } } },
        api.baseUrl,
      );
      const task = tasks.find(t => t.id === DEMO_RELEASES_TASK_ID);
      expect(task).toMatchObject({
        scope: 'global',
        initialDelay: { seconds: 30 },
        frequency: { hours: 1 },
      });
      await task!.fn(new AbortController().signal);
      expect(api.releases.map(r => r.entityRef)).toEqual(exampleEntities);
    } finally {
      await api.close();
    }
  });

  it('schedules nothing when the demo is off', async () => {
    const tasks = await scheduledTasks({}, 'http://127.0.0.1:1');
    expect(tasks.map(t => t.id)).not.toContain(DEMO_RELEASES_TASK_ID);
  });
});

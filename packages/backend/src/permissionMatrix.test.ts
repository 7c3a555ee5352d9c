import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  ServerPermissionClient,
} from '@backstage/plugin-permission-node';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import releaseCoordinatorPlugin from '@release-coordinator/backstage-plugin-backend';
import YAML from 'yaml';
import { ReleaseCoordinatorPermissionPolicy } from './permissionPolicy';

/*
 * The permission matrix: every operation of the backend's openapi.yaml ×
 * every kind of caller × the status the portal must answer, through the real
 * permission framework (permission backend with the portal's policy, the
 * catalog resolving "owner" conditions, Backstage's permission client
 * applying service tokens' accessRestrictions) on SQLite and PostgreSQL.
 * A route without a row fails the test.
 */

jest.setTimeout(240_000);

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
if (process.env.CI === 'true' && !process.env[POSTGRES_ENV]) {
  throw new Error(
    `${POSTGRES_ENV} is not set: the permission matrix must run on PostgreSQL 15 in CI (CI=true)`,
  );
}
const databases = TestDatabases.create({
  ids: process.env[POSTGRES_ENV] ? ['SQLITE_3', 'POSTGRES_15'] : ['SQLITE_3'],
  disableDocker: true,
});

// eslint-disable-next-line no-restricted-syntax
const specFile = path.resolve(
  __dirname,
  '../../../plugins/release-coordinator-backend/src/schema/openapi.yaml',
);

const ORG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: payments-team }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: platform-team }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: sre }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: dba }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  annotations:
    github.com/project-slug: acme/payments-api
spec: { type: service, lifecycle: production, owner: group:default/payments-team }
`;

/** Who calls: the caller kinds of the matrix. */
const PRINCIPALS = {
  none: undefined,
  guest: 'user:default/guest',
  owner: 'user:default/alice',
  nonOwner: 'user:default/bob',
  sre: 'user:default/carol',
  dba: 'user:default/dave',
  service: 'service',
  metricsOnlyService: 'metrics-only-service',
} as const;
type Principal = keyof typeof PRINCIPALS;
const PRINCIPAL_NAMES = Object.keys(PRINCIPALS) as Principal[];

const GROUPS: Record<string, string[]> = {
  'user:default/guest': ['group:default/payments-team'],
  'user:default/alice': ['group:default/payments-team'],
  'user:default/bob': ['group:default/platform-team'],
  'user:default/carol': ['group:default/sre'],
  'user:default/dave': ['group:default/dba'],
};

function credentialsOf(principal: Principal): BackstageCredentials {
  switch (principal) {
    case 'none':
      return mockCredentials.none();
    case 'service':
      return mockCredentials.service('external:ci');
    case 'metricsOnlyService':
      // An external-access token issued for a read-only dashboard.
      return mockCredentials.service('external:dashboard', {
        permissionNames: ['release-coordinator.metrics.read'],
      });
    default:
      return mockCredentials.user(PRINCIPALS[principal]);
  }
}

/**
 * What the caller must get: an exact status, or `pass` — authorized, so
 * neither 401 nor 403 and never a 5xx (the domain may still answer 400,
 * 404 or 409, e.g. a release whose gates are open).
 */
type Expected = number | 'pass';

/** A 401 without credentials, then one expectation for every caller. */
function everyone(expected: Expected): Record<Principal, Expected> {
  return {
    none: 401,
    guest: expected,
    owner: expected,
    nonOwner: expected,
    sre: expected,
    dba: expected,
    service: expected,
    metricsOnlyService: expected,
  };
}

/** Readable by every user and service; not by a token for metrics only. */
const READ = { ...everyone('pass'), metricsOnlyService: 403 };
/** Metrics and cost: the dashboard token too. */
const METRICS = everyone('pass');
/** Machine input (events.push): services and the privileged group only. */
const PUSH: Record<Principal, Expected> = {
  none: 401,
  guest: 403,
  owner: 403,
  nonOwner: 403,
  sre: 'pass',
  dba: 403,
  service: 'pass',
  metricsOnlyService: 403,
};
/** Owners and the privileged group (waive, rollback, changing others' releases). */
const OWNERS: Record<Principal, Expected> = {
  none: 401,
  guest: 'pass',
  owner: 'pass',
  nonOwner: 403,
  sre: 'pass',
  dba: 403,
  service: 'pass',
  metricsOnlyService: 403,
};

interface Row {
  /** `METHOD /path` exactly as in openapi.yaml. */
  operation: string;
  /** What this row tries (several rows may cover one operation). */
  what: string;
  /** The request; `releaseId` is a fresh release created by guest. */
  request(
    releaseId: string,
    n: number,
  ): {
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
  };
  expected: Record<Principal, Expected>;
}

const ENTITY = '/entities/component/default/payments-api';
const plan = {
  strategy: 'blue-green',
  zeroDowntime: true,
  hasDatabaseMigrations: false,
  hasConfigChanges: false,
};

const ROWS: Row[] = [
  {
    operation: 'GET /health',
    what: 'liveness, open to all',
    request: () => ({ path: '/health' }),
    expected: { ...everyone(200), none: 200 },
  },
  {
    operation: 'GET /entities/{kind}/{namespace}/{name}/releases',
    what: 'list releases',
    request: () => ({ path: `${ENTITY}/releases` }),
    expected: READ,
  },
  {
    operation: 'POST /entities/{kind}/{namespace}/{name}/releases',
    what: 'create a release',
    request: (_id, n) => ({
      path: `${ENTITY}/releases`,
      body: { version: `7.0.${n}`, environment: 'production', plan },
    }),
    expected: { ...everyone('pass'), metricsOnlyService: 403 },
  },
  {
    operation: 'GET /releases/{id}',
    what: 'read a release',
    request: id => ({ path: `/releases/${id}` }),
    expected: READ,
  },
  {
    operation: 'PATCH /releases/{id}',
    what: "change guest's release (drop a gate)",
    request: id => ({
      path: `/releases/${id}`,
      body: { plan: { ...plan, hasConfigChanges: true } },
    }),
    // guest is the creator; alice owns the entity; carol is privileged.
    expected: OWNERS,
  },
  {
    operation: 'PUT /releases/{id}/checklist/{itemId}',
    what: 'attest a manual item without a role',
    request: id => ({
      path: `/releases/${id}/checklist/deployment-plan-documented`,
      body: { status: 'passed', evidenceUrl: 'https://wiki.example.com/plan' },
    }),
    expected: { ...everyone('pass'), metricsOnlyService: 403 },
  },
  {
    operation: 'PUT /releases/{id}/checklist/{itemId}',
    what: 'waive an automatic item',
    request: id => ({
      path: `/releases/${id}/checklist/security-scan`,
      body: { status: 'waived', comment: 'scanner outage, accepted risk' },
    }),
    expected: OWNERS,
  },
  {
    operation: 'POST /releases/{id}/evidence',
    what: 'push passing evidence',
    request: id => ({
      path: `/releases/${id}/evidence`,
      body: {
        items: [{ itemId: 'security-scan', status: 'passed', source: 'ci' }],
      },
    }),
    expected: PUSH,
  },
  {
    operation: 'POST /releases/{id}/reports',
    what: 'push a passing JUnit report',
    request: id => ({
      path: `/releases/${id}/reports?format=junit`,
      body:
        '<?xml version="1.0"?><testsuites><testsuite name="unit" tests="2" ' +
        'failures="0" errors="0"><testcase name="a"/><testcase name="b"/>' +
        '</testsuite></testsuites>',
      headers: { 'content-type': 'application/xml' },
    }),
    expected: PUSH,
  },
  {
    operation: 'POST /releases/{id}/notify-team',
    what: 'notify the owners',
    request: id => ({ path: `/releases/${id}/notify-team`, body: {} }),
    expected: { ...everyone('pass'), metricsOnlyService: 403 },
  },
  {
    operation: 'POST /releases/{id}/approvals',
    what: 'approve a release whose gates are open',
    request: id => ({
      path: `/releases/${id}/approvals`,
      body: { decision: 'approve' },
    }),
    // Permission for every user; then the domain: the creator (guest) is
    // excluded, and only owners or SRE are eligible production approvers.
    expected: {
      none: 401,
      guest: 403,
      owner: 'pass',
      nonOwner: 403,
      sre: 'pass',
      dba: 403,
      service: 403,
      metricsOnlyService: 403,
    },
  },
  {
    operation: 'GET /releases/{id}/audit',
    what: 'read the audit trail',
    request: id => ({ path: `/releases/${id}/audit` }),
    expected: READ,
  },
  {
    operation: 'GET /entities/{kind}/{namespace}/{name}/deployments',
    what: 'list deployments',
    request: () => ({ path: `${ENTITY}/deployments` }),
    expected: READ,
  },
  {
    operation: 'GET /entities/{kind}/{namespace}/{name}/incidents',
    what: 'list incidents',
    request: () => ({ path: `${ENTITY}/incidents` }),
    expected: READ,
  },
  {
    operation: 'GET /entities/{kind}/{namespace}/{name}/environments',
    what: 'what runs where',
    request: () => ({ path: `${ENTITY}/environments` }),
    expected: READ,
  },
  {
    operation: 'GET /entities/{kind}/{namespace}/{name}/rollbacks',
    what: 'list rollbacks',
    request: () => ({ path: `${ENTITY}/rollbacks` }),
    expected: READ,
  },
  {
    operation: 'GET /entities/{kind}/{namespace}/{name}/rollbacks/plan',
    what: 'plan a rollback',
    request: () => ({
      path: `${ENTITY}/rollbacks/plan?environment=production`,
    }),
    expected: READ,
  },
  {
    operation: 'GET /entities/{kind}/{namespace}/{name}/gate',
    what: 'ask the deploy gate (CI polls it)',
    request: () => ({
      path: `${ENTITY}/gate?environment=production&version=7.0.0`,
    }),
    expected: READ,
  },
  {
    operation: 'POST /entities/{kind}/{namespace}/{name}/rollbacks',
    what: 'roll production back',
    request: (_id, n) => ({
      path: `${ENTITY}/rollbacks`,
      body: { environment: 'production', reason: 'matrix' },
      headers: { 'idempotency-key': `matrix-${n}` },
    }),
    expected: OWNERS,
  },
  {
    operation: 'GET /rollbacks/{id}',
    what: 'read an unknown rollback',
    request: () => ({
      path: '/rollbacks/00000000-0000-4000-8000-000000000000',
    }),
    expected: { ...everyone(404) },
  },
  {
    operation: 'POST /events/deployments',
    what: 'push a deployment',
    request: (_id, n) => ({
      path: '/events/deployments',
      body: {
        entityRef: 'component:default/payments-api',
        source: 'matrix',
        externalId: `deployment-${n}`,
        kind: 'deploy',
        environment: 'staging',
        version: '7.0.0',
        status: 'succeeded',
        startedAt: '2026-12-01T10:00:00Z',
        finishedAt: '2026-12-01T10:05:00Z',
      },
    }),
    expected: PUSH,
  },
  {
    operation: 'POST /events/incidents',
    what: 'push an incident',
    request: (_id, n) => ({
      path: '/events/incidents',
      body: {
        entityRef: 'component:default/payments-api',
        source: 'matrix',
        externalId: `incident-${n}`,
        severity: 'critical',
        title: 'forged outage',
        environment: 'production',
        startedAt: '2026-12-01T10:10:00Z',
      },
    }),
    expected: PUSH,
  },
  {
    operation: 'POST /events/costs',
    what: 'push a cost record',
    request: () => ({
      path: '/events/costs',
      body: {
        entityRef: 'component:default/payments-api',
        date: '2026-12-01',
        amount: 12.5,
        currency: 'USD',
        source: 'matrix',
      },
    }),
    expected: PUSH,
  },
  {
    operation: 'POST /webhooks/{handlerPath}',
    what: 'a webhook without a handler (open route; handlers verify senders)',
    request: () => ({ path: '/webhooks/nothing-installed', body: {} }),
    expected: { ...everyone(404), none: 404 },
  },
  {
    operation: 'GET /entities/{kind}/{namespace}/{name}/metrics',
    what: 'read metrics',
    request: () => ({ path: `${ENTITY}/metrics?window=30d` }),
    expected: METRICS,
  },
  {
    operation: 'GET /entities/{kind}/{namespace}/{name}/metrics/breakdown',
    what: 'read the breakdown',
    request: () => ({ path: `${ENTITY}/metrics/breakdown?window=30d` }),
    expected: METRICS,
  },
  {
    operation: 'GET /entities/{kind}/{namespace}/{name}/metrics/series',
    what: 'read a series',
    request: () => ({
      path: `${ENTITY}/metrics/series?metric=deploymentFrequency&window=30d`,
    }),
    expected: METRICS,
  },
  {
    operation: 'GET /entities/{kind}/{namespace}/{name}/metrics/evidence',
    what: 'read the rows behind a metric',
    request: () => ({
      path: `${ENTITY}/metrics/evidence?metric=changeFailureRate&window=30d`,
    }),
    expected: METRICS,
  },
  {
    operation: 'GET /entities/{kind}/{namespace}/{name}/costs',
    what: 'read cost',
    request: () => ({ path: `${ENTITY}/costs` }),
    expected: METRICS,
  },
  {
    operation:
      'GET /cost-insights/entities/{kind}/{namespace}/{name}/daily-cost',
    what: 'read cost as Cost Insights',
    request: () => ({
      path: `/cost-insights${ENTITY}/daily-cost?intervals=R2/P30D/2026-12-01`,
    }),
    expected: METRICS,
  },
];

/** Every operation of openapi.yaml as `METHOD /path`. */
function specOperations(): string[] {
  const spec = YAML.parse(fs.readFileSync(specFile, 'utf8'));
  return Object.entries(spec.paths as Record<string, object>).flatMap(
    ([route, item]) =>
      Object.keys(item)
        .filter(method =>
          ['get', 'post', 'put', 'patch', 'delete'].includes(method),
        )
        .map(method => `${method.toUpperCase()} ${route}`),
  );
}

/**
 * The portal's httpAuth, with the matrix's callers as tokens
 * (`Bearer matrix:<principal>`); every other token (plugin-to-plugin calls
 * of the permission framework) is checked by the mock auth service.
 */
function matrixHttpAuth() {
  return createServiceFactory({
    service: coreServices.httpAuth,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }): HttpAuthService => {
      const auth = mockServices.auth({ pluginId: plugin.getId() });
      return {
        async credentials(req, options) {
          const header = req.headers.authorization;
          const token = header?.match(/^Bearer (.+)$/)?.[1];
          let credentials: BackstageCredentials;
          if (!token) {
            credentials = mockCredentials.none();
          } else if (token.startsWith('matrix:')) {
            credentials = credentialsOf(token.slice(7) as Principal);
          } else {
            credentials = await auth.authenticate(token);
          }
          const type = (credentials.principal as { type: string }).type;
          const allow = (options?.allow ?? ['user', 'service']) as string[];
          if (!allow.includes(type)) {
            if (type === 'none') {
              throw new AuthenticationError('Missing credentials');
            }
            throw new NotAllowedError(
              `Principals of type ${type} are not allowed`,
            );
          }
          return credentials as any;
        },
        async issueUserCookie() {
          return { expiresAt: new Date(Date.now() + 3_600_000) };
        },
      };
    },
  });
}

/**
 * The portal's permission decisions, in process: service principals through
 * Backstage's own ServerPermissionClient (which applies a token's
 * accessRestrictions), users through the portal's real policy, with its
 * conditional decisions (entity owner) evaluated by the catalog's own
 * permission rules on the entity. The mock auth services of the test
 * backend cannot carry user identities to a permission backend over HTTP,
 * which is why the policy runs here rather than behind one.
 */
function matrixPermissions() {
  const policy = new ReleaseCoordinatorPermissionPolicy({
    privilegedGroups: ['group:default/sre'],
  });
  const isAllowed = createConditionAuthorizer(Object.values(permissionRules));
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {
      auth: coreServices.auth,
      discovery: coreServices.discovery,
      config: coreServices.rootConfig,
      userInfo: coreServices.userInfo,
      catalog: catalogServiceRef,
    },
    factory: ({ auth, discovery, config, userInfo, catalog }) => {
      const services = ServerPermissionClient.fromConfig(config, {
        auth,
        discovery,
      });
      const decide = async (
        requests: Array<{ permission: any; resourceRef?: string }>,
        credentials: BackstageCredentials,
        conditional: boolean,
      ): Promise<PolicyDecision[]> => {
        const info = auth.isPrincipal(credentials, 'user')
          ? await userInfo.getUserInfo(credentials)
          : undefined;
        return Promise.all(
          requests.map(async ({ permission, resourceRef }) => {
            const decision = await policy.handle(
              { permission },
              info && { credentials, info },
            );
            if (decision.result !== AuthorizeResult.CONDITIONAL) {
              return decision;
            }
            if (conditional) {
              return decision;
            }
            // The entity as the catalog has processed it (with its
            // ownedBy relations, which the owner rule reads).
            const entity = resourceRef
              ? await catalog.getEntityByRef(resourceRef, {
                  credentials: await auth.getOwnServiceCredentials(),
                })
              : undefined;
            return {
              result: isAllowed(decision, entity)
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
            };
          }),
        );
      };
      return {
        async authorize(requests: any[], options: any) {
          if (auth.isPrincipal(options.credentials, 'service')) {
            return services.authorize(requests, options);
          }
          return decide(requests, options.credentials, false) as any;
        },
        async authorizeConditional(queries: any[], options: any) {
          if (auth.isPrincipal(options.credentials, 'service')) {
            return services.authorizeConditional(queries, options);
          }
          return decide(queries, options.credentials, true) as any;
        },
      };
    },
  });
}

describe('permission matrix', () => {
  let orgDir: string;

  beforeAll(() => {
    orgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'permission-matrix-'));
    fs.writeFileSync(path.join(orgDir, 'org.yaml'), ORG);
  });

  afterAll(() => {
    fs.rmSync(orgDir, { recursive: true, force: true });
  });

  it('has a row for every operation of openapi.yaml, and only for those', () => {
    const operations = specOperations();
    const covered = new Set(ROWS.map(row => row.operation));
    expect(operations.filter(op => !covered.has(op))).toEqual([]);
    expect([...covered].filter(op => !operations.includes(op))).toEqual([]);
  });

  /** Starts the portal's backend on the database; `call` sends a request as a principal. */
  async function startPortal(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId as TestDatabaseId);
    const { server } = await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        catalogPlugin,
        notificationsPlugin,
        matrixPermissions(),
        matrixHttpAuth(),
        // The release coordinator on the database under test; the
        // catalog and the permission backend each on their own SQLite.
        createServiceFactory({
          service: coreServices.database,
          deps: { plugin: coreServices.pluginMetadata },
          factory: async ({ plugin }) => {
            const client =
              plugin.getId() === 'release-coordinator'
                ? knex
                : await databases.init('SQLITE_3');
            return { getClient: async () => client };
          },
        }),
        mockServices.userInfo.mock({
          getUserInfo: async credentials => {
            const ref = (credentials.principal as { userEntityRef: string })
              .userEntityRef;
            return {
              userEntityRef: ref,
              ownershipEntityRefs: [ref, ...(GROUPS[ref] ?? [])],
            };
          },
        }).factory,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            permission: { enabled: true },
            catalog: {
              rules: [{ allow: ['Component', 'Group', 'User', 'Location'] }],
              locations: [
                { type: 'file', target: path.join(orgDir, 'org.yaml') },
              ],
            },
            releaseCoordinator: {
              environments: [
                { name: 'staging' },
                {
                  name: 'production',
                  requiredApprovals: 1,
                  approvers: ['owner', 'group:default/sre'],
                },
              ],
              roles: { 'database-admin': ['group:default/dba'] },
              demo: { enabled: false },
            },
          },
        }),
      ],
    });
    const base = `http://localhost:${
      (server.address() as { port: number }).port
    }/api/release-coordinator`;

    const call = async (
      principal: Principal,
      method: string,
      target: {
        path: string;
        body?: unknown;
        headers?: Record<string, string>;
      },
    ) =>
      fetch(`${base}${target.path}`, {
        method,
        headers: {
          ...(principal !== 'none' && {
            authorization: `Bearer matrix:${principal}`,
          }),
          ...(target.body !== undefined && {
            'content-type':
              typeof target.body === 'string'
                ? 'application/octet-stream'
                : 'application/json',
          }),
          ...target.headers,
        },
        // A string is a raw file (reports); anything else is JSON.
        body:
          target.body === undefined || typeof target.body === 'string'
            ? (target.body as string | undefined)
            : JSON.stringify(target.body),
      });

    // The catalog reads its file location in the background.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const probe = await call('guest', 'GET', { path: `${ENTITY}/releases` });
      if (probe.status === 200) break;
      if (Date.now() > deadline) {
        throw new Error(
          `catalog not ready: ${probe.status} ${await probe.text()}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }

    return { call };
  }

  it.each(databases.eachSupportedId())(
    'answers every caller of every route as the table says, on %p',
    async databaseId => {
      const { call } = await startPortal(databaseId as TestDatabaseId);

      let n = 0;
      const failures: string[] = [];
      for (const row of ROWS) {
        const method = row.operation.split(' ')[0];
        for (const principal of PRINCIPAL_NAMES) {
          n += 1;
          // A fresh release of guest for each call, so no call sees
          // another's changes.
          const created = await call('guest', 'POST', {
            path: `${ENTITY}/releases`,
            body: { version: `1.0.${n}`, environment: 'production', plan },
          });
          expect(created.status).toBe(201);
          const releaseId = (
            (await created.json()) as { release: { id: string } }
          ).release.id;

          const response = await call(
            principal,
            method,
            row.request(releaseId, n),
          );
          const expected = row.expected[principal];
          const ok =
            expected === 'pass'
              ? ![401, 403].includes(response.status) && response.status < 500
              : response.status === expected;
          if (!ok) {
            failures.push(
              `${row.operation} (${
                row.what
              }) as ${principal}: expected ${expected}, got ${
                response.status
              } ${await response.text()}`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses every known way around a gate and changes nothing, on %p',
    async databaseId => {
      const { call } = await startPortal(databaseId as TestDatabaseId);
      const json = async (response: Response) => (await response.json()) as any;
      const read = async (target: string) =>
        json(await call('service', 'GET', { path: target }));
      const deployment = (status: string, environment = 'production') => ({
        entityRef: 'component:default/payments-api',
        source: 'ci',
        externalId: `prod-deploy-${environment}`,
        kind: 'deploy',
        environment,
        version: '7.1.0',
        status,
        startedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
        finishedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      });
      const incident = {
        entityRef: 'component:default/payments-api',
        source: 'forged',
        externalId: 'outage-1',
        severity: 'critical',
        title: 'forged outage',
        environment: 'production',
        startedAt: new Date(Date.now() - 60_000).toISOString(),
      };

      // 1. bob (not an owner) forges a production deploy and a critical
      //    incident right after it, hoping the automation rolls back.
      const forgedDeploy = await call('nonOwner', 'POST', {
        path: '/events/deployments',
        body: deployment('succeeded'),
      });
      expect(forgedDeploy.status).toBe(403);
      expect((await json(forgedDeploy)).error.message).toContain(
        'component:default/payments-api',
      );
      const forgedIncident = await call('nonOwner', 'POST', {
        path: '/events/incidents',
        body: incident,
      });
      expect(forgedIncident.status).toBe(403);
      expect((await read(`${ENTITY}/deployments`)).items).toEqual([]);
      expect((await read(`${ENTITY}/incidents`)).items).toEqual([]);
      expect((await read(`${ENTITY}/rollbacks`)).items).toEqual([]);

      // 2. CI records a succeeded deployment; bob re-sends its
      //    (source, externalId) as failed to settle it otherwise.
      const real = await call('service', 'POST', {
        path: '/events/deployments',
        body: deployment('succeeded', 'staging'),
      });
      expect(real.status).toBe(200);
      const flip = await call('nonOwner', 'POST', {
        path: '/events/deployments',
        body: deployment('failed', 'staging'),
      });
      expect(flip.status).toBe(403);
      const [stored] = (await read(`${ENTITY}/deployments`)).items;
      expect(stored.status).toBe('succeeded');

      // 3. Passing security-scan evidence for guest's release, by bob and
      //    by a dashboard token restricted to metrics.read.
      const created = await call('guest', 'POST', {
        path: `${ENTITY}/releases`,
        body: {
          version: '7.2.0',
          environment: 'production',
          plan: { ...plan, hasDatabaseMigrations: true },
        },
      });
      expect(created.status).toBe(201);
      const releaseId = (await json(created)).release.id as string;
      const before = await read(`/releases/${releaseId}`);
      expect(before.release.plan.hasDatabaseMigrations).toBe(true);
      expect(before.checklist.length).toBeGreaterThan(10);
      for (const principal of ['nonOwner', 'metricsOnlyService'] as const) {
        const evidence = await call(principal, 'POST', {
          path: `/releases/${releaseId}/evidence`,
          body: {
            items: [
              { itemId: 'security-scan', status: 'passed', source: 'ci' },
            ],
          },
        });
        expect(evidence.status).toBe(403);
      }

      // 4. bob drops hasDatabaseMigrations from guest's release, removing
      //    the database-admin gate after the fact.
      const patch = await call('nonOwner', 'PATCH', {
        path: `/releases/${releaseId}`,
        body: { plan },
      });
      expect(patch.status).toBe(403);

      // 5. The dashboard token waives a gate and pushes an incident.
      const waive = await call('metricsOnlyService', 'PUT', {
        path: `/releases/${releaseId}/checklist/security-scan`,
        body: { status: 'waived', comment: 'dashboard says fine' },
      });
      expect(waive.status).toBe(403);
      const dashboardIncident = await call('metricsOnlyService', 'POST', {
        path: '/events/incidents',
        body: incident,
      });
      expect(dashboardIncident.status).toBe(403);

      const after = await read(`/releases/${releaseId}`);
      expect(after.release.plan).toEqual(before.release.plan);
      expect(after.checklist).toEqual(before.checklist);
      expect(after.approvals).toEqual(before.approvals);
      expect(after.checklist.map((item: { id: string }) => item.id)).toContain(
        'db-migration-tested',
      );
      expect((await read(`${ENTITY}/incidents`)).items).toEqual([]);
      expect((await read(`${ENTITY}/rollbacks`)).items).toEqual([]);
      expect(
        (await read(`/releases/${releaseId}/audit`)).items.map(
          (event: { action: string }) => event.action,
        ),
      ).toEqual(['release.created']);
    },
  );
});

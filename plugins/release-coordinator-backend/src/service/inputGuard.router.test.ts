import { TestDatabaseId } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { simplePlan } from '../releases/__testUtils__/fixtures';
import {
  base,
  brokenEntityPath,
  carol,
  ci,
  entityPath,
  GuardBackend,
  startGuardBackend,
} from './__testUtils__/guardBackend';
import { PATH_TEMPLATES } from './inputGuard';

jest.setTimeout(120_000);

/*
 * The request shapes PostgreSQL used to answer with 500 (issue 15): each is
 * a 400 naming the field on SQLite and PostgreSQL, and changes nothing.
 */

const databases = createTestDatabases();

const NUL = 'a\u0000b';
const HIGH = 'a\ud800b';
const LOW = 'a\udc00b';
const INVALID = 'must not contain NUL or invalid characters';

type Method = 'get' | 'post' | 'put' | 'patch';

interface Shape {
  name: string;
  method: Method;
  url: (b: GuardBackend) => string;
  body?: (b: GuardBackend) => unknown;
  headers?: Record<string, string>;
  /** The start of the expected error message. */
  message: string | RegExp;
}

const release = (b: GuardBackend) => `${base}/releases/${b.releaseId}`;
const createBody = (fields: object) => ({
  version: '2.0.0',
  environment: 'staging',
  plan: simplePlan,
  ...fields,
});

const shapes: Shape[] = [
  ...[NUL, HIGH, LOW].map(
    (bad): Shape => ({
      name: `version ${JSON.stringify(bad)}`,
      method: 'post',
      url: () => `${entityPath}/releases`,
      body: () => createBody({ version: bad }),
      message: `body.version: ${INVALID}`,
    }),
  ),
  {
    name: 'artifactDigest on create',
    method: 'post',
    url: () => `${entityPath}/releases`,
    body: () => createBody({ artifactDigest: NUL }),
    message: `body.artifactDigest: ${INVALID}`,
  },
  {
    name: 'plan.notes on create',
    method: 'post',
    url: () => `${entityPath}/releases`,
    body: () => createBody({ plan: { ...simplePlan, notes: HIGH } }),
    message: `body.plan.notes: ${INVALID}`,
  },
  {
    name: 'artifactDigest on update',
    method: 'patch',
    url: release,
    body: () => ({ artifactDigest: NUL }),
    message: `body.artifactDigest: ${INVALID}`,
  },
  {
    name: 'checklist comment',
    method: 'put',
    url: b => `${release(b)}/checklist/${b.itemId}`,
    body: () => ({ status: 'passed', comment: NUL }),
    message: `body.comment: ${INVALID}`,
  },
  {
    name: 'waive reason',
    method: 'put',
    url: b => `${release(b)}/checklist/${b.itemId}`,
    body: () => ({ status: 'waived', comment: LOW }),
    message: `body.comment: ${INVALID}`,
  },
  {
    name: 'evidence value',
    method: 'post',
    url: b => `${release(b)}/evidence`,
    body: b => ({
      items: [{ itemId: b.itemId, status: 'passed', source: 'ci', value: NUL }],
    }),
    message: `body.items.0.value: ${INVALID}`,
  },
  {
    name: 'approval comment',
    method: 'post',
    url: b => `${release(b)}/approvals`,
    body: () => ({ decision: 'approve', comment: NUL }),
    message: `body.comment: ${INVALID}`,
  },
  {
    name: 'freeze override reason',
    method: 'post',
    url: b => `${release(b)}/approvals`,
    body: () => ({ decision: 'approve', overrideFreeze: { reason: HIGH } }),
    message: `body.overrideFreeze.reason: ${INVALID}`,
  },
  {
    name: 'a property name',
    method: 'post',
    url: b => `${release(b)}/approvals`,
    body: () => ({ decision: 'approve', [NUL]: 1 }),
    message: `body (a property name): ${INVALID}`,
  },
  {
    name: 'targetDeploymentId',
    method: 'post',
    url: () => `${entityPath}/rollbacks`,
    headers: { 'Idempotency-Key': 'guard-1' },
    body: () => ({
      environment: 'staging',
      reason: 'bad release',
      targetDeploymentId: NUL,
    }),
    message: `body.targetDeploymentId: ${INVALID}`,
  },
  {
    name: 'rollback reason',
    method: 'post',
    url: () => `${entityPath}/rollbacks`,
    headers: { 'Idempotency-Key': 'guard-2' },
    body: () => ({ environment: 'staging', reason: HIGH }),
    message: `body.reason: ${INVALID}`,
  },
  {
    name: 'a pushed deployment',
    method: 'post',
    url: () => `${base}/events/deployments`,
    body: () => [
      {
        entityRef: 'component:default/payments',
        environment: 'staging',
        source: 'ci',
        externalId: 'run-2',
        version: HIGH,
        kind: 'deploy',
        status: 'succeeded',
        startedAt: '2026-11-02T10:00:00.000Z',
      },
    ],
    message: `body.0.version: ${INVALID}`,
  },
  ...(['kind', 'namespace', 'name'] as const).map(
    (param): Shape => ({
      name: `path ${param}`,
      method: 'get',
      url: () =>
        `${base}/entities/${param === 'kind' ? 'comp%00onent' : 'component'}/${
          param === 'namespace' ? 'def%00ault' : 'default'
        }/${param === 'name' ? 'pay%00ments' : 'payments'}/releases`,
      message: `path.${param}: ${INVALID}`,
    }),
  ),
  ...['', '/audit', '/approvals', '/notify-team'].map(
    (suffix): Shape => ({
      name: `path id of /releases/:id${suffix}`,
      method: suffix === '' || suffix === '/audit' ? 'get' : 'post',
      url: () => `${base}/releases/rel%00ease${suffix}`,
      body: () => ({ decision: 'approve' }),
      message: `path.id: ${INVALID}`,
    }),
  ),
  {
    name: 'path itemId',
    method: 'put',
    url: b => `${release(b)}/checklist/it%00em`,
    body: () => ({ status: 'passed' }),
    message: `path.itemId: ${INVALID}`,
  },
  {
    name: 'path id of /rollbacks/:id',
    method: 'get',
    url: () => `${base}/rollbacks/%00`,
    message: `path.id: ${INVALID}`,
  },
  {
    name: 'path of the daily-cost route',
    method: 'get',
    url: () =>
      `${base}/cost-insights/entities/component/default/pay%00/daily-cost?intervals=R2/P1D/2026-11-30`,
    message: `path.name: ${INVALID}`,
  },
  ...[
    'releases',
    'deployments',
    'incidents',
    'rollbacks',
    'rollbacks/plan',
    'metrics',
    'metrics/breakdown',
    'metrics/series?metric=deploymentFrequency&',
  ].map(
    (route): Shape => ({
      name: `?environment= on ${route}`,
      method: 'get',
      url: () =>
        `${entityPath}/${route}${
          route.includes('?') ? '' : '?'
        }environment=prod%00`,
      message: `query.environment: ${INVALID}`,
    }),
  ),
  {
    name: 'a query key',
    method: 'get',
    url: () => `${entityPath}/deployments?env%00=1`,
    message: `query (a property name): ${INVALID}`,
  },
  ...[
    '0001-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '+010000-01-01T00:00:00Z',
  ].map(
    (end): Shape => ({
      name: `metrics end=${end}`,
      method: 'get',
      url: () => `${entityPath}/metrics?end=${encodeURIComponent(end)}`,
      message: /^Invalid query: end: /,
    }),
  ),
  {
    name: 'metrics/series end out of range',
    method: 'get',
    url: () =>
      `${entityPath}/metrics/series?metric=deploymentFrequency&end=0001-01-01T00:00:00Z`,
    message: 'Invalid query: end: must be between 1970-01-01 and 9999-12-31',
  },
  ...[1e308, 1e12 + 1, -1].map(
    (amount): Shape => ({
      name: `cost amount ${amount}`,
      method: 'post',
      url: () => `${base}/events/costs`,
      body: () => ({
        entityRef: 'component:default/payments',
        date: '2026-11-01',
        source: 'aws',
        amount,
        currency: 'USD',
      }),
      message: /amount: must/,
    }),
  ),
  {
    name: 'cost day before 1970',
    method: 'get',
    url: () => `${entityPath}/costs?from=0000-01-01`,
    message: /^Invalid query: from: /,
  },
  {
    name: '256-character version',
    method: 'post',
    url: () => `${entityPath}/releases`,
    body: () => createBody({ version: 'v'.repeat(256) }),
    message: /^Invalid body: version: /,
  },
];

/** The expected error message: exactly a string, or matching a pattern. */
function messageMatcher(message: string | RegExp) {
  return typeof message === 'string' ? message : expect.stringMatching(message);
}

describe.each(databases.eachSupportedId())(
  'the input guard, %p',
  (databaseId: TestDatabaseId) => {
    let backend: GuardBackend;

    beforeAll(async () => {
      backend = await startGuardBackend(await databases.init(databaseId));
    });

    it.each(shapes.map(shape => [shape.name, shape] as const))(
      'refuses %s with 400 naming the field, changing nothing',
      async (_name, shape) => {
        const before = await backend.snapshot();
        let call = request(backend.server)
          [shape.method](shape.url(backend))
          .set('Authorization', ci);
        for (const [header, value] of Object.entries(shape.headers ?? {})) {
          call = call.set(header, value);
        }
        const response = await (shape.body
          ? call.send(shape.body(backend) as object)
          : call);
        expect(response.status).toBe(400);
        expect(response.body.error.message).toEqual(
          messageMatcher(shape.message),
        );
        expect(await backend.snapshot()).toBe(before);
      },
    );

    it.each([
      ['a 300-character delivery id', 'd'.repeat(300)],
      ['a delivery id with NUL', 'd\u0000-1'],
      ['a delivery id with a lone surrogate', 'd\ud800-1'],
    ])('dedupes a webhook with %s without a 5xx', async (_name, deliveryId) => {
      const send = () =>
        request(backend.server)
          .post(`${base}/webhooks/echo`)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ deliveryId }));
      const first = await send();
      expect(first.status).toBe(202);
      const again = await send();
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ duplicate: true });
    });

    it('accepts a 255-character version and notifies the team with a bounded title', async () => {
      const version = 'v'.repeat(255);
      const created = await request(backend.server)
        .post(`${entityPath}/releases`)
        .set('Authorization', ci)
        .send(createBody({ version }));
      expect(created.status).toBe(201);
      expect(created.body.release.version).toBe(version);
      const notified = await request(backend.server)
        .post(`${base}/releases/${created.body.release.id}/notify-team`)
        .set('Authorization', carol);
      expect(notified.status).toBe(200);
      const title = backend.sent[backend.sent.length - 1].payload.title;
      expect(title.length).toBeLessThanOrEqual(255);
      expect(title).toMatch(/^Release vvv+…$/);
    });

    it('keeps valid text with surrogate pairs and other code points', async () => {
      const version = '2.0.0-🚀-ü-\u2028-\ufffe';
      const created = await request(backend.server)
        .post(`${entityPath}/releases`)
        .set('Authorization', ci)
        .send(createBody({ version }));
      expect(created.status).toBe(201);
      const read = await request(backend.server)
        .get(`${base}/releases/${created.body.release.id}`)
        .set('Authorization', ci);
      expect(read.body.release.version).toBe(version);
    });

    it('answers a catalog failure with 502 and its own message, no upstream stack', async () => {
      const before = await backend.snapshot();
      const response = await request(backend.server)
        .post(`${brokenEntityPath}/releases`)
        .set('Authorization', ci)
        .send(createBody({}));
      expect(response.status).toBe(502);
      expect(response.body.error).toEqual({
        name: 'UpstreamServiceError',
        statusCode: 502,
        message:
          'Could not look up component:default/broken in the catalog: the catalog service failed (HTTP 500)',
      });
      expect(JSON.stringify(response.body)).not.toMatch(
        /exploded|internal\.js/,
      );
      expect(await backend.snapshot()).toBe(before);
    });

    it('answers a catalog failure on reads with 502 too', async () => {
      const response = await request(backend.server)
        .get(`${brokenEntityPath}/deployments`)
        .set('Authorization', ci);
      expect(response.status).toBe(502);
      expect(response.body.error.name).toBe('UpstreamServiceError');
    });
  },
);

describe('PATH_TEMPLATES', () => {
  it('covers every path parameter of openapi.yaml', () => {
    const spec = fs.readFileSync(
      path.resolve(__dirname, '../schema/openapi.yaml'),
      'utf8',
    );
    const documented = [...spec.matchAll(/^ {2}(\/\S*):\s*$/gm)].map(
      match => match[1],
    );
    const withParams = documented.filter(route => route.includes('{'));
    expect(withParams.length).toBeGreaterThan(0);
    for (const route of withParams) {
      const express = route.replace(/\{(\w+)\}/g, ':$1');
      const covered = PATH_TEMPLATES.some(template => {
        const parts = template.split('/');
        const routeParts = express.split('/');
        return (
          parts.length <= routeParts.length &&
          parts.every((part, i) => part === routeParts[i]) &&
          // every parameter of the route lies inside the template
          routeParts.slice(parts.length).every(part => !part.startsWith(':'))
        );
      });
      expect({ route, covered }).toEqual({ route, covered: true });
    }
  });
});

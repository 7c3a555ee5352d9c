import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { DeploymentInput } from '@release-coordinator/backstage-plugin-common';
import {
  DeploymentProvider,
  RollbackExecution,
  RollbackRequest,
} from '@release-coordinator/backstage-plugin-node';
import knexFactory, { Knex } from 'knex';
import { AddressInfo } from 'node:net';
import http from 'node:http';
import request from 'supertest';
import { DatabaseReleaseStore } from '../database/DatabaseReleaseStore';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { releaseCoordinatorPlugin } from '../plugin';
import { payments, recordingAuditor } from '../releases/__testUtils__/fixtures';
import { DatabaseRollbackStore } from './DatabaseRollbackStore';
import { RollbackEvents } from './RollbackEvents';
import { RollbackService } from './RollbackService';
import { deploymentProviderModule } from './__testUtils__/rollbackBackend';
import {
  recordingNotifications,
  recordingSignals,
} from './__testUtils__/rollbackFixtures';

/*
 * Exactly once under concurrency (issue 5): two backend instances share one
 * PostgreSQL database, each with its own connection pool, as two replicas
 * behind a load balancer would. Many rollback requests race; the local
 * "CI" server behind the provider must see exactly one rollback call.
 *
 * PostgreSQL comes from BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING.
 * When it is required (RELEASE_COORDINATOR_REQUIRE_POSTGRES=1 or CI=true)
 * and missing the suite fails; otherwise (a developer machine) both
 * instances share one SQLite database instead.
 */

jest.setTimeout(120_000);

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const postgresRequired =
  process.env.RELEASE_COORDINATOR_REQUIRE_POSTGRES === '1' ||
  process.env.CI === 'true';
if (postgresRequired && !process.env[POSTGRES_ENV]) {
  throw new Error(
    `${POSTGRES_ENV} is not set: the rollback concurrency test must run on PostgreSQL when it is required (RELEASE_COORDINATOR_REQUIRE_POSTGRES=1 or CI=true)`,
  );
}
const databaseId = process.env[POSTGRES_ENV] ? 'POSTGRES_15' : 'SQLITE_3';
const databases = TestDatabases.create({
  ids: [databaseId],
  disableDocker: true,
});

const base = '/api/release-coordinator';
const paymentsRef = 'component:default/payments';

function deployment(day: number, version: string): DeploymentInput {
  return {
    entityRef: paymentsRef,
    environment: 'production',
    source: 'ci',
    externalId: `run-${day}`,
    version,
    kind: 'deploy',
    status: 'succeeded',
    startedAt: `2026-11-${day}T10:00:00.000Z`,
    finishedAt: `2026-11-${day}T10:05:00.000Z`,
  };
}

/**
 * A CI server that starts a rollback run per POST and counts them; with
 * `status: 'succeeded'` each run is reported done at once (a fast deploy
 * tool), so the environment's lock is free again right after each call.
 */
async function startCiServer(status = 'queued', delayMs = 0) {
  const calls: Array<{ key: string | undefined; body: unknown }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', async () => {
      if (delayMs > 0) await new Promise(r => setTimeout(r, delayMs));
      if (req.method !== 'POST' || req.url !== '/api/rollbacks') {
        res.writeHead(404).end();
        return;
      }
      calls.push({
        key: req.headers['idempotency-key'] as string | undefined,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      const id = 9000 + calls.length;
      res.writeHead(201, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({
          id,
          status,
          html_url: `http://ci.example/runs/${id}`,
        }),
      );
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

/** The provider a CI module would register: rollbacks are POSTs to the CI. */
class HttpRollbackProvider implements DeploymentProvider {
  readonly id = 'ci';

  constructor(private readonly baseUrl: string) {}

  async pull() {
    return { deployments: [] };
  }

  async rollback(rollback: RollbackRequest): Promise<RollbackExecution> {
    const response = await fetch(`${this.baseUrl}/api/rollbacks`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': rollback.idempotencyKey,
      },
      body: JSON.stringify({
        environment: rollback.environment,
        version: rollback.target.version,
        reason: rollback.reason,
      }),
    });
    if (!response.ok) {
      throw new Error(`CI answered ${response.status}`);
    }
    const run = (await response.json()) as {
      id: number;
      status: RollbackExecution['status'];
      html_url: string;
    };
    return {
      externalId: String(run.id),
      status: run.status,
      url: run.html_url,
    };
  }
}

describe(`rollbacks under concurrency (${databaseId})`, () => {
  let knexA: Knex;
  let knexB: Knex;
  let ci: Awaited<ReturnType<typeof startCiServer>>;
  const stops: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    ci = await startCiServer();
    knexA = await databases.init(databaseId);
    // The second instance gets its own pool to the same database; SQLite
    // in memory cannot be opened twice, so there both share the client.
    knexB =
      databaseId === 'POSTGRES_15'
        ? knexFactory({
            client: 'pg',
            connection: knexA.client.config.connection,
            pool: { min: 0, max: 10 },
          })
        : knexA;
  });

  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    if (knexB !== knexA) await knexB.destroy();
    await ci.close();
  });

  async function startInstance(knex: Knex) {
    const backend = await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        deploymentProviderModule(new HttpRollbackProvider(ci.url)),
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [payments] }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => recordingNotifications(),
        }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => recordingSignals(),
        }),
      ],
    });
    stops.push(() => backend.stop());
    return backend.server;
  }

  it('executes exactly one of 50 concurrent requests spread over two instances', async () => {
    // One after the other, as replicas start: the first migrates.
    const instanceA = await startInstance(knexA);
    const instanceB = await startInstance(knexB);
    const seeded = await request(instanceA)
      .post(`${base}/events/deployments`)
      .set('Authorization', mockCredentials.service.header())
      .send([
        deployment(20, '1.0.0'),
        deployment(21, '1.1.0'),
        deployment(22, '1.2.0'),
      ]);
    expect(seeded.status).toBe(200);

    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(i % 2 === 0 ? instanceA : instanceB)
          .post(`${base}/entities/component/default/payments/rollbacks`)
          .set('Authorization', mockCredentials.user.header())
          // Every fourth request retries one shared key; the rest are new.
          .set('Idempotency-Key', i % 4 === 0 ? 'shared-key' : `key-${i}`)
          .send({ environment: 'production', reason: 'checkout errors' }),
      ),
    );

    expect(ci.calls).toHaveLength(1);
    const statuses = responses.map(r => r.status);
    expect(statuses.filter(s => s !== 202 && s !== 409)).toEqual([]);
    const accepted = responses.filter(r => r.status === 202);
    expect(accepted.length).toBeGreaterThan(0);
    const ids = new Set(accepted.map(r => r.body.rollback.id));
    expect(ids.size).toBe(1);
    const [id] = ids;
    for (const conflict of responses.filter(r => r.status === 409)) {
      expect(conflict.body.error.message).toContain(`rollback ${id} by`);
    }
    const winner = accepted[0].body.rollback;
    expect(winner.state).toBe('running');
    expect(winner.url).toMatch(/^http:\/\/ci\.example\/runs\/9001$/);

    // Both instances agree on what happened.
    for (const server of [instanceA, instanceB]) {
      const list = await request(server)
        .get(`${base}/entities/component/default/payments/rollbacks`)
        .set('Authorization', mockCredentials.user.header());
      expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([id]);
    }
    const rollbackDeployments = await knexA('deployments').where({
      kind: 'rollback',
    });
    expect(rollbackDeployments).toHaveLength(1);
    expect(rollbackDeployments[0].external_id).toBe('9001');
  });

  it('answers 20 same-key requests over two instances with the same 202, never a 409 about itself', async () => {
    // A slow CI: the retries arrive while the first request still runs.
    await ci.close();
    ci = await startCiServer('queued', 300);
    const instanceA = await startInstance(knexA);
    const instanceB = await startInstance(knexB);
    const seeded = await request(instanceA)
      .post(`${base}/events/deployments`)
      .set('Authorization', mockCredentials.service.header())
      .send([deployment(20, '1.0.0'), deployment(21, '1.1.0')]);
    expect(seeded.status).toBe(200);

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(i % 2 === 0 ? instanceA : instanceB)
          .post(`${base}/entities/component/default/payments/rollbacks`)
          .set('Authorization', mockCredentials.user.header())
          .set('Idempotency-Key', 'one-key')
          .send({ environment: 'production', reason: 'checkout errors' }),
      ),
    );

    expect(ci.calls).toHaveLength(1);
    const answers = responses.map(r => ({ status: r.status, body: r.body }));
    expect(answers[0]).toMatchObject({
      status: 202,
      body: { rollback: { state: 'running' } },
    });
    for (const answer of answers) {
      expect(answer).toEqual(answers[0]);
    }
  });

  it('never rolls back from one deployment twice, even when each rollback finishes at once', async () => {
    // Rollbacks that finish immediately free the lock right away, so a
    // request planned before the first one finished would otherwise insert
    // a second rollback from the same deployment.
    await ci.close();
    ci = await startCiServer('succeeded');
    const instanceA = await startInstance(knexA);
    const instanceB = await startInstance(knexB);
    const seeded = await request(instanceA)
      .post(`${base}/events/deployments`)
      .set('Authorization', mockCredentials.service.header())
      .send([
        deployment(20, '1.0.0'),
        deployment(21, '1.1.0'),
        deployment(22, '1.2.0'),
      ]);
    expect(seeded.status).toBe(200);
    const [current] = await knexA('deployments')
      .where({ entity_ref: paymentsRef, external_id: 'run-22' })
      .select('id');

    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(i % 2 === 0 ? instanceA : instanceB)
          .post(`${base}/entities/component/default/payments/rollbacks`)
          .set('Authorization', mockCredentials.user.header())
          .set('Idempotency-Key', `distinct-${i}`)
          .send({ environment: 'production', reason: 'checkout errors' }),
      ),
    );
    const statuses = responses.map(r => r.status);
    expect(statuses.filter(s => s !== 202 && s !== 409)).toEqual([]);

    // Whatever ran, no two effective rollbacks left the same deployment,
    // and exactly one left the deployment that was current.
    const effective = await knexA('rollbacks')
      .whereIn('state', ['pending', 'running', 'succeeded'])
      .select('from_deployment_id');
    const froms = effective.map(row => row.from_deployment_id);
    expect(new Set(froms).size).toBe(froms.length);
    expect(froms.filter(id => id === current.id)).toHaveLength(1);
    expect(ci.calls).toHaveLength(effective.length);
    for (const conflict of responses.filter(r => r.status === 409)) {
      expect(conflict.body.error.message).toMatch(/rollback [0-9a-f-]{36}/);
    }
  });

  it('refuses a rollback planned before another one moved the environment away', async () => {
    await ci.close();
    ci = await startCiServer('succeeded');
    const database = mockServices.database({
      knex: knexA,
      migrations: { skip: false },
    });
    const deployments = await DatabaseDeploymentStore.create({ database });
    const releases = await DatabaseReleaseStore.create({ database });
    const store = await DatabaseRollbackStore.create({ database });
    // The first plan read waits until it is let go: the request planned
    // before the other rollback ran, and inserts after it finished.
    let release: () => void = () => {};
    const held = new Promise<void>(resolve => {
      release = resolve;
    });
    let planReads = 0;
    const slowStore = new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'listSucceededDeployments') {
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (...args: unknown[]) => {
          const first = planReads++ === 0;
          const result = await (value as Function).apply(target, args);
          if (first) await held;
          return result;
        };
      },
    });
    const service = new RollbackService({
      store: slowStore,
      releases,
      catalog: catalogServiceMock({ entities: [payments] }),
      auth: mockServices.auth(),
      deploymentProviders: [new HttpRollbackProvider(ci.url)],
      environments: ['production'],
      settings: { staleAfter: { minutes: 30 } },
      events: new RollbackEvents({
        auditor: recordingAuditor(),
        auditTrail: releases,
      }),
    });
    await deployments.upsertDeployments(
      [
        deployment(20, '1.0.0'),
        deployment(21, '1.1.0'),
        deployment(22, '1.2.0'),
      ].map(d => ({ ...d, commits: [] })),
    );
    const start = (key: string) =>
      service.start({
        entityRef: paymentsRef,
        environment: 'production',
        reason: 'checkout errors',
        idempotencyKey: key,
        initiator: 'user:default/alice',
      });

    const stale = start('planned-first');
    // Let the held request reach its plan read.
    while (planReads === 0) await new Promise(r => setTimeout(r, 5));
    const first = await start('ran-first');
    expect(first.state).toBe('succeeded');
    release();
    await expect(stale).rejects.toThrow(
      new RegExp(`no longer runs 1.2.0: rollback ${first.id}`),
    );
    expect(ci.calls).toHaveLength(1);
    expect(
      await knexA('rollbacks').whereIn('state', [
        'pending',
        'running',
        'succeeded',
      ]),
    ).toHaveLength(1);
  });

  it('lets one of an automated and a manual rollback racing from two instances run', async () => {
    /** The rollback service of one instance, on its own database client. */
    async function instance(knex: Knex) {
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      const deployments = await DatabaseDeploymentStore.create({
        database,
      });
      const releases = await DatabaseReleaseStore.create({ database });
      return {
        deployments,
        service: new RollbackService({
          store: await DatabaseRollbackStore.create({ database }),
          releases,
          catalog: catalogServiceMock({ entities: [payments] }),
          auth: mockServices.auth(),
          deploymentProviders: [new HttpRollbackProvider(ci.url)],
          environments: ['production'],
          settings: { staleAfter: { minutes: 30 } },
          events: new RollbackEvents({
            auditor: recordingAuditor(),
            auditTrail: releases,
          }),
        }),
      };
    }
    // One instance after the other, as replicas start: the first migrates.
    const services = [await instance(knexA), await instance(knexB)];
    const [, current] = await services[0].deployments.upsertDeployments(
      [deployment(20, '1.0.0'), deployment(21, '1.1.0')].map(d => ({
        ...d,
        commits: [],
      })),
    );

    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        services[i % 2].service.start({
          entityRef: paymentsRef,
          environment: 'production',
          reason: i < 5 ? 'critical incident' : 'on-call saw errors',
          idempotencyKey: `race-${i}`,
          initiator: 'user:default/alice',
          ...(i < 5 && {
            automation: {
              incidentId: 'incident-1',
              deploymentId: current.id,
              dryRun: false,
            },
          }),
        }),
      ),
    );

    expect(ci.calls).toHaveLength(1);
    const started = attempts.flatMap(a =>
      a.status === 'fulfilled' ? [a.value.id] : [],
    );
    expect(new Set(started).size).toBe(1);
    const refusals = attempts.flatMap(a =>
      a.status === 'rejected' ? [(a.reason as Error).name] : [],
    );
    expect(refusals.filter(name => name !== 'ConflictError')).toEqual([]);
  });
});

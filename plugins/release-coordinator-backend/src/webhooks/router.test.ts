import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { AuthenticationError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  releaseCoordinatorWebhookHandlersExtensionPoint,
  WebhookHandler,
  WebhookRequest,
  WebhookResult,
} from '@release-coordinator/backstage-plugin-node';
import { Knex } from 'knex';
import request from 'supertest';
import { releaseCoordinatorPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const SERVICE_ANNOTATION = 'prometheus.io/service-name';

function component(name: string, serviceName?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      ...(serviceName && {
        annotations: { [SERVICE_ANNOTATION]: serviceName },
      }),
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:team-a' },
  };
}

/** What the fake sender posts. */
interface FakePayload {
  deliveryId?: string;
  service: string;
  alertId: string;
  /** When set, the handler ingests nothing and says so. */
  ignore?: string;
}

/**
 * A webhook handler like the real ones: verifies a token header (401 via
 * AuthenticationError), finds the entity through the annotation lookup the
 * backend provides, and returns one incident. `seen` records what the
 * backend handed it; `gate` lets a test hold deliveries inside the handler.
 */
function fakeHandler() {
  const seen: WebhookRequest[] = [];
  let gate: Promise<void> = Promise.resolve();
  const handler: WebhookHandler = {
    path: 'fake',
    async handle(req): Promise<WebhookResult> {
      seen.push(req);
      if (req.headers['x-fake-token'] !== 's3cret') {
        throw new AuthenticationError('Bad fake token');
      }
      await gate;
      const payload = req.body as FakePayload;
      if (payload.ignore) {
        return { deliveryId: payload.deliveryId, ignored: [payload.ignore] };
      }
      const [entityRef] = await req.findEntityRefsByAnnotation(
        SERVICE_ANNOTATION,
        payload.service,
      );
      return {
        deliveryId: payload.deliveryId,
        incidents: [
          {
            // An unclaimed service yields an unknown entity: ingestion fails.
            entityRef: entityRef ?? `component:default/${payload.service}`,
            source: 'fake',
            externalId: payload.alertId,
            severity: 'critical',
            title: `Alert ${payload.alertId}`,
            startedAt: '2026-11-26T10:00:00.000Z',
          },
        ],
      };
    },
  };
  return {
    handler,
    seen,
    hold(): () => void {
      let release = () => {};
      gate = new Promise<void>(resolve => {
        release = resolve;
      });
      return release;
    },
  };
}

describe('webhooks router', () => {
  let knex: Knex;
  let fake: ReturnType<typeof fakeHandler>;

  async function startBackend() {
    const fakeModule = createBackendModule({
      pluginId: 'release-coordinator',
      moduleId: 'fake-webhooks',
      register(reg) {
        reg.registerInit({
          deps: { webhooks: releaseCoordinatorWebhookHandlersExtensionPoint },
          async init({ webhooks }) {
            webhooks.addWebhookHandlers(fake.handler);
          },
        });
      },
    });
    const { server } = await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        fakeModule,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({
          entities: [
            component('payments', 'payments-api'),
            component('ledger'),
          ],
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        // Requests without a token are unauthenticated, as for real senders.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    return server;
  }

  function post(server: Awaited<ReturnType<typeof startBackend>>) {
    return (body: string | FakePayload, token = 's3cret', path = 'fake') =>
      request(server)
        .post(`/api/release-coordinator/webhooks/${path}`)
        .set('Content-Type', 'application/json')
        .set('X-Fake-Token', token)
        .send(typeof body === 'string' ? body : JSON.stringify(body));
  }

  const payload: FakePayload = {
    deliveryId: 'delivery-1',
    service: 'payments-api',
    alertId: 'alert-1',
  };

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
    fake = fakeHandler();
  });

  it('ingests a verified delivery without a Backstage token, through the annotation lookup', async () => {
    const server = await startBackend();
    const response = await post(server)(payload);
    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      duplicate: false,
      deployments: [],
      incidents: [{ index: 0, status: 'created', id: expect.any(String) }],
    });
    const incidents = await knex('incidents');
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      entity_ref: 'component:default/payments',
      source: 'fake',
      external_id: 'alert-1',
    });
    expect(await knex('webhook_deliveries')).toEqual([
      expect.objectContaining({
        handler_path: 'fake',
        delivery_id: 'delivery-1',
      }),
    ]);
  });

  it('answers 202 with why a handler ingested nothing', async () => {
    const server = await startBackend();
    const reason = "alerts[0] (HighErrorRate): it has no 'service' label";
    const response = await post(server)({ ...payload, ignore: reason });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      duplicate: false,
      deployments: [],
      incidents: [],
      ignored: [reason],
    });
    expect(await knex('incidents')).toEqual([]);
  });

  it('hands the handler the exact raw bytes and the parsed body', async () => {
    const server = await startBackend();
    // Whitespace and key order matter to signatures: the bytes must be as sent.
    const raw = '{ "service":"payments-api",  "alertId": "alert-7" }\n';
    await post(server)(raw).expect(202);
    expect(fake.seen[0].rawBody.toString('utf8')).toBe(raw);
    expect(fake.seen[0].body).toEqual({
      service: 'payments-api',
      alertId: 'alert-7',
    });
    expect(fake.seen[0].headers['x-fake-token']).toBe('s3cret');
  });

  it('answers 404 naming an unknown handler path', async () => {
    const server = await startBackend();
    const response = await post(server)(payload, 's3cret', 'nagios');
    expect(response.status).toBe(404);
    expect(response.body.error.message).toContain("'nagios'");
    expect(fake.seen).toHaveLength(0);
  });

  it('answers 400 for a body that is not JSON once the sender is verified', async () => {
    const server = await startBackend();
    const response = await post(server)('{"service": "payments-api",');
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/not JSON/);
  });

  it('checks the sender before parsing: an unverified body that is not JSON gets 401, not 400', async () => {
    const server = await startBackend();
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const response = await post(server)(
        `{"service": "${'x'.repeat(1_000_000)}",`,
        'wrong',
      );
      expect(response.status).toBe(401);
      // Nothing parsed the 1 MB body (the error body is serialized, not parsed).
      expect(
        parse.mock.calls.filter(([text]) => String(text).length > 1000),
      ).toHaveLength(0);
    } finally {
      parse.mockRestore();
    }
  });

  it('answers 401 from the handler and stores nothing', async () => {
    const server = await startBackend();
    const response = await post(server)(payload, 'wrong');
    expect(response.status).toBe(401);
    expect(response.body.error.message).toBe('Bad fake token');
    expect(await knex('incidents')).toEqual([]);
    expect(await knex('webhook_deliveries')).toEqual([]);
  });

  it('ingests a redelivery once and answers it as a duplicate', async () => {
    const server = await startBackend();
    await post(server)(payload).expect(202);
    // The sender retries the same delivery with a changed title source.
    const again = await post(server)({ ...payload, alertId: 'alert-2' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ duplicate: true });
    expect((await knex('incidents')).map(i => i.external_id)).toEqual([
      'alert-1',
    ]);
  });

  it('ingests two concurrent identical deliveries once', async () => {
    const server = await startBackend();
    const release = fake.hold();
    const send = post(server);
    const inFlight = [send(payload), send(payload)].map(r => r.then());
    // Both deliveries are inside the handler before either is claimed.
    while (fake.seen.length < 2) {
      await new Promise(resolve => setImmediate(resolve));
    }
    release();
    const responses = await Promise.all(inFlight);
    expect(responses.map(r => r.status).sort()).toEqual([200, 202]);
    const ingested = responses.find(r => r.status === 202)!;
    expect(ingested.body.incidents).toEqual([
      { index: 0, status: 'created', id: expect.any(String) },
    ]);
    expect(responses.find(r => r.status === 200)!.body).toEqual({
      duplicate: true,
    });
    expect(await knex('webhook_deliveries')).toHaveLength(1);
  });

  it('forgets a delivery whose ingestion failed, so the retry is ingested', async () => {
    const server = await startBackend();
    // No entity claims this service: ingestion rejects the batch (400).
    const failed = await post(server)({ ...payload, service: 'ghost' });
    expect(failed.status).toBe(400);
    expect(failed.body.error.message).toContain(
      'component:default/ghost is not in the catalog',
    );
    expect(await knex('webhook_deliveries')).toEqual([]);
    expect(await knex('incidents')).toEqual([]);

    const retried = await post(server)(payload);
    expect(retried.status).toBe(202);
    expect(await knex('incidents')).toHaveLength(1);
  });

  it('ingests every delivery that has no delivery id', async () => {
    const server = await startBackend();
    const { deliveryId, ...withoutId } = payload;
    expect(deliveryId).toBeDefined();
    await post(server)(withoutId).expect(202);
    const second = await post(server)({ ...withoutId, alertId: 'alert-2' });
    expect(second.status).toBe(202);
    expect(await knex('incidents')).toHaveLength(2);
    expect(await knex('webhook_deliveries')).toEqual([]);
  });

  it('keeps the other routes behind Backstage authentication', async () => {
    const server = await startBackend();
    const response = await request(server).get(
      '/api/release-coordinator/entities/component/default/payments/incidents',
    );
    expect(response.status).toBe(401);
  });
});

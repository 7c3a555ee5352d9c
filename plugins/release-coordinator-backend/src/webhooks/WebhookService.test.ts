import { mockServices } from '@backstage/backend-test-utils';
import { AuthenticationError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  EventItemResult,
  IncidentInput,
} from '@release-coordinator/backstage-plugin-common';
import {
  WebhookEvidenceInput,
  WebhookResult,
} from '@release-coordinator/backstage-plugin-node';
import {
  WebhookDeliveryKey,
  WebhookDeliveryStore,
} from './WebhookDeliveryStore';
import { WebhookEvidenceSink, WebhookService } from './WebhookService';

/** An in-memory delivery store with the same claim semantics. */
class MemoryDeliveryStore implements WebhookDeliveryStore {
  readonly claimed = new Set<string>();
  async claimDelivery(key: WebhookDeliveryKey) {
    const id = JSON.stringify([key.handlerPath, key.deliveryId]);
    if (this.claimed.has(id)) return false;
    this.claimed.add(id);
    return true;
  }
  async releaseDelivery(key: WebhookDeliveryKey) {
    this.claimed.delete(JSON.stringify([key.handlerPath, key.deliveryId]));
  }
}

const evidence: WebhookEvidenceInput = {
  entityRef: 'component:default/payments',
  itemId: 'tests-passing',
  status: 'passed',
  source: 'github',
  commitSha: 'a1b2c3d',
};

const incident: IncidentInput = {
  entityRef: 'component:default/payments',
  source: 'fake',
  externalId: 'i-1',
  severity: 'minor',
  title: 'x',
  startedAt: '2026-11-26T10:00:00.000Z',
};

function setup(result: WebhookResult, evidenceSink?: WebhookEvidenceSink) {
  const logger = mockServices.logger.mock();
  const store = new MemoryDeliveryStore();
  const ingested: IncidentInput[][] = [];
  const service = new WebhookService({
    handlers: [{ path: 'fake', handle: async () => result }],
    store,
    sink: {
      ingestDeployments: async () => [],
      ingestIncidents: async (items): Promise<EventItemResult[]> => {
        ingested.push(items);
        return items.map((_i, index) => ({ index, status: 'created' }));
      },
    },
    catalog: catalogServiceMock({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'Payments',
            annotations: { 'pagerduty.com/service-id': 'PIJ90N7' },
          },
        },
      ],
    }),
    auth: mockServices.auth(),
    logger,
    evidenceSink,
  });
  const receive = () =>
    service.receive({
      handlerPath: 'fake',
      headers: {},
      rawBody: Buffer.from('{}'),
    });
  return { service, store, logger, ingested, receive };
}

describe('WebhookService', () => {
  it('answers why a handler ignored (parts of) a delivery', async () => {
    const { receive } = setup({
      deliveryId: 'd-1',
      ignored: ['alerts[0]: no entity has prometheus.io/service-name=x', ''],
    });
    await expect(receive()).resolves.toEqual({
      duplicate: false,
      deployments: [],
      incidents: [],
      ignored: ['alerts[0]: no entity has prometheus.io/service-name=x'],
    });
    const { receive: receiveAll } = setup({ deliveryId: 'd-2', ignored: [] });
    await expect(receiveAll()).resolves.not.toHaveProperty('ignored');
  });

  it("gives handlers an entity's annotations from the catalog", async () => {
    const { service } = setup({});
    await expect(
      service.getEntityAnnotations('component:default/payments'),
    ).resolves.toEqual({ 'pagerduty.com/service-id': 'PIJ90N7' });
    await expect(
      service.getEntityAnnotations('component:default/unknown'),
    ).resolves.toEqual({});
  });

  it('hands evidence to the evidence sink', async () => {
    const recorded: WebhookEvidenceInput[][] = [];
    const { receive } = setup(
      { evidence: [evidence] },
      {
        recordWebhookEvidence: async items => {
          recorded.push(items);
        },
      },
    );
    await receive();
    expect(recorded).toEqual([[evidence]]);
  });

  it('drops evidence with a warning when no sink is wired', async () => {
    const { receive, logger } = setup({ evidence: [evidence] });
    await expect(receive()).resolves.toMatchObject({ duplicate: false });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Dropped 1 checklist evidence item(s)'),
    );
  });

  it('releases the delivery when recording evidence fails', async () => {
    const { receive, store } = setup(
      { deliveryId: 'd-1', incidents: [incident], evidence: [evidence] },
      {
        recordWebhookEvidence: async () => {
          throw new Error('no release');
        },
      },
    );
    await expect(receive()).rejects.toThrow('no release');
    expect(store.claimed.size).toBe(0);
  });

  it("calls the handler's verify before parsing the body or calling handle", async () => {
    const order: string[] = [];
    const parse = jest.spyOn(JSON, 'parse');
    const service = new WebhookService({
      handlers: [
        {
          path: 'strict',
          verify: request => {
            order.push(`verify ${request.rawBody.length}`);
            throw new AuthenticationError('bad signature');
          },
          handle: async () => {
            order.push('handle');
            return {};
          },
        },
      ],
      store: new MemoryDeliveryStore(),
      sink: {
        ingestDeployments: async () => [],
        ingestIncidents: async () => [],
      },
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    });
    try {
      await expect(
        service.receive({
          handlerPath: 'strict',
          headers: {},
          rawBody: Buffer.from('{"a":1}'),
        }),
      ).rejects.toThrow(AuthenticationError);
      expect(parse).not.toHaveBeenCalledWith('{"a":1}');
    } finally {
      parse.mockRestore();
    }
    expect(order).toEqual(['verify 7']);
  });

  it('parses the body once, when the handler first reads it', async () => {
    const bodies: unknown[] = [];
    const parse = jest.spyOn(JSON, 'parse');
    const service = new WebhookService({
      handlers: [
        {
          path: 'reader',
          handle: async request => {
            bodies.push(request.body, request.body);
            return {};
          },
        },
      ],
      store: new MemoryDeliveryStore(),
      sink: {
        ingestDeployments: async () => [],
        ingestIncidents: async () => [],
      },
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    });
    try {
      await service.receive({
        handlerPath: 'reader',
        headers: {},
        rawBody: Buffer.from('{"a":1}'),
      });
      expect(
        parse.mock.calls.filter(([text]) => text === '{"a":1}'),
      ).toHaveLength(1);
    } finally {
      parse.mockRestore();
    }
    expect(bodies).toEqual([{ a: 1 }, { a: 1 }]);
  });

  it('finds entity refs by annotation in stored (lower-case) form', async () => {
    const { service } = setup({});
    expect(
      await service.findEntityRefsByAnnotation(
        'pagerduty.com/service-id',
        'PIJ90N7',
      ),
    ).toEqual(['component:default/payments']);
    expect(
      await service.findEntityRefsByAnnotation(
        'pagerduty.com/service-id',
        'POTHER',
      ),
    ).toEqual([]);
  });
});

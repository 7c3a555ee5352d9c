import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { OpenCostSettings } from './config';
import { OpenCostApiError } from './OpenCostClient';
import {
  ALLOCATION_CACHE_TTL_MS,
  OpenCostCostProvider,
} from './OpenCostCostProvider';
import { PodDay, startOpenCost } from './__testUtils__/openCostServer';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');

function entity(name: string, aggregate?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: aggregate ? { 'opencost.io/aggregate': aggregate } : {},
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

/**
 * Pods of a cluster, 2026-11-23..26 (26 is today, partial). payments has no
 * pod on the 25th; one pod in `shop` has no `app` label.
 */
const PODS: PodDay[] = [
  {
    day: '2026-11-23',
    namespace: 'shop',
    pod: 'payments-1',
    labels: { app: 'payments' },
    cpuCost: 1.5,
    ramCost: 0.5,
  },
  {
    day: '2026-11-23',
    namespace: 'shop',
    pod: 'payments-2',
    labels: { app: 'payments' },
    cpuCost: 1,
    ramCost: 0.25,
  },
  {
    day: '2026-11-24',
    namespace: 'shop',
    pod: 'payments-1',
    labels: { app: 'payments' },
    cpuCost: 2,
    ramCost: 0.5,
  },
  {
    day: '2026-11-26',
    namespace: 'shop',
    pod: 'payments-1',
    labels: { app: 'payments' },
    cpuCost: 0.75,
    ramCost: 0.25,
  },
  {
    day: '2026-11-23',
    namespace: 'shop',
    pod: 'checkout-1',
    labels: { app: 'checkout' },
    cpuCost: 3,
    ramCost: 1,
  },
  {
    day: '2026-11-24',
    namespace: 'shop',
    pod: 'checkout-1',
    labels: { app: 'checkout' },
    cpuCost: 3,
    ramCost: 1,
  },
  {
    day: '2026-11-25',
    namespace: 'shop',
    pod: 'checkout-1',
    labels: { app: 'checkout' },
    cpuCost: 4,
    ramCost: 1,
    pvCost: 0.5,
  },
  {
    day: '2026-11-26',
    namespace: 'shop',
    pod: 'checkout-1',
    labels: { app: 'checkout' },
    cpuCost: 1.5,
    ramCost: 0.5,
  },
  {
    day: '2026-11-23',
    namespace: 'shop',
    pod: 'cron-unlabelled',
    cpuCost: 6,
    ramCost: 1,
  },
  {
    day: '2026-11-24',
    namespace: 'infra',
    pod: 'ingress-1',
    labels: { app: 'ingress' },
    cpuCost: 9,
    ramCost: 1,
  },
];

function settings(
  baseUrl: string,
  overrides: Partial<OpenCostSettings> = {},
): OpenCostSettings {
  return {
    baseUrl,
    currency: 'USD',
    lookbackDays: 3,
    resolution: '10m',
    requestTimeoutMs: 10_000,
    headers: {},
    ...overrides,
  };
}

const signal = new AbortController().signal;
const amounts = (costs: Array<{ date: string; amount: number }>) =>
  costs.map(c => [c.date, c.amount]);

describe('OpenCostCostProvider', () => {
  let openCost: Awaited<ReturnType<typeof startOpenCost>>;
  afterEach(async () => {
    await openCost?.close();
  });

  it('pulls daily totalCost of several entities from one step=1d request, skipping days without their allocation', async () => {
    openCost = await startOpenCost({ pods: PODS });
    const provider = new OpenCostCostProvider({
      settings: settings(openCost.baseUrl, { currency: 'EUR' }),
      now: () => NOW,
    });

    const payments = await provider.pull({
      entity: entity('payments', 'label:app=payments'),
      signal,
    });
    const checkout = await provider.pull({
      entity: entity('checkout', 'label:app=checkout'),
      signal,
    });

    expect(payments.costs).toEqual([
      {
        entityRef: 'component:default/payments',
        date: '2026-11-23',
        source: 'opencost',
        amount: 3.25,
        currency: 'EUR',
      },
      {
        entityRef: 'component:default/payments',
        date: '2026-11-24',
        source: 'opencost',
        amount: 2.5,
        currency: 'EUR',
      },
      // No record for 2026-11-25: payments had no allocation that day.
      {
        entityRef: 'component:default/payments',
        date: '2026-11-26',
        source: 'opencost',
        amount: 1,
        currency: 'EUR',
      },
    ]);
    expect(payments.cursor).toBe('2026-11-26');
    expect(amounts(checkout.costs)).toEqual([
      ['2026-11-23', 4],
      ['2026-11-24', 4],
      ['2026-11-25', 5.5],
      ['2026-11-26', 2],
    ]);

    expect(openCost.requests).toHaveLength(1);
    const [request] = openCost.requests;
    expect(request.path).toBe('/allocation');
    expect(Object.fromEntries(request.query)).toEqual({
      window: '2026-11-23T00:00:00Z,2026-11-27T00:00:00Z',
      aggregate: 'label:app',
      step: '1d',
      accumulate: 'false',
      resolution: '10m',
      includeIdle: 'false',
      shareIdle: 'false',
    });
    expect(request.headers.accept).toBe('application/json');
  });

  it('asks once per aggregation: namespace entities get their own request and include unlabelled pods', async () => {
    openCost = await startOpenCost({ pods: PODS });
    const provider = new OpenCostCostProvider({
      settings: settings(openCost.baseUrl),
      now: () => NOW,
    });
    const shop = await provider.pull({
      entity: entity('shop', 'namespace=shop'),
      signal,
    });
    const infra = await provider.pull({
      entity: entity('infra', 'namespace=infra'),
      signal,
    });
    await provider.pull({
      entity: entity('payments', 'label:app=payments'),
      signal,
    });

    expect(amounts(shop.costs)).toEqual([
      ['2026-11-23', 14.25],
      ['2026-11-24', 6.5],
      ['2026-11-25', 5.5],
      ['2026-11-26', 3],
    ]);
    expect(amounts(infra.costs)).toEqual([['2026-11-24', 10]]);
    expect(openCost.requests.map(r => r.query.get('aggregate'))).toEqual([
      'namespace',
      'label:app',
    ]);
  });

  it('never attributes __idle__ or __unallocated__ to an entity, and rejects annotations naming them', async () => {
    openCost = await startOpenCost({
      pods: PODS,
      idlePerDay: 100,
      alwaysIncludeIdle: true,
    });
    const provider = new OpenCostCostProvider({
      settings: settings(openCost.baseUrl),
      now: () => NOW,
    });
    const payments = await provider.pull({
      entity: entity('payments', 'label:app=payments'),
      signal,
    });
    // The answer held __idle__ (100/day) and __unallocated__ (the
    // unlabelled cron pod, 7); neither reaches payments.
    expect(amounts(payments.costs)).toEqual([
      ['2026-11-23', 3.25],
      ['2026-11-24', 2.5],
      ['2026-11-26', 1],
    ]);
    for (const aggregate of [
      'label:app=__unallocated__',
      'namespace=__idle__',
    ]) {
      await expect(
        provider.pull({ entity: entity('sneaky', aggregate), signal }),
      ).rejects.toThrow(/belongs to no workload and is never attributed/);
    }
  });

  it('matches the older `label=value` allocation names too', async () => {
    openCost = await startOpenCost({ pods: PODS, legacyLabelNames: true });
    const provider = new OpenCostCostProvider({
      settings: settings(openCost.baseUrl),
      now: () => NOW,
    });
    const payments = await provider.pull({
      entity: entity('payments', 'label:app=payments'),
      signal,
    });
    expect(amounts(payments.costs)).toEqual([
      ['2026-11-23', 3.25],
      ['2026-11-24', 2.5],
      ['2026-11-26', 1],
    ]);
  });

  it('fetches again from the cursor, always refreshing yesterday and today', async () => {
    openCost = await startOpenCost({ pods: PODS });
    let now = NOW;
    const provider = new OpenCostCostProvider({
      settings: settings(openCost.baseUrl, { lookbackDays: 30 }),
      now: () => now,
    });
    const payments = entity('payments', 'label:app=payments');

    now = NOW + ALLOCATION_CACHE_TTL_MS;
    const sameDay = await provider.pull({
      entity: payments,
      cursor: '2026-11-26',
      signal,
    });
    expect(amounts(sameDay.costs)).toEqual([['2026-11-26', 1]]);

    now = Date.parse('2026-11-28T01:00:00Z');
    const later = await provider.pull({
      entity: payments,
      cursor: '2026-11-26',
      signal,
    });
    expect(later.cursor).toBe('2026-11-28');

    now = Date.parse('2026-11-28T02:00:00Z') + ALLOCATION_CACHE_TTL_MS;
    await provider.pull({ entity: payments, cursor: '2026-01-01', signal });
    await provider.pull({ entity: payments, cursor: 'not-a-day', signal });

    expect(openCost.requests.map(r => r.query.get('window'))).toEqual([
      '2026-11-25T00:00:00Z,2026-11-27T00:00:00Z',
      '2026-11-26T00:00:00Z,2026-11-29T00:00:00Z',
      // A cursor older than lookbackDays is clamped to it ...
      '2026-10-29T00:00:00Z,2026-11-29T00:00:00Z',
      // ... and an unreadable one starts over (served from the same answer).
    ]);
  });

  it('reuses a cached answer only while it is fresh and covers the window', async () => {
    openCost = await startOpenCost({ pods: PODS });
    let now = NOW;
    const provider = new OpenCostCostProvider({
      settings: settings(openCost.baseUrl),
      now: () => now,
    });
    const payments = entity('payments', 'label:app=payments');
    await provider.pull({ entity: payments, cursor: '2026-11-26', signal });
    // A first pull of another entity needs a wider window: asked again.
    await provider.pull({
      entity: entity('checkout', 'label:app=checkout'),
      signal,
    });
    // Covered by the wider answer.
    await provider.pull({ entity: payments, cursor: '2026-11-26', signal });
    expect(openCost.requests).toHaveLength(2);

    now = NOW + ALLOCATION_CACHE_TTL_MS;
    await provider.pull({ entity: payments, cursor: '2026-11-26', signal });
    expect(openCost.requests).toHaveLength(3);
  });

  it('fails the pull on an HTTP 500 with a retryable status, and asks again on the next pull', async () => {
    openCost = await startOpenCost({ pods: PODS });
    const provider = new OpenCostCostProvider({
      settings: settings(openCost.baseUrl),
      now: () => NOW,
    });
    openCost.fail({
      status: 500,
      body: {
        code: 500,
        message: 'error querying prometheus: context deadline exceeded',
      },
    });
    const payments = entity('payments', 'label:app=payments');
    const failure = provider.pull({ entity: payments, signal });
    await expect(failure).rejects.toBeInstanceOf(OpenCostApiError);
    await expect(failure).rejects.toMatchObject({
      status: 500,
      message: expect.stringContaining('context deadline exceeded'),
    });

    const retried = await provider.pull({ entity: payments, signal });
    expect(retried.costs).toHaveLength(3);
    expect(openCost.requests).toHaveLength(2);
  });

  it('fails the pull when OpenCost reports an error code inside a 200 answer', async () => {
    openCost = await startOpenCost({ pods: PODS });
    const provider = new OpenCostCostProvider({
      settings: settings(openCost.baseUrl),
      now: () => NOW,
    });
    openCost.fail({ status: 200, body: { code: 500, message: 'boom' } });
    await expect(
      provider.pull({
        entity: entity('payments', 'label:app=payments'),
        signal,
      }),
    ).rejects.toThrow('answered code 500: boom');
  });

  it('fails the pull when OpenCost does not answer within the request timeout', async () => {
    openCost = await startOpenCost({ pods: PODS });
    const provider = new OpenCostCostProvider({
      settings: settings(openCost.baseUrl, { requestTimeoutMs: 200 }),
      now: () => NOW,
    });
    openCost.fail('hang');
    await expect(
      provider.pull({
        entity: entity('payments', 'label:app=payments'),
        signal,
      }),
    ).rejects.toThrow('did not answer within 0.2 s');
  });

  it('fails only the entity whose annotation is bad, saying why', async () => {
    openCost = await startOpenCost({ pods: PODS });
    const provider = new OpenCostCostProvider({
      settings: settings(openCost.baseUrl),
      now: () => NOW,
    });
    const bad = provider.pull({ entity: entity('bad', 'payments'), signal });
    await expect(bad).rejects.toBeInstanceOf(InputError);
    await expect(bad).rejects.toThrow(
      "Invalid opencost.io/aggregate annotation 'payments': 'payments' is not <property>=<value>",
    );
    const good = await provider.pull({
      entity: entity('payments', 'label:app=payments'),
      signal,
    });
    expect(good.costs).toHaveLength(3);
    expect(openCost.requests).toHaveLength(1);
  });

  it('sends the bearer token and extra headers', async () => {
    openCost = await startOpenCost({
      pods: PODS,
      requiredAuthorization: 'Bearer s3cr3t',
    });
    const provider = new OpenCostCostProvider({
      settings: settings(openCost.baseUrl, {
        headers: { Authorization: 'Bearer s3cr3t', 'X-Scope-OrgID': 'acme' },
      }),
      now: () => NOW,
    });
    const result = await provider.pull({
      entity: entity('payments', 'label:app=payments'),
      signal,
    });
    expect(result.costs).toHaveLength(3);
    expect(openCost.requests[0].headers['x-scope-orgid']).toBe('acme');

    const unauthorised = new OpenCostCostProvider({
      settings: settings(openCost.baseUrl),
      now: () => NOW,
    });
    await expect(
      unauthorised.pull({
        entity: entity('payments', 'label:app=payments'),
        signal,
      }),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('applies to entities with a non-blank annotation only', () => {
    const provider = new OpenCostCostProvider({
      settings: settings('http://127.0.0.1:1'),
    });
    expect(provider.appliesTo(entity('a', 'namespace=a'))).toBe(true);
    expect(provider.appliesTo(entity('b', '  '))).toBe(false);
    expect(provider.appliesTo(entity('c'))).toBe(false);
  });
});

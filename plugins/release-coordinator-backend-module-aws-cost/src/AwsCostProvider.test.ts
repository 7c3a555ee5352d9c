import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { CostRecordInput } from '@release-coordinator/backstage-plugin-common';
import {
  CostLineItem,
  LocalCostExplorer,
  startCostExplorer,
  TEST_ACCESS_KEY_ID,
  TEST_SECRET_ACCESS_KEY,
} from './__testUtils__/costExplorerServer';
import {
  AwsCostRequestError,
  AwsCostThrottledError,
} from './AwsCostExplorerError';
import { AwsCostProvider } from './AwsCostProvider';
import { AwsCostMetric, readAwsCostSettings } from './config';
import { CostExplorerDailyCosts } from './CostExplorerDailyCosts';
import { createCostExplorerClient } from './createCostExplorerClient';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const HOUR_MS = 60 * 60 * 1000;
const ACCOUNT_ID = '123456789012';
/** The 10 UTC days before 2026-11-26 (lookbackDays 10). */
const DAYS = Array.from(
  { length: 10 },
  (_, i) => `2026-11-${String(16 + i).padStart(2, '0')}`,
);

function entity(name: string, tags?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: tags ? { 'aws.amazon.com/cost-insights-tags': tags } : {},
    },
    spec: { type: 'service', owner: 'group:team-a', lifecycle: 'production' },
  };
}

/** Cost of the example account on each day: three tagged apps and untagged cost. */
function accountCosts(): CostLineItem[] {
  return DAYS.flatMap((date, i): CostLineItem[] => [
    {
      date,
      tags: { app: 'payments', env: 'prod' },
      amounts: { UnblendedCost: 10 + i, AmortizedCost: 9 + i },
    },
    // A second payments resource: groups add up.
    {
      date,
      tags: { app: 'payments', env: 'dev' },
      amounts: { UnblendedCost: 1.25, AmortizedCost: 1 },
    },
    {
      date,
      tags: { app: 'checkout' },
      amounts: { UnblendedCost: 5, AmortizedCost: 5 },
    },
    // Untagged cost: Cost Explorer's `app$` group.
    { date, tags: {}, amounts: { UnblendedCost: 100, AmortizedCost: 100 } },
    {
      date,
      tags: { app: 'search', env: 'prod', team: 'core' },
      amounts: { UnblendedCost: 7, AmortizedCost: 7 },
    },
    {
      date,
      tags: { app: 'search', env: 'dev', team: 'core' },
      amounts: { UnblendedCost: 3, AmortizedCost: 3 },
    },
    {
      date,
      tags: { app: 'search', env: 'prod', team: 'other' },
      amounts: { UnblendedCost: 2, AmortizedCost: 2 },
    },
  ]);
}

const byDate = (costs: CostRecordInput[]) => costs.map(c => [c.date, c.amount]);

describe('AwsCostProvider against a local Cost Explorer', () => {
  let ce: LocalCostExplorer;
  let nowMs: number;
  let sleeps: number[];
  let logger: ReturnType<typeof mockServices.logger.mock>;

  async function setup(
    options: {
      items?: CostLineItem[];
      estimatedFrom?: string;
      pageSize?: number;
      metric?: AwsCostMetric;
      accessKeyId?: string;
      unit?: string;
    } = {},
  ) {
    ce = await startCostExplorer({
      items: options.items ?? accountCosts(),
      estimatedFrom: options.estimatedFrom,
      pageSize: options.pageSize,
      accessKeyId: options.accessKeyId,
      unit: options.unit,
    });
    nowMs = NOW;
    sleeps = [];
    logger = mockServices.logger.mock();
    const settings = readAwsCostSettings(
      new ConfigReader({
        releaseCoordinator: {
          awsCost: {
            accountId: ACCOUNT_ID,
            endpoint: ce.endpoint,
            lookbackDays: 10,
            ...(options.metric ? { metric: options.metric } : {}),
          },
        },
      }),
    );
    if (!settings) {
      throw new Error('settings expected');
    }
    // The real credentials manager, with a static key for the configured account.
    const credentialsManager = DefaultAwsCredentialsManager.fromConfig(
      new ConfigReader({
        aws: {
          accounts: [
            {
              accountId: ACCOUNT_ID,
              accessKeyId: TEST_ACCESS_KEY_ID,
              secretAccessKey: TEST_SECRET_ACCESS_KEY,
            },
          ],
        },
      }),
    );
    const costs = new CostExplorerDailyCosts({
      getClient: () =>
        createCostExplorerClient({ settings, credentialsManager }),
      logger,
      cacheTtlMs: settings.cacheTtlMs,
      retainDays: settings.lookbackDays,
      now: () => nowMs,
      sleep: async ms => {
        sleeps.push(ms);
      },
    });
    const provider = new AwsCostProvider({
      costs,
      metric: settings.metric,
      lookbackDays: settings.lookbackDays,
      logger,
      now: () => new Date(nowMs),
    });
    return { provider, costs };
  }

  function pull(provider: AwsCostProvider, target: Entity, cursor?: string) {
    return provider.pull({
      entity: target,
      cursor,
      signal: new AbortController().signal,
    });
  }

  afterEach(async () => {
    await ce?.close();
  });

  it('applies to entities with a cost-insights-tags annotation', async () => {
    const { provider } = await setup();
    expect(provider.id).toBe('aws-cost');
    expect(provider.appliesTo(entity('payments', 'app=payments'))).toBe(true);
    expect(provider.appliesTo(entity('payments', ' '))).toBe(false);
    expect(provider.appliesTo(entity('payments'))).toBe(false);
  });

  it('pulls the lookback days with one signed, DAILY, tag-grouped request and keeps the currency', async () => {
    const { provider } = await setup();
    const result = await pull(provider, entity('payments', 'app=payments'));

    expect(ce.requests).toHaveLength(1);
    const [request] = ce.requests;
    expect(request.headers['x-amz-target']).toBe(
      'AWSInsightsIndexService.GetCostAndUsage',
    );
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(request.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${TEST_ACCESS_KEY_ID}/\\d{8}/us-east-1/ce/aws4_request`,
      ),
    );
    // End is exclusive: today (2026-11-26) is not asked for.
    expect(request.body).toEqual({
      TimePeriod: { Start: '2026-11-16', End: '2026-11-26' },
      Granularity: 'DAILY',
      Metrics: ['UnblendedCost'],
      GroupBy: [{ Type: 'TAG', Key: 'app' }],
    });
    expect(result.costs).toHaveLength(10);
    expect(result.costs[0]).toEqual({
      entityRef: 'component:default/payments',
      date: '2026-11-16',
      source: 'aws-cost:UnblendedCost',
      amount: 11.25,
      currency: 'USD',
    });
    expect(byDate(result.costs)).toEqual(
      DAYS.map((date, i) => [date, 10 + i + 1.25]),
    );
    // All days final: the next pull starts today.
    expect(JSON.parse(result.cursor ?? '')).toEqual({
      metric: 'UnblendedCost',
      tags: 'app=payments',
      next: '2026-11-26',
    });
  });

  it('keeps the reported currency, also on days without the entity, and stores credits as 0', async () => {
    const items: CostLineItem[] = [
      {
        date: '2026-11-24',
        tags: { app: 'payments' },
        amounts: { UnblendedCost: 12 },
      },
      // Credits larger than the day's cost.
      {
        date: '2026-11-25',
        tags: { app: 'payments' },
        amounts: { UnblendedCost: -3 },
      },
      { date: '2026-11-23', tags: {}, amounts: { UnblendedCost: 1 } },
    ];
    const { provider } = await setup({ items, unit: 'EUR' });
    const result = await pull(provider, entity('payments', 'app=payments'));
    expect(
      result.costs.slice(-4).map(c => [c.date, c.amount, c.currency]),
    ).toEqual([
      ['2026-11-22', 0, 'EUR'],
      ['2026-11-23', 0, 'EUR'],
      ['2026-11-24', 12, 'EUR'],
      ['2026-11-25', 0, 'EUR'],
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('negative UnblendedCost of -3 EUR'),
    );
  });

  it('labels the records with the configured metric', async () => {
    const { provider } = await setup({ metric: 'AmortizedCost' });
    const result = await pull(provider, entity('payments', 'app=payments'));
    expect(ce.requests[0].body.Metrics).toEqual(['AmortizedCost']);
    expect(result.costs[0]).toMatchObject({
      source: 'aws-cost:AmortizedCost',
      amount: 10,
    });
  });

  it('serves entities sharing a tag key with one request, and never attributes the untagged key$ group', async () => {
    const { provider, costs } = await setup();
    const payments = await pull(provider, entity('payments', 'app=payments'));
    const checkout = await pull(provider, entity('checkout', 'app=checkout'));
    const billing = await pull(provider, entity('billing', 'app=billing'));

    expect(ce.requests).toHaveLength(1);
    expect(costs.usage).toEqual({ requests: 1, cacheHits: 2, throttled: 0 });
    expect(payments.costs.every(c => c.entityRef.endsWith('/payments'))).toBe(
      true,
    );
    expect(byDate(checkout.costs)).toEqual(DAYS.map(date => [date, 5]));
    // No cost tagged app=billing: every day is 0, not the untagged 100.
    expect(byDate(billing.costs)).toEqual(DAYS.map(date => [date, 0]));
    expect(billing.costs[0].currency).toBe('USD');
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('untagged cost (app$) of 1000.00 USD'),
    );
  });

  it('sends the other tags as the filter: one Tags expression, or And of several', async () => {
    const { provider } = await setup();
    const two = await pull(provider, entity('search', 'app=search, env=prod'));
    const three = await pull(
      provider,
      entity('search-core', 'app=search,env=prod,team=core'),
    );

    expect(ce.requests.map(r => [r.body.GroupBy, r.body.Filter])).toEqual([
      [
        [{ Type: 'TAG', Key: 'app' }],
        { Tags: { Key: 'env', Values: ['prod'], MatchOptions: ['EQUALS'] } },
      ],
      [
        [{ Type: 'TAG', Key: 'app' }],
        {
          And: [
            {
              Tags: { Key: 'env', Values: ['prod'], MatchOptions: ['EQUALS'] },
            },
            {
              Tags: { Key: 'team', Values: ['core'], MatchOptions: ['EQUALS'] },
            },
          ],
        },
      ],
    ]);
    // app=search AND env=prod: 7 + 2; AND team=core as well: 7.
    expect(byDate(two.costs)).toEqual(DAYS.map(date => [date, 9]));
    expect(byDate(three.costs)).toEqual(DAYS.map(date => [date, 7]));
  });

  it('follows NextPageToken and merges a day whose groups span pages', async () => {
    // 4 groups a day (app$, app$checkout, app$payments, app$search), 3 per
    // page: most days start on one page and end on the next.
    const { provider, costs } = await setup({ pageSize: 3 });
    const result = await pull(provider, entity('search', 'app=search'));
    const pages = ce.requests.length;
    expect(pages).toBe(14);
    expect(ce.requests[0].body.NextPageToken).toBeUndefined();
    for (const request of ce.requests.slice(1)) {
      expect(request.body.NextPageToken).toEqual(expect.any(String));
      expect(request.body.TimePeriod).toEqual({
        Start: '2026-11-16',
        End: '2026-11-26',
      });
    }
    expect(costs.usage.requests).toBe(pages);
    expect(byDate(result.costs)).toEqual(DAYS.map(date => [date, 12]));
    // checkout sorts before payments and search: its groups sit on other pages.
    const checkout = await pull(provider, entity('checkout', 'app=checkout'));
    expect(byDate(checkout.costs)).toEqual(DAYS.map(date => [date, 5]));
    expect(ce.requests).toHaveLength(pages);
  });

  it('backs off LimitExceededException and ThrottlingException, then succeeds', async () => {
    const { provider, costs } = await setup();
    ce.queueError(
      'LimitExceededException',
      'You have exceeded the rate limit.',
    );
    ce.queueError('ThrottlingException', 'Rate exceeded');
    ce.queueError(
      'LimitExceededException',
      'You have exceeded the rate limit.',
    );
    const result = await pull(provider, entity('payments', 'app=payments'));
    expect(result.costs).toHaveLength(10);
    expect(ce.requests).toHaveLength(4);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(costs.usage).toEqual({ requests: 4, cacheHits: 0, throttled: 3 });
  });

  it('gives up after the bounded backoff with an error that pauses the provider', async () => {
    const { provider } = await setup();
    for (let i = 0; i < 5; i++) {
      ce.queueError(
        'LimitExceededException',
        'You have exceeded the rate limit.',
      );
    }
    const error = await pull(
      provider,
      entity('payments', 'app=payments'),
    ).catch(e => e);
    expect(error).toBeInstanceOf(AwsCostThrottledError);
    expect(error.message).toContain('still throttling after 5 attempts');
    expect(error.retryAfterMs).toBe(5 * 60_000);
    expect(sleeps).toEqual([1000, 2000, 4000, 8000]);
    expect(ce.requests).toHaveLength(5);
  });

  it('reports other Cost Explorer errors by their type, without retrying them', async () => {
    const { provider } = await setup();
    ce.queueError(
      'AccessDeniedException',
      'User is not authorized to perform: ce:GetCostAndUsage',
    );
    const error = await pull(
      provider,
      entity('payments', 'app=payments'),
    ).catch(e => e);
    expect(error).toBeInstanceOf(AwsCostRequestError);
    expect(error.message).toContain(
      'AccessDeniedException: User is not authorized to perform: ce:GetCostAndUsage',
    );
    expect(error.status).toBe(400);
    expect(ce.requests).toHaveLength(1);
  });

  it('uses the configured account credentials from the aws integration', async () => {
    const { provider } = await setup({ accessKeyId: 'AKIAOTHERACCOUNT0000' });
    const error = await pull(
      provider,
      entity('payments', 'app=payments'),
    ).catch(e => e);
    expect(error.message).toContain('UnrecognizedClientException');
  });

  it('asks again for estimated days on later pulls until they are final', async () => {
    const { provider } = await setup({ estimatedFrom: '2026-11-23' });
    const target = entity('payments', 'app=payments');
    const first = await pull(provider, target);
    expect(JSON.parse(first.cursor ?? '').next).toBe('2026-11-23');

    // Within the cache TTL the estimated days come from the cache.
    nowMs = NOW + HOUR_MS;
    const cached = await pull(provider, target, first.cursor);
    expect(ce.requests).toHaveLength(1);
    expect(byDate(cached.costs)).toEqual(
      DAYS.slice(7).map((date, i) => [date, 17 + i + 1.25]),
    );

    // Later, Cost Explorer has revised 11-24 and finalised up to 11-24.
    nowMs = NOW + 7 * HOUR_MS;
    ce.state.estimatedFrom = '2026-11-25';
    ce.state.items = ce.state.items.map(item =>
      item.date === '2026-11-24' && item.tags.env === 'prod'
        ? { ...item, amounts: { UnblendedCost: 40 } }
        : item,
    );
    const second = await pull(provider, target, first.cursor);
    expect(ce.requests).toHaveLength(2);
    expect(ce.requests[1].body.TimePeriod).toEqual({
      Start: '2026-11-23',
      End: '2026-11-26',
    });
    expect(byDate(second.costs)).toEqual([
      ['2026-11-23', 18.25],
      ['2026-11-24', 41.25],
      ['2026-11-25', 20.25],
    ]);
    expect(JSON.parse(second.cursor ?? '').next).toBe('2026-11-25');

    // The next day: 11-25 is final, and 11-26 is new.
    nowMs = NOW + 24 * HOUR_MS;
    ce.state.estimatedFrom = '2026-11-26';
    const third = await pull(provider, target, second.cursor);
    expect(ce.requests[2].body.TimePeriod).toEqual({
      Start: '2026-11-25',
      End: '2026-11-27',
    });
    expect(third.costs.map(c => c.date)).toEqual(['2026-11-25', '2026-11-26']);
    expect(JSON.parse(third.cursor ?? '').next).toBe('2026-11-26');
  });

  it('answers a repeated pull from the cache, without a second request', async () => {
    const { provider, costs } = await setup();
    const target = entity('payments', 'app=payments');
    const first = await pull(provider, target);
    const again = await pull(provider, target);
    expect(again.costs).toEqual(first.costs);
    expect(ce.requests).toHaveLength(1);
    expect(costs.usage.cacheHits).toBe(1);
    // Up to date: nothing to ask for at all.
    const upToDate = await pull(provider, target, first.cursor);
    expect(upToDate.costs).toEqual([]);
    expect(ce.requests).toHaveLength(1);
  });

  it('starts over when the metric or the tags of the cursor differ', async () => {
    const { provider } = await setup();
    const stale = JSON.stringify({
      metric: 'UnblendedCost',
      tags: 'app=old-name',
      next: '2026-11-25',
    });
    const result = await pull(
      provider,
      entity('payments', 'app=payments'),
      stale,
    );
    expect(result.costs).toHaveLength(10);
    const unreadable = await pull(
      provider,
      entity('payments', 'app=payments'),
      'not json',
    );
    expect(unreadable.costs).toHaveLength(10);
  });

  it('rejects a bad annotation for that entity only, naming it', async () => {
    const { provider } = await setup();
    for (const [tags, problem] of [
      ['app', "'app' is not key=value"],
      ['app=', 'has an empty value'],
      ['=payments', 'has an empty key'],
      ['app=a,app=b', "tag key 'app' is given more than once"],
      ['app=pay$ments', 'contains a character AWS does not allow'],
    ]) {
      const error = await pull(provider, entity('broken', tags)).catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toContain(
        'aws.amazon.com/cost-insights-tags annotation',
      );
      expect(error.message).toContain('component:default/broken');
      expect(error.message).toContain(problem);
    }
    expect(ce.requests).toHaveLength(0);
    const ok = await pull(provider, entity('payments', 'app=payments'));
    expect(ok.costs).toHaveLength(10);
  });
});

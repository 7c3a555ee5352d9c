import type { CostRecord } from '@release-coordinator/backstage-plugin-common';
// The module's Cost Explorer-speaking test server (docs/product.md §11), reused as-is:
// it is test-only code, not part of the module's published API, so it is
// imported by path rather than through the package's exports.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  CostLineItem,
  LocalCostExplorer,
  startCostExplorer,
  TEST_ACCESS_KEY_ID,
  TEST_SECRET_ACCESS_KEY,
} from '../../../plugins/release-coordinator-backend-module-aws-cost/src/__testUtils__/costExplorerServer';
import { Portal } from './portal';
import { sleep } from './processes';

const DAY_MS = 24 * 60 * 60 * 1000;
const dayOf = (offset: number) =>
  new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + offset * DAY_MS)
    .toISOString()
    .slice(0, 10);

const SOURCE = 'aws-cost:AmortizedCost';

/**
 * End-to-end: the real portal backend with the aws-cost module pointed
 * (`releaseCoordinator.awsCost.endpoint`) at a local server speaking Cost
 * Explorer's JSON 1.1 protocol, with static credentials from the `aws`
 * integration config, pulling on a fast schedule. The example entities
 * payments-api (`service=payments-api`) and invoicing-service
 * (`service=invoicing,team=payments`) carry `aws.amazon.com/cost-insights-tags`.
 */
describe('aws-cost module against a local Cost Explorer-speaking server', () => {
  let ce: LocalCostExplorer;
  let portal: Portal;
  let token: string;

  // Three whole days and today (never asked for: End is exclusive).
  const items: CostLineItem[] = [-3, -2, -1, 0].flatMap(
    (offset): CostLineItem[] => [
      {
        date: dayOf(offset),
        tags: { service: 'payments-api' },
        amounts: { UnblendedCost: 99, AmortizedCost: 30 + offset },
      },
      {
        date: dayOf(offset),
        tags: { service: 'invoicing', team: 'payments' },
        amounts: { UnblendedCost: 99, AmortizedCost: 8 },
      },
      // Another team's invoicing cost: excluded by the team=payments filter.
      {
        date: dayOf(offset),
        tags: { service: 'invoicing', team: 'finance' },
        amounts: { UnblendedCost: 99, AmortizedCost: 1000 },
      },
      { date: dayOf(offset), tags: {}, amounts: { AmortizedCost: 500 } },
    ],
  );

  beforeAll(async () => {
    ce = await startCostExplorer({ items, estimatedFrom: dayOf(-1) });
    portal = await Portal.create({
      extraEnv: {
        APP_CONFIG_aws: JSON.stringify({
          mainAccount: {
            accessKeyId: TEST_ACCESS_KEY_ID,
            secretAccessKey: TEST_SECRET_ACCESS_KEY,
          },
        }),
        APP_CONFIG_releaseCoordinator_awsCost: JSON.stringify({
          endpoint: ce.endpoint,
          metric: 'AmortizedCost',
          lookbackDays: 3,
        }),
        APP_CONFIG_releaseCoordinator_schedule_providers: JSON.stringify({
          'aws-cost': {
            frequency: { seconds: 5 },
            initialDelay: { seconds: 2 },
          },
        }),
      },
    });
    await portal.start();
    token = await portal.guestToken();
  });

  afterAll(async () => {
    await portal?.stop();
    portal?.cleanup();
    await ce?.close();
  });

  async function awsRecords(name: string): Promise<CostRecord[]> {
    const response = await fetch(
      `${
        portal.baseUrl
      }/api/release-coordinator/entities/component/default/${name}/costs?from=${dayOf(
        -10,
      )}&to=${dayOf(0)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (!response.ok) {
      throw new Error(
        `costs of ${name}: ${response.status} ${await response.text()}`,
      );
    }
    const body = (await response.json()) as { items: CostRecord[] };
    return body.items.filter(record => record.source === SOURCE);
  }

  async function waitForRecords(name: string, count: number) {
    const deadline = Date.now() + 60_000;
    let last: CostRecord[] = [];
    while (Date.now() < deadline) {
      last = await awsRecords(name);
      if (last.length >= count) {
        return last;
      }
      await sleep(1000);
    }
    throw new Error(
      `${SOURCE} records of ${name} never reached ${count}; last: ${JSON.stringify(
        last,
      )}\nlogs:\n${portal.logs.slice(-5000)}`,
    );
  }

  it('stores each entity’s daily cost of the configured metric, labelled with it', async () => {
    const payments = await waitForRecords('payments-api', 3);
    expect(payments.map(r => [r.date, r.amount, r.currency])).toEqual([
      [dayOf(-3), 27, 'USD'],
      [dayOf(-2), 28, 'USD'],
      [dayOf(-1), 29, 'USD'],
    ]);
    const invoicing = await waitForRecords('invoicing-service', 3);
    expect(invoicing.map(r => [r.date, r.amount])).toEqual([
      [dayOf(-3), 8],
      [dayOf(-2), 8],
      [dayOf(-1), 8],
    ]);

    // Signed requests, grouped by the first tag key; the other tag is the filter.
    // The two groups of entities are fetched concurrently, so their order varies.
    const bodies = ce.requests.map(r => r.body);
    expect(bodies).toHaveLength(2);
    expect(bodies).toContainEqual({
      TimePeriod: { Start: dayOf(-3), End: dayOf(0) },
      Granularity: 'DAILY',
      Metrics: ['AmortizedCost'],
      GroupBy: [{ Type: 'TAG', Key: 'service' }],
    });
    expect(bodies).toContainEqual({
      TimePeriod: { Start: dayOf(-3), End: dayOf(0) },
      Granularity: 'DAILY',
      Metrics: ['AmortizedCost'],
      GroupBy: [{ Type: 'TAG', Key: 'service' }],
      Filter: {
        Tags: { Key: 'team', Values: ['payments'], MatchOptions: ['EQUALS'] },
      },
    });
    // Later runs (every 5 s) re-ask for the estimated day from the cache only.
    await sleep(6000);
    expect(ce.requests).toHaveLength(2);
  });
});

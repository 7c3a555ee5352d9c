import type { CostRecord } from '@release-coordinator/backstage-plugin-common';
// The module's OpenCost-speaking test server (docs/product.md §11), reused as-is: it is
// test-only code, not part of the module's published API, so it is imported
// by path rather than through the package's exports.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  PodDay,
  startOpenCost,
} from '../../../plugins/release-coordinator-backend-module-opencost/src/__testUtils__/openCostServer';
import { Portal } from './portal';
import { sleep } from './processes';

const DAY_MS = 24 * 60 * 60 * 1000;
const dayOf = (offset: number) =>
  new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + offset * DAY_MS)
    .toISOString()
    .slice(0, 10);

/**
 * End-to-end: the real portal backend with the OpenCost module pointed
 * (`releaseCoordinator.opencost.baseUrl`) at a local server speaking
 * OpenCost's allocation API, pulling on a fast schedule. The example
 * entities checkout-web and identity-service carry
 * `opencost.io/aggregate: label:app=<name>`.
 */
describe('OpenCost module against a local OpenCost-speaking server', () => {
  let openCost: Awaited<ReturnType<typeof startOpenCost>>;
  let portal: Portal;
  let token: string;

  // Two days ago, yesterday and today (partial); identity-service has no
  // pod yesterday; one pod has no app label (__unallocated__).
  const pods: PodDay[] = [
    {
      day: dayOf(-2),
      namespace: 'web',
      pod: 'checkout-web-1',
      labels: { app: 'checkout-web' },
      cpuCost: 3,
      ramCost: 1,
    },
    {
      day: dayOf(-1),
      namespace: 'web',
      pod: 'checkout-web-1',
      labels: { app: 'checkout-web' },
      cpuCost: 2,
      ramCost: 0.5,
    },
    {
      day: dayOf(0),
      namespace: 'web',
      pod: 'checkout-web-1',
      labels: { app: 'checkout-web' },
      cpuCost: 1,
      ramCost: 0.25,
    },
    {
      day: dayOf(-2),
      namespace: 'auth',
      pod: 'identity-1',
      labels: { app: 'identity-service' },
      cpuCost: 7,
      ramCost: 1,
    },
    {
      day: dayOf(0),
      namespace: 'auth',
      pod: 'identity-1',
      labels: { app: 'identity-service' },
      cpuCost: 1,
      ramCost: 1,
    },
    {
      day: dayOf(-1),
      namespace: 'web',
      pod: 'batch-unlabelled',
      cpuCost: 50,
      ramCost: 5,
    },
  ];

  beforeAll(async () => {
    openCost = await startOpenCost({
      pods,
      idlePerDay: 100,
      alwaysIncludeIdle: true,
      requiredAuthorization: 'Bearer e2e-opencost-token',
    });
    portal = await Portal.create({
      extraEnv: {
        APP_CONFIG_releaseCoordinator_opencost: JSON.stringify({
          baseUrl: openCost.baseUrl,
          currency: 'EUR',
          lookbackDays: 7,
          token: 'e2e-opencost-token',
        }),
        APP_CONFIG_releaseCoordinator_schedule_providers_opencost:
          JSON.stringify({
            frequency: { seconds: 5 },
            initialDelay: { seconds: 2 },
          }),
      },
    });
    await portal.start();
    token = await portal.guestToken();
  });

  afterAll(async () => {
    await portal?.stop();
    portal?.cleanup();
    await openCost?.close();
  });

  async function openCostRecords(name: string): Promise<CostRecord[]> {
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
    return body.items.filter(record => record.source === 'opencost');
  }

  async function waitForRecords(name: string, count: number) {
    const deadline = Date.now() + 60_000;
    let last: CostRecord[] = [];
    while (Date.now() < deadline) {
      last = await openCostRecords(name);
      if (last.length >= count) {
        return last;
      }
      await sleep(1000);
    }
    throw new Error(
      `opencost records of ${name} never reached ${count}; last: ${JSON.stringify(
        last,
      )}\nlogs:\n${portal.logs.slice(-5000)}`,
    );
  }

  it('stores each entity’s daily totalCost, without idle, unallocated or missing days', async () => {
    const checkout = await waitForRecords('checkout-web', 3);
    expect(checkout.map(r => [r.date, r.amount, r.currency])).toEqual([
      [dayOf(-2), 4, 'EUR'],
      [dayOf(-1), 2.5, 'EUR'],
      [dayOf(0), 1.25, 'EUR'],
    ]);
    const identity = await waitForRecords('identity-service', 2);
    expect(identity.map(r => [r.date, r.amount])).toEqual([
      [dayOf(-2), 8],
      [dayOf(0), 2],
    ]);

    // The first run asked once for label:app, for both entities, with the
    // token and the daily step over lookbackDays.
    const first = openCost.requests[0];
    expect(first.path).toBe('/allocation');
    expect(first.headers.authorization).toBe('Bearer e2e-opencost-token');
    expect(first.query.get('aggregate')).toBe('label:app');
    expect(first.query.get('step')).toBe('1d');
    expect(first.query.get('window')).toBe(
      `${dayOf(-7)}T00:00:00Z,${dayOf(1)}T00:00:00Z`,
    );
    expect(
      openCost.requests.filter(
        r => r.query.get('window') === first.query.get('window'),
      ),
    ).toHaveLength(1);
  });
});

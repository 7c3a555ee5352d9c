import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { CostRecordInput } from '@release-coordinator/backstage-plugin-common';
import { DemoCostProvider, DEMO_STORAGE_SOURCE } from './DemoCosts';
import { DemoDeploymentProvider } from './DemoProviders';

const NOW = new Date('2026-11-26T10:00:00Z');
const signal = new AbortController().signal;
const config = new ConfigReader({});

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team' },
  };
}

const payments = component('payments-api', {
  'github.com/project-slug': 'example-org/payments-api',
  'release-coordinator/environments': 'staging,production',
});
const checkout = component('checkout-web', {
  'github.com/project-slug': 'example-org/checkout-web',
});
const search = component('search-indexer', { 'gitlab.com/project-id': '4242' });
const legacy = component('legacy-reporting', {});

function providerAt(now: Date) {
  return new DemoCostProvider({ config, clock: () => now });
}

async function pull(entity: Entity, cursor?: string, now = NOW) {
  return providerAt(now).pull({ entity, cursor, signal });
}

const sumOf = (records: CostRecordInput[]) =>
  records.reduce((sum, r) => sum + r.amount, 0);

describe('DemoCostProvider', () => {
  it('returns the 90 complete days before today on the first pull, cursor = last day', async () => {
    const { costs, cursor } = await pull(checkout);
    const days = [...new Set(costs.map(c => c.date))];
    expect(days).toHaveLength(90);
    expect(days[0]).toBe('2026-08-28');
    expect(days[89]).toBe('2026-11-25');
    expect(cursor).toBe('2026-11-25');
    expect(costs.every(c => c.source === 'demo' && c.currency === 'USD')).toBe(
      true,
    );
    expect(
      costs.every(c => c.entityRef === 'component:default/checkout-web'),
    ).toBe(true);
    expect(
      costs.every(
        c => c.amount > 0 && Number(c.amount.toFixed(2)) === c.amount,
      ),
    ).toBe(true);
  });

  it('is deterministic: the same day has the same cost whatever the pull window', async () => {
    const first = await pull(payments);
    const again = await pull(payments);
    expect(again).toEqual(first);

    // A pull 10 days later re-generates the overlapping days identically.
    const later = await pull(
      payments,
      undefined,
      new Date('2026-12-06T10:00:00Z'),
    );
    const byKey = (records: CostRecordInput[]) =>
      new Map(records.map(r => [`${r.date}|${r.source}`, r.amount]));
    const a = byKey(first.costs);
    const b = byKey(later.costs);
    const overlap = [...b.keys()].filter(key => a.has(key));
    expect(overlap).toHaveLength(2 * 80);
    expect(overlap.map(key => b.get(key))).toEqual(
      overlap.map(key => a.get(key)),
    );
  });

  it('moves the cursor forward by complete days only', async () => {
    expect(await pull(checkout, '2026-11-25')).toEqual({ costs: [] });
    const next = await pull(
      checkout,
      '2026-11-25',
      new Date('2026-11-28T01:00:00Z'),
    );
    expect(next.costs.map(c => c.date)).toEqual(['2026-11-26', '2026-11-27']);
    expect(next.cursor).toBe('2026-11-27');
    // An unreadable or future cursor starts over with the 90 days.
    expect((await pull(checkout, 'garbage')).costs).toHaveLength(90);
    expect((await pull(checkout, '2027-01-01')).costs).toHaveLength(90);
  });

  it('gives payments-api a second, storage source every day', async () => {
    const { costs } = await pull(payments);
    const storage = costs.filter(c => c.source === DEMO_STORAGE_SOURCE);
    expect(storage).toHaveLength(90);
    expect(costs.filter(c => c.source === 'demo')).toHaveLength(90);
  });

  it('costs less at weekends than on weekdays', async () => {
    const { costs } = await pull(checkout);
    const weekend = costs.filter(c =>
      [0, 6].includes(new Date(`${c.date}T00:00:00Z`).getUTCDay()),
    );
    const weekdays = costs.filter(c => !weekend.includes(c));
    expect(sumOf(weekend) / weekend.length).toBeLessThan(
      0.9 * (sumOf(weekdays) / weekdays.length),
    );
  });

  it('steps the cost level the day after some production releases, never on other days', async () => {
    const { costs } = await pull(search);
    const deployments = (
      await new DemoDeploymentProvider({ config, clock: () => NOW }).pull({
        entity: search,
        signal,
      })
    ).deployments;
    const releaseDays = new Set(
      deployments
        .filter(
          d =>
            d.environment === 'production' &&
            d.kind === 'deploy' &&
            d.status === 'succeeded',
        )
        .map(d =>
          new Date(Date.parse(d.finishedAt ?? '') + 86_400_000)
            .toISOString()
            .slice(0, 10),
        ),
    );
    // Weekday-to-weekday jumps beyond the ±4 % noise are level steps.
    const weekdays = costs.filter(
      c => ![0, 6].includes(new Date(`${c.date}T00:00:00Z`).getUTCDay()),
    );
    const steps: string[] = [];
    for (let i = 1; i < weekdays.length; i++) {
      const ratio = weekdays[i].amount / weekdays[i - 1].amount;
      if (ratio > 1.1 || ratio < 0.9) {
        steps.push(weekdays[i].date);
      }
    }
    expect(steps.length).toBeGreaterThan(0);
    for (const day of steps) {
      // The step happened on this day or a weekend day just before it.
      const candidates = [0, 1, 2].map(back =>
        new Date(Date.parse(`${day}T00:00:00Z`) - back * 86_400_000)
          .toISOString()
          .slice(0, 10),
      );
      expect(candidates.some(d => releaseDays.has(d))).toBe(true);
    }
  });

  it('does not apply to unannotated components', async () => {
    const provider = providerAt(NOW);
    expect(provider.appliesTo(legacy)).toBe(false);
    expect((await provider.pull({ entity: legacy, signal })).costs).toEqual([]);
  });
});

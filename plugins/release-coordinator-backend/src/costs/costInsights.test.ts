import { CostRecord } from '@release-coordinator/backstage-plugin-common';
import { toCostInsightsCost, trendlineOf } from './costInsights';
import { parseRepeatingIntervals } from './intervals';

function record(date: string, source: string, amount: number): CostRecord {
  return {
    entityRef: 'component:default/payments',
    date,
    source,
    amount,
    currency: 'USD',
  };
}

describe('toCostInsightsCost', () => {
  // Two 2-day periods: [11-22, 11-24) and [11-24, 11-26).
  const periods = parseRepeatingIntervals('R2/P2D/2026-11-26');

  it('sums sources per day, fills missing days with 0 and compares the periods', () => {
    const cost = toCostInsightsCost({
      id: 'component:default/payments',
      periods,
      records: [
        record('2026-11-22', 'aws', 10),
        record('2026-11-22', 'opencost', 2),
        record('2026-11-24', 'aws', 15),
        record('2026-11-25', 'aws', 9),
      ],
    });
    expect(cost.id).toBe('component:default/payments');
    expect(cost.aggregation).toEqual([
      { date: '2026-11-22', amount: 12 },
      { date: '2026-11-23', amount: 0 },
      { date: '2026-11-24', amount: 15 },
      { date: '2026-11-25', amount: 9 },
    ]);
    // previous 12, current 24
    expect(cost.change).toEqual({ ratio: 1, amount: 12 });
    expect(cost.groupedCosts?.source.map(c => c.id)).toEqual([
      'aws',
      'opencost',
    ]);
    expect(cost.groupedCosts?.source[1].aggregation).toEqual([
      { date: '2026-11-22', amount: 2 },
      { date: '2026-11-23', amount: 0 },
      { date: '2026-11-24', amount: 0 },
      { date: '2026-11-25', amount: 0 },
    ]);
    expect(cost.groupedCosts?.source[1].change).toEqual({
      ratio: -1,
      amount: -2,
    });
  });

  it('leaves the ratio out when the earlier period cost nothing', () => {
    const cost = toCostInsightsCost({
      id: 'x',
      periods,
      records: [record('2026-11-25', 'aws', 5)],
    });
    expect(cost.change).toEqual({ amount: 5 });
  });
});

describe('trendlineOf', () => {
  it('fits amount over epoch seconds', () => {
    const line = trendlineOf([
      { date: '2026-11-01', amount: 10 },
      { date: '2026-11-02', amount: 12 },
      { date: '2026-11-03', amount: 14 },
    ]);
    expect(line.slope).toBeCloseTo(2 / 86_400, 12);
    const x = Date.parse('2026-11-02T00:00:00Z') / 1000;
    expect(line.slope * x + line.intercept).toBeCloseTo(12, 6);
  });

  it('is flat for fewer than two days', () => {
    expect(trendlineOf([{ date: '2026-11-01', amount: 7 }])).toEqual({
      slope: 0,
      intercept: 7,
    });
    expect(trendlineOf([])).toEqual({ slope: 0, intercept: 0 });
  });
});

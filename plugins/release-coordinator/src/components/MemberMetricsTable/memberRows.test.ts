import { makeCostMember } from '../../__testUtils__/costs';
import { makeBreakdown } from '../../__testUtils__/metrics';
import {
  compareNullable,
  deliveryMetricsPath,
  memberRows,
  memberRowsCsv,
} from './memberRows';

describe('deliveryMetricsPath', () => {
  it('links to the entity Delivery metrics tab', () => {
    expect(deliveryMetricsPath('Component:default/payments')).toBe(
      '/catalog/default/component/payments/delivery-metrics',
    );
    expect(deliveryMetricsPath('resource:ops/db main')).toBe(
      '/catalog/ops/resource/db%20main/delivery-metrics',
    );
  });
});

describe('memberRowsCsv', () => {
  it('exports raw values with empty cells for nulls', () => {
    const items = makeBreakdown().items;
    items[0].metrics.deploymentReworkRate = {
      value: 0.25,
      rework: 1,
      deployments: 4,
    };
    items[1].metrics.deploymentReworkRate = {
      value: null,
      rework: 0,
      deployments: 0,
    };
    const csv = memberRowsCsv(memberRows(items));
    const lines = csv.split('\r\n');

    expect(lines[0]).toBe(
      'entity_ref,name,deploys_per_day,deployment_frequency_tier,deployment_success_rate,lead_time_median_seconds,lead_time_tier,change_failure_rate,change_failure_rate_tier,time_to_recovery_median_seconds,time_to_recovery_tier,uptime,deployment_rework_rate,infrastructure_cost,currency',
    );
    expect(lines[1]).toBe(
      'component:default/payments,Payments API,1.4,elite,0.955,5400,elite,0.071,high,1200,elite,0.9991,0.25,1234.5,USD',
    );
    // ledger has no title, no cost and no rework rate (no deployments).
    expect(lines[2]).toBe(
      'component:default/ledger,ledger,0.1,medium,0.955,5400,elite,0.333,low,1200,elite,0.9991,,,',
    );
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
  });

  it('adds a column per currency when members are billed in several, never adding currencies up', () => {
    const rows = memberRows([
      makeCostMember('payments', { total: 100.5, currency: 'USD' }),
      makeCostMember('ledger', {
        total: null,
        currency: null,
        byCurrency: [
          { currency: 'EUR', total: 40 },
          { currency: 'USD', total: 7.25 },
        ],
      }),
      makeCostMember('search', { total: 12, currency: 'GBP' }),
      makeCostMember('docs', { total: null, currency: null }),
    ]);
    const lines = memberRowsCsv(rows).split('\r\n');
    const cost = (line: string) => line.split(',').slice(13);

    expect(cost(lines[0])).toEqual([
      'infrastructure_cost',
      'currency',
      'infrastructure_cost_eur',
      'infrastructure_cost_gbp',
      'infrastructure_cost_usd',
    ]);
    expect(lines.slice(1, 5).map(cost)).toEqual([
      ['100.5', 'USD', '', '', '100.5'],
      // Several currencies: no single total, each in its own column.
      ['', 'EUR;USD', '40', '', '7.25'],
      ['12', 'GBP', '', '12', ''],
      ['', '', '', '', ''],
    ]);
  });

  it('keeps one cost column when every member is billed in the same currency', () => {
    const csv = memberRowsCsv(
      memberRows([
        makeCostMember('payments', { total: 10, currency: 'EUR' }),
        makeCostMember('ledger', { total: 5, currency: 'EUR' }),
      ]),
    );
    expect(csv.split('\r\n')[0]).toMatch(/,infrastructure_cost,currency$/);
  });
});

describe('compareNullable', () => {
  it('keeps nulls last ascending and descending', () => {
    const values = [2, null, 1, 3];
    const ascending = [...values].sort((a, b) => compareNullable(a, b));
    // material-table swaps the arguments and passes 'desc' when descending.
    const descending = [...values].sort((a, b) =>
      compareNullable(b, a, 'desc'),
    );

    expect(ascending).toEqual([1, 2, 3, null]);
    expect(descending).toEqual([3, 2, 1, null]);
  });
});

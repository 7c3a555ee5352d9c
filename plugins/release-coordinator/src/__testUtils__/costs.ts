import {
  CostRecord,
  MetricsBreakdownRow,
} from '@release-coordinator/backstage-plugin-common';
import { makeDeliveryMetrics } from './metrics';

/** A daily cost record of `component:default/payments`. */
export function makeCostRecord(
  date: string,
  amount: number,
  source = 'aws',
  currency = 'USD',
): CostRecord {
  return {
    entityRef: 'component:default/payments',
    date,
    source,
    amount,
    currency,
  };
}

/** A breakdown row whose only interesting part is its cost. */
export function makeCostMember(
  name: string,
  cost: Partial<MetricsBreakdownRow['metrics']['infrastructureCost']>,
): MetricsBreakdownRow {
  return {
    entityRef: `component:default/${name}`,
    metrics: makeDeliveryMetrics({
      infrastructureCost: {
        total: null,
        currency: null,
        perDay: null,
        perDeployment: null,
        changeRatio: null,
        ...cost,
      },
    }),
  };
}

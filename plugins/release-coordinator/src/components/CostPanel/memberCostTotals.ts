import { MetricsBreakdownRow } from '@release-coordinator/backstage-plugin-common';

/** Total cost of the member entities in one currency. */
export interface CurrencyTotal {
  currency: string;
  total: number;
}

/**
 * The members' window cost added up per currency (a member with several
 * currencies contributes its `byCurrency` entries), largest first.
 */
export function memberCostTotals(
  items: MetricsBreakdownRow[],
): CurrencyTotal[] {
  const totals = new Map<string, number>();
  const add = (currency: string, amount: number) =>
    totals.set(currency, (totals.get(currency) ?? 0) + amount);
  for (const { metrics } of items) {
    const cost = metrics.infrastructureCost;
    if (cost.byCurrency && cost.byCurrency.length > 0) {
      cost.byCurrency.forEach(entry => add(entry.currency, entry.total));
    } else if (cost.total !== null && cost.currency) {
      add(cost.currency, cost.total);
    }
  }
  return [...totals.entries()]
    .map(([currency, total]) => ({ currency, total }))
    .sort((a, b) => b.total - a.total || a.currency.localeCompare(b.currency));
}

import { parseEntityRef } from '@backstage/catalog-model';
import {
  DoraTier,
  MetricsBreakdownRow,
} from '@release-coordinator/backstage-plugin-common';
import { CsvCell, buildCsv } from './csv';

/** One member entity as the overview table shows it: raw numbers, formatted on render. */
export interface MemberRow {
  /** Stable id for the table. */
  id: string;
  entityRef: string;
  /** Title, else the entity name. */
  name: string;
  /** Path of the entity's Delivery metrics tab. */
  metricsPath: string;
  deploysPerDay: number;
  deploymentFrequencyTier: DoraTier | null;
  successRate: number | null;
  leadTimeSeconds: number | null;
  leadTimeTier: DoraTier | null;
  changeFailureRate: number | null;
  changeFailureRateTier: DoraTier | null;
  recoverySeconds: number | null;
  recoveryTier: DoraTier | null;
  uptime: number | null;
  /** Deployment rework rate (0..1; no tier). */
  reworkRate: number | null;
  costTotal: number | null;
  costCurrency: string | null;
  /** One total per currency when the member's cost is in several (costTotal is null then). */
  costByCurrency: Array<{ currency: string; total: number }>;
}

/** `/catalog/<namespace>/<kind>/<name>/delivery-metrics` of an entity ref. */
export function deliveryMetricsPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${[namespace, kind.toLocaleLowerCase('en-US'), name]
    .map(encodeURIComponent)
    .join('/')}/delivery-metrics`;
}

/** Table rows of a breakdown response. */
export function memberRows(items: MetricsBreakdownRow[]): MemberRow[] {
  return items.map(({ entityRef, title, metrics }) => ({
    id: entityRef,
    entityRef,
    name: title ?? parseEntityRef(entityRef).name,
    metricsPath: deliveryMetricsPath(entityRef),
    deploysPerDay: metrics.deploymentFrequency.perDay,
    deploymentFrequencyTier: metrics.deploymentFrequency.tier,
    successRate: metrics.deploymentSuccessRate.value,
    leadTimeSeconds: metrics.leadTimeForChanges.medianSeconds,
    leadTimeTier: metrics.leadTimeForChanges.tier,
    changeFailureRate: metrics.changeFailureRate.value,
    changeFailureRateTier: metrics.changeFailureRate.tier,
    recoverySeconds: metrics.meanTimeToRecovery.medianSeconds,
    recoveryTier: metrics.meanTimeToRecovery.tier,
    uptime: metrics.uptime.value,
    reworkRate: metrics.deploymentReworkRate.value,
    costTotal: metrics.infrastructureCost.total,
    costCurrency: metrics.infrastructureCost.currency,
    costByCurrency: metrics.infrastructureCost.byCurrency ?? [],
  }));
}

const CSV_COLUMNS: Array<[string, (row: MemberRow) => CsvCell]> = [
  ['entity_ref', row => row.entityRef],
  ['name', row => row.name],
  ['deploys_per_day', row => row.deploysPerDay],
  ['deployment_frequency_tier', row => row.deploymentFrequencyTier],
  ['deployment_success_rate', row => row.successRate],
  ['lead_time_median_seconds', row => row.leadTimeSeconds],
  ['lead_time_tier', row => row.leadTimeTier],
  ['change_failure_rate', row => row.changeFailureRate],
  ['change_failure_rate_tier', row => row.changeFailureRateTier],
  ['time_to_recovery_median_seconds', row => row.recoverySeconds],
  ['time_to_recovery_tier', row => row.recoveryTier],
  ['uptime', row => row.uptime],
  ['deployment_rework_rate', row => row.reworkRate],
  // Empty when the member's cost is in several currencies (never added up).
  ['infrastructure_cost', row => row.costTotal],
  // The codes, `;`-separated, when the member's cost is in several.
  [
    'currency',
    row =>
      row.costByCurrency.length > 0
        ? row.costByCurrency.map(entry => entry.currency).join(';')
        : row.costCurrency,
  ],
];

/** The member's window cost per currency (one entry, or its byCurrency). */
function costPerCurrency(row: MemberRow): Map<string, number> {
  if (row.costByCurrency.length > 0) {
    return new Map(row.costByCurrency.map(e => [e.currency, e.total]));
  }
  return row.costTotal !== null && row.costCurrency
    ? new Map([[row.costCurrency, row.costTotal]])
    : new Map();
}

/**
 * The table as CSV, unrounded (ratios 0..1, durations in seconds) so it
 * can be analysed further; empty cells where a value is null. When the
 * members' cost is in more than one currency, one more column per currency
 * (`infrastructure_cost_eur`, `infrastructure_cost_usd`, ...) holds each
 * member's cost in it, so every currency can be summed on its own.
 */
export function memberRowsCsv(rows: MemberRow[]): string {
  const perCurrency = rows.map(costPerCurrency);
  const currencies = [
    ...new Set(perCurrency.flatMap(costs => [...costs.keys()])),
  ].sort();
  const currencyColumns: Array<[string, (index: number) => CsvCell]> =
    currencies.length > 1
      ? currencies.map(currency => [
          `infrastructure_cost_${currency.toLocaleLowerCase('en-US')}`,
          index => perCurrency[index].get(currency),
        ])
      : [];
  return buildCsv(
    [...CSV_COLUMNS, ...currencyColumns].map(([header]) => header),
    rows.map((row, index) => [
      ...CSV_COLUMNS.map(([, cell]) => cell(row)),
      ...currencyColumns.map(([, cell]) => cell(index)),
    ]),
  );
}

/**
 * Compares two optional numbers with nulls last whichever way the column is
 * sorted. material-table calls a column's customSort with the arguments
 * swapped and a 4th argument 'desc' when sorting descending.
 */
export function compareNullable(
  a: number | null,
  b: number | null,
  direction?: 'asc' | 'desc',
): number {
  const nullAfter = direction === 'desc' ? -1 : 1;
  if (a === null && b === null) return 0;
  if (a === null) return nullAfter;
  if (b === null) return -nullAfter;
  return a - b;
}

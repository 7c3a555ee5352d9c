import {
  DeliveryMetrics,
  DoraTier,
  METRIC_DEFINITIONS,
  METRIC_NAMES,
  MetricName,
} from '@release-coordinator/backstage-plugin-common';
import {
  NO_VALUE,
  formatCurrency,
  formatDuration,
  formatNumber,
  formatPerDay,
  formatPercent,
  plural,
} from './formatters';
import {
  ChangeKind,
  GoodDirection,
  MetricChange,
  metricChange,
} from './metricChange';

/**
 * Whose cost the cost card counts: cost records are per entity and day,
 * not per environment (docs/metrics.md, "Drill-down").
 */
export const COST_SCOPE = 'per service, all environments';

/** How many rows a card's number counts, when the response says so. */
function countedRows(name: MetricName, m: DeliveryMetrics): number | undefined {
  switch (name) {
    case 'deploymentFrequency':
    case 'changeFailureRate':
      return m.deploymentFrequency.count;
    case 'deploymentSuccessRate':
      return m.deploymentSuccessRate.succeeded + m.deploymentSuccessRate.failed;
    case 'leadTimeForChanges':
      return m.leadTimeForChanges.count;
    case 'meanTimeToRecovery':
      return m.meanTimeToRecovery.count;
    case 'deploymentDuration':
      return m.deploymentDuration.count;
    case 'rollbackFrequency':
      return m.rollbackFrequency.count;
    case 'deploymentReworkRate':
      return m.deploymentReworkRate.deployments;
    default:
      // uptime and cost: incidents and records are not in the response.
      return undefined;
  }
}

/** What one metric card shows, derived from the current and previous windows. */
export interface MetricCardModel {
  name: MetricName;
  title: string;
  /** The METRICS.md definition, shown on hover. */
  definition: string;
  /** The headline value, formatted; `—` when it could not be computed. */
  value: string;
  /** The headline value could not be computed (null). */
  missing: boolean;
  /** Supporting numbers, e.g. "42 deployments". */
  detail?: string;
  tier: DoraTier | null;
  change?: MetricChange;
  /** The rows the number counts (the drill-down's counted rows), if known. */
  countedRows?: number;
}

interface MetricReading {
  /** The number the headline and the change are computed from. */
  headline(metrics: DeliveryMetrics): number | null;
  format(metrics: DeliveryMetrics): string;
  detail(metrics: DeliveryMetrics): string | undefined;
  tier?(metrics: DeliveryMetrics): DoraTier | null;
  goodDirection: GoodDirection;
  changeKind: ChangeKind;
}

/** How each metric of METRICS.md is read off the API response. */
const readings: Record<MetricName, MetricReading> = {
  deploymentFrequency: {
    headline: m => m.deploymentFrequency.perDay,
    format: m => formatPerDay(m.deploymentFrequency.perDay),
    detail: m =>
      `${plural(
        m.deploymentFrequency.count,
        'succeeded deployment',
      )}; rollbacks not counted`,
    tier: m => m.deploymentFrequency.tier,
    goodDirection: 'up',
    changeKind: 'relative',
  },
  deploymentSuccessRate: {
    headline: m => m.deploymentSuccessRate.value,
    format: m => formatPercent(m.deploymentSuccessRate.value),
    detail: ({ deploymentSuccessRate: { succeeded, failed } }) =>
      `${formatNumber(succeeded, 0)} succeeded, ${formatNumber(
        failed,
        0,
      )} failed of ${plural(
        succeeded + failed,
        'finished deployment',
      )}; rollbacks and cancelled not counted`,
    goodDirection: 'up',
    changeKind: 'points',
  },
  leadTimeForChanges: {
    headline: m => m.leadTimeForChanges.medianSeconds,
    format: m => formatDuration(m.leadTimeForChanges.medianSeconds),
    detail: m =>
      `median of ${plural(
        m.leadTimeForChanges.count,
        'commit',
      )} shipped by ${plural(
        m.deploymentFrequency.count,
        'succeeded deployment',
      )}`,
    tier: m => m.leadTimeForChanges.tier,
    goodDirection: 'down',
    changeKind: 'relative',
  },
  changeFailureRate: {
    headline: m => m.changeFailureRate.value,
    format: m => formatPercent(m.changeFailureRate.value),
    detail: ({ changeFailureRate: { failedDeployments, deployments } }) =>
      `${formatNumber(failedDeployments, 0)} of ${plural(
        deployments,
        'change',
      )} caused a failure`,
    tier: m => m.changeFailureRate.tier,
    goodDirection: 'down',
    changeKind: 'points',
  },
  meanTimeToRecovery: {
    headline: m => m.meanTimeToRecovery.medianSeconds,
    format: m => formatDuration(m.meanTimeToRecovery.medianSeconds),
    detail: ({ meanTimeToRecovery: { meanSeconds, count } }) =>
      count === 0
        ? 'no critical or major incident resolved'
        : `median; mean ${formatDuration(meanSeconds)} over ${plural(
            count,
            'critical or major incident',
          )} resolved`,
    tier: m => m.meanTimeToRecovery.tier,
    goodDirection: 'down',
    changeKind: 'relative',
  },
  uptime: {
    headline: m => m.uptime.value,
    format: m => formatPercent(m.uptime.value, 2),
    detail: m =>
      m.uptime.downtimeSeconds > 0
        ? `${formatDuration(m.uptime.downtimeSeconds)} of critical downtime`
        : 'no critical downtime',
    goodDirection: 'up',
    changeKind: 'points',
  },
  deploymentDuration: {
    headline: m => m.deploymentDuration.medianSeconds,
    format: m => formatDuration(m.deploymentDuration.medianSeconds),
    detail: ({ deploymentDuration: { p95Seconds, count } }) =>
      count === 0
        ? undefined
        : `median; p95 ${formatDuration(p95Seconds)} over ${plural(
            count,
            'finished deployment',
          )} with a start time`,
    goodDirection: 'down',
    changeKind: 'relative',
  },
  rollbackFrequency: {
    headline: m => m.rollbackFrequency.perWeek,
    format: m => `${formatNumber(m.rollbackFrequency.perWeek, 2)} per week`,
    detail: ({
      rollbackFrequency: { count, perDeploy },
      deploymentFrequency,
    }) =>
      perDeploy === null
        ? plural(count, 'rollback')
        : `${plural(count, 'rollback')}, ${formatPercent(
            perDeploy,
          )} of ${plural(deploymentFrequency.count, 'succeeded deployment')}`,
    goodDirection: 'down',
    changeKind: 'relative',
  },
  infrastructureCost: {
    headline: m => m.infrastructureCost.total,
    format: ({ infrastructureCost: cost }) =>
      cost.total === null && cost.byCurrency?.length
        ? cost.byCurrency
            .map(entry => formatCurrency(entry.total, entry.currency))
            .join(' + ')
        : formatCurrency(cost.total, cost.currency),
    detail: ({ infrastructureCost: cost }) =>
      cost.total === null
        ? COST_SCOPE
        : `${formatCurrency(
            cost.perDay,
            cost.currency,
          )} per day, ${formatCurrency(
            cost.perDeployment,
            cost.currency,
          )} per deployment; ${COST_SCOPE}`,
    goodDirection: 'down',
    changeKind: 'relative',
  },
  deploymentReworkRate: {
    headline: m => m.deploymentReworkRate.value,
    format: m => formatPercent(m.deploymentReworkRate.value),
    detail: ({
      deploymentReworkRate: { rework, deployments },
      rollbackFrequency,
    }) =>
      `${formatNumber(rework, 0)} of ${plural(
        deployments,
        'deployment',
      )} incl. ${plural(rollbackFrequency.count, 'rollback')} unplanned`,
    goodDirection: 'down',
    changeKind: 'points',
  },
};

/** The cards of one response, in METRICS.md order. */
export function metricCardModels(
  metrics: DeliveryMetrics,
  previous: DeliveryMetrics | undefined,
): MetricCardModel[] {
  return METRIC_NAMES.map(name => {
    const reading = readings[name];
    const current = reading.headline(metrics);
    const value = reading.format(metrics);
    return {
      name,
      title: METRIC_DEFINITIONS[name].title,
      definition: METRIC_DEFINITIONS[name].definition,
      value,
      missing: value === NO_VALUE,
      detail: reading.detail(metrics),
      tier: reading.tier?.(metrics) ?? null,
      countedRows: countedRows(name, metrics),
      change: previous
        ? metricChange({
            current,
            previous: reading.headline(previous),
            kind: reading.changeKind,
            goodDirection: reading.goodDirection,
            precomputedRatio:
              name === 'infrastructureCost'
                ? metrics.infrastructureCost.changeRatio
                : undefined,
          })
        : undefined,
    };
  });
}

import {
  changeFailureRateTier,
  DeliveryMetrics,
  deploymentFrequencyTier,
  DoraReportYear,
  InfrastructureCostMetric,
  leadTimeTier,
  recoveryTier,
} from '@release-coordinator/backstage-plugin-common';
import { MetricsCost, MetricsWindowData } from './MetricsStore';
import { mean, median, p95, ratio, unionLength } from './statistics';

/** Milliseconds of one day. */
export const DAY_MS = 86_400_000;

/** A half-open time range [start, end) in epoch milliseconds. */
export interface TimeRange {
  start: number;
  end: number;
}

/** A half-open range of UTC days ['YYYY-MM-DD', 'YYYY-MM-DD'). */
export interface DayRange {
  from: string;
  to: string;
}

/** What one window's metrics are computed from. */
export interface WindowMetricsInput {
  /** The facts, read for a range that covers `window`. */
  data: MetricsWindowData;
  /** Ids of the succeeded deploys that failed in production. */
  failedDeployments: Set<string>;
  /** The member entities (one for an entity, many for a roll-up). */
  entityRefs: string[];
  window: TimeRange;
  /** Cost days of this window, and of the one before (for changeRatio). */
  costDays: DayRange;
  previousCostDays: DayRange;
  reportYear: DoraReportYear;
}

const seconds = (ms: number) => ms / 1000;

function within(time: number | null, range: TimeRange): time is number {
  return time !== null && time >= range.start && time < range.end;
}

/** Sum per currency of the cost records whose day is in the range. */
function costTotals(costs: MetricsCost[], days: DayRange): Map<string, number> {
  const totals = new Map<string, number>();
  for (const cost of costs) {
    if (cost.date >= days.from && cost.date < days.to) {
      totals.set(cost.currency, (totals.get(cost.currency) ?? 0) + cost.amount);
    }
  }
  return totals;
}

/** The single-currency total, or null for none or several currencies. */
function singleTotal(
  totals: Map<string, number>,
): { total: number; currency: string } | null {
  if (totals.size !== 1) {
    return null;
  }
  const [[currency, total]] = [...totals];
  return { total, currency };
}

function infrastructureCost(options: {
  costs: MetricsCost[];
  costDays: DayRange;
  previousCostDays: DayRange;
  windowDays: number;
  succeededDeploys: number;
}): InfrastructureCostMetric {
  const totals = costTotals(options.costs, options.costDays);
  const current = singleTotal(totals);
  const metric: InfrastructureCostMetric = {
    total: null,
    currency: null,
    perDay: null,
    perDeployment: null,
    changeRatio: null,
  };
  if (totals.size > 1) {
    metric.byCurrency = [...totals]
      .map(([currency, total]) => ({ currency, total }))
      .sort((a, b) => a.currency.localeCompare(b.currency));
    return metric;
  }
  if (!current) {
    return metric;
  }
  const previous = singleTotal(
    costTotals(options.costs, options.previousCostDays),
  );
  metric.total = current.total;
  metric.currency = current.currency;
  metric.perDay = current.total / options.windowDays;
  metric.perDeployment = ratio(current.total, options.succeededDeploys);
  // Amounts in different currencies are not comparable.
  if (previous && previous.currency === current.currency) {
    metric.changeRatio = ratio(current.total - previous.total, previous.total);
  }
  return metric;
}

/**
 * The metrics of one window, exactly as METRICS.md defines them, over the
 * facts of the member entities in one environment.
 */
export function computeWindowMetrics(
  input: WindowMetricsInput,
): DeliveryMetrics {
  const { data, failedDeployments, entityRefs, window, reportYear } = input;
  const windowDays = (window.end - window.start) / DAY_MS;

  const finishedDeploys = data.deployments.filter(
    d => d.kind === 'deploy' && within(d.finishedAt, window),
  );
  const succeeded = finishedDeploys.filter(d => d.status === 'succeeded');
  const failedCount = finishedDeploys.length - succeeded.length;
  const rollbacks = data.deployments.filter(
    d =>
      d.kind === 'rollback' &&
      d.status === 'succeeded' &&
      within(d.finishedAt, window),
  );

  const leadTimes = succeeded.flatMap(d =>
    d.commitTimes
      .map(committedAt => seconds(d.finishedAt - committedAt))
      .filter(lead => lead > 0),
  );
  const failedInProduction = succeeded.filter(d =>
    failedDeployments.has(d.id),
  ).length;
  const recoveries = data.incidents
    .filter(i => within(i.resolvedAt, window))
    .map(i => seconds((i.resolvedAt as number) - i.startedAt));
  const durations = finishedDeploys
    .filter(d => d.startedAt !== null)
    .map(d => seconds(d.finishedAt - (d.startedAt as number)));

  // Uptime per member entity, then their mean (for one entity, its value).
  const outages = new Map<string, TimeRange[]>();
  for (const incident of data.incidents) {
    if (incident.severity === 'critical') {
      const list = outages.get(incident.entityRef) ?? [];
      list.push({
        start: incident.startedAt,
        end: incident.resolvedAt ?? window.end,
      });
      outages.set(incident.entityRef, list);
    }
  }
  const downtimes = entityRefs.map(entityRef =>
    seconds(
      unionLength(outages.get(entityRef) ?? [], window.start, window.end),
    ),
  );
  const windowSeconds = seconds(window.end - window.start);
  const meanDowntime = mean(downtimes);

  const perDay = succeeded.length / windowDays;
  const cfr = ratio(failedInProduction, succeeded.length);
  const medianLead = median(leadTimes);
  const medianRecovery = median(recoveries);

  return {
    deploymentFrequency: {
      count: succeeded.length,
      perDay,
      tier: deploymentFrequencyTier(perDay, reportYear),
    },
    deploymentSuccessRate: {
      value: ratio(succeeded.length, finishedDeploys.length),
      succeeded: succeeded.length,
      failed: failedCount,
    },
    leadTimeForChanges: {
      medianSeconds: medianLead,
      count: leadTimes.length,
      tier: leadTimeTier(medianLead, reportYear),
    },
    changeFailureRate: {
      value: cfr,
      failedDeployments: failedInProduction,
      deployments: succeeded.length,
      tier: changeFailureRateTier(cfr, reportYear),
    },
    meanTimeToRecovery: {
      meanSeconds: mean(recoveries),
      medianSeconds: medianRecovery,
      count: recoveries.length,
      tier: recoveryTier(medianRecovery, reportYear),
    },
    uptime: {
      value: meanDowntime === null ? null : 1 - meanDowntime / windowSeconds,
      downtimeSeconds: meanDowntime ?? 0,
    },
    deploymentDuration: {
      medianSeconds: median(durations),
      p95Seconds: p95(durations),
      count: durations.length,
    },
    rollbackFrequency: {
      count: rollbacks.length,
      perWeek: (rollbacks.length * 7) / windowDays,
      perDeploy: ratio(rollbacks.length, succeeded.length),
    },
    infrastructureCost: infrastructureCost({
      costs: data.costs,
      costDays: input.costDays,
      previousCostDays: input.previousCostDays,
      windowDays,
      succeededDeploys: succeeded.length,
    }),
  };
}

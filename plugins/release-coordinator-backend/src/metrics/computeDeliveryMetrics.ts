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
import { mean, median, ratio, sampleSummary, unionLength } from './statistics';

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
  /** The facts, read for a range that covers `window` in whole slots. */
  data: MetricsWindowData;
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
  const { data, entityRefs, window, reportYear } = input;
  const windowDays = (window.end - window.start) / DAY_MS;

  // The slots of the window (each lies wholly inside or outside it).
  const slots = data.slots.filter(
    slot => slot.start >= window.start && slot.end <= window.end,
  );
  let succeeded = 0;
  let failedCount = 0;
  let failedInProduction = 0;
  let rollbackCount = 0;
  let reworkDeploys = 0;
  for (const slot of slots) {
    succeeded += slot.succeeded;
    failedCount += slot.failed;
    failedInProduction += slot.failedInProduction;
    rollbackCount += slot.rollbacks;
    reworkDeploys += slot.reworkDeploys;
  }
  const leadTimes = sampleSummary(slots.map(slot => slot.leadTimes));
  const durations = sampleSummary(slots.map(slot => slot.durations));
  const recoveries = data.incidents
    .filter(i => within(i.resolvedAt, window))
    .map(i => seconds((i.resolvedAt as number) - i.startedAt));

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

  const perDay = succeeded / windowDays;
  const cfr = ratio(failedInProduction, succeeded);
  const medianLead = leadTimes.median;
  const medianRecovery = median(recoveries);

  return {
    deploymentFrequency: {
      count: succeeded,
      perDay,
      tier: deploymentFrequencyTier(perDay, reportYear),
    },
    deploymentSuccessRate: {
      value: ratio(succeeded, succeeded + failedCount),
      succeeded,
      failed: failedCount,
    },
    leadTimeForChanges: {
      medianSeconds: medianLead,
      count: leadTimes.count,
      tier: leadTimeTier(medianLead, reportYear),
    },
    changeFailureRate: {
      value: cfr,
      failedDeployments: failedInProduction,
      deployments: succeeded,
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
      medianSeconds: durations.median,
      p95Seconds: durations.p95,
      count: durations.count,
    },
    rollbackFrequency: {
      count: rollbackCount,
      perWeek: (rollbackCount * 7) / windowDays,
      perDeploy: ratio(rollbackCount, succeeded),
    },
    infrastructureCost: infrastructureCost({
      costs: data.costs,
      costDays: input.costDays,
      previousCostDays: input.previousCostDays,
      windowDays,
      succeededDeploys: succeeded,
    }),
    // METRICS.md 10: D = succeeded deploys and rollbacks; every rollback is
    // rework, and so is a deploy started during an incident (rollups).
    deploymentReworkRate: {
      value: ratio(rollbackCount + reworkDeploys, succeeded + rollbackCount),
      rework: rollbackCount + reworkDeploys,
      deployments: succeeded + rollbackCount,
    },
  };
}

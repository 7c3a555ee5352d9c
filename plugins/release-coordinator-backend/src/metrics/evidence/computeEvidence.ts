import {
  changeFailureRateTier,
  DeliveryMetrics,
  deploymentFrequencyTier,
  DoraReportYear,
  EvidenceAttribution,
  EvidenceCommitRow,
  EvidenceCostRow,
  EvidenceDeploymentRow,
  EvidenceIncidentRow,
  EvidenceReason,
  EvidenceRow,
  InfrastructureCostMetric,
  leadTimeTier,
  MetricName,
  recoveryTier,
} from '@release-coordinator/backstage-plugin-common';
import { LatestDeployIndex } from '../changeFailures';
import { DAY_MS, DayRange, TimeRange } from '../computeDeliveryMetrics';
import { MetricsDeployment } from '../MetricsStore';
import { isReworkDeploy, OpenIncidentTimes } from '../rework';
import { mean, median, p95, ratio, unionLength } from '../statistics';
import {
  EvidenceData,
  EvidenceDeployment,
  EvidenceIncident,
} from './EvidenceStore';

/*
 * The drill-down (docs/metrics.md, "Drill-down"): the rows behind one
 * metric, each marked counted or not and why, and the metric recounted from
 * exactly those rows with the definitions of docs/metrics.md. The summary
 * therefore equals what `GET …/metrics` answers, while being computed
 * without the rollups that answer uses.
 */

/** What one drill-down is computed from. */
export interface EvidenceInput {
  data: EvidenceData;
  entityRefs: string[];
  metric: MetricName;
  window: TimeRange;
  costDays: DayRange;
  previousCostDays: DayRange;
  reportYear: DoraReportYear;
}

/** The rows (sorted, newest first) and the metric recounted from them. */
export interface EvidenceResult {
  summary: DeliveryMetrics[MetricName];
  rows: EvidenceRow[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => ms / 1000;

function within(time: number | null, range: TimeRange): time is number {
  return time !== null && time >= range.start && time < range.end;
}

const isSucceededDeploy = (d: EvidenceDeployment) =>
  d.kind === 'deploy' && d.status === 'succeeded';

function asMetricsDeployment(d: EvidenceDeployment): MetricsDeployment {
  return {
    id: d.id,
    entityRef: d.entityRef,
    kind: d.kind === 'rollback' ? 'rollback' : 'deploy',
    status: d.status === 'failed' ? 'failed' : 'succeeded',
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    rollbackOf: d.rollbackOf,
    commitTimes: [],
  };
}

function groupByEntity<T extends { entityRef: string }>(
  items: T[],
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.entityRef) ?? [];
    group.push(item);
    groups.set(item.entityRef, group);
  }
  return groups;
}

/** Attribution of change failures (METRICS.md 4) and rework (10). */
class Attribution {
  /** Deploy id → what made it a change failure. */
  readonly failures = new Map<string, EvidenceAttribution[]>();
  /** Incident id → the deploy it is attributed to. */
  readonly incidentTargets = new Map<string, string>();
  private readonly open = new Map<string, OpenIncidentTimes>();
  private readonly incidentsByEntity: Map<string, EvidenceIncident[]>;

  constructor(data: EvidenceData) {
    this.incidentsByEntity = groupByEntity(data.incidents);
    const add = (id: string, attribution: EvidenceAttribution) => {
      const list = this.failures.get(id) ?? [];
      list.push(attribution);
      this.failures.set(id, list);
    };
    const rollbackAttribution = (r: EvidenceDeployment) => ({
      type: 'rollback' as const,
      id: r.id,
      at: iso(r.finishedAt),
      ...(r.url ? { link: r.url } : {}),
    });
    const succeededIds = new Set(
      data.deployments.filter(isSucceededDeploy).map(d => d.id),
    );
    // (a) a succeeded rollback that names the deploy, in any environment.
    for (const rollback of data.namedRollbacks) {
      if (rollback.rollbackOf && succeededIds.has(rollback.rollbackOf)) {
        add(rollback.rollbackOf, rollbackAttribution(rollback));
      }
    }
    for (const [entityRef, deployments] of groupByEntity(data.deployments)) {
      const latest = new LatestDeployIndex(
        deployments.filter(isSucceededDeploy).map(asMetricsDeployment),
      );
      // (a) a succeeded rollback without rollbackOf: the deploy before it.
      for (const d of deployments) {
        if (
          d.kind === 'rollback' &&
          d.status === 'succeeded' &&
          d.rollbackOf === null
        ) {
          const target = latest.atOrBefore(d.startedAt ?? d.finishedAt);
          if (target) add(target.id, rollbackAttribution(d));
        }
      }
      // (b) a critical or major incident: the deploy before its start.
      for (const incident of this.incidentsByEntity.get(entityRef) ?? []) {
        const target = latest.atOrBefore(incident.startedAt);
        if (target) {
          add(target.id, {
            type: 'incident',
            id: incident.id,
            title: incident.title,
            severity: incident.severity,
            at: iso(incident.startedAt),
            ...(incident.url ? { link: incident.url } : {}),
          });
          this.incidentTargets.set(incident.id, target.id);
        }
      }
    }
    for (const [entityRef, incidents] of this.incidentsByEntity) {
      this.open.set(entityRef, new OpenIncidentTimes(incidents));
    }
  }

  /** The ids of the incidents open at the start of a rework deploy. */
  rework(d: EvidenceDeployment): string[] | null {
    const open = this.open.get(d.entityRef) ?? new OpenIncidentTimes([]);
    if (!isReworkDeploy(asMetricsDeployment(d), open)) return null;
    const t = d.startedAt ?? d.finishedAt;
    return (this.incidentsByEntity.get(d.entityRef) ?? [])
      .filter(
        i => i.startedAt <= t && (i.resolvedAt === null || t < i.resolvedAt),
      )
      .map(i => i.id)
      .sort();
  }
}

/** Whether and why a deployment is counted by a deployment metric. */
function deploymentCounted(
  metric: MetricName,
  d: EvidenceDeployment,
): { counted: boolean; reason: EvidenceReason; why: string } {
  const yes = (why: string) => ({
    counted: true,
    reason: 'counted' as const,
    why,
  });
  const no = (reason: EvidenceReason, why: string) => ({
    counted: false,
    reason,
    why,
  });
  const deploy = d.kind === 'deploy';
  const succeeded = d.status === 'succeeded';
  switch (metric) {
    case 'deploymentSuccessRate':
      if (!deploy) return no('notDeploy', 'a rollback, not a deploy');
      if (succeeded) return yes('succeeded deploy');
      if (d.status === 'failed') return yes('failed deploy');
      return no('notSucceeded', `${d.status}: neither succeeded nor failed`);
    case 'deploymentDuration':
      if (!deploy) return no('notDeploy', 'a rollback, not a deploy');
      if (!succeeded && d.status !== 'failed') {
        return no('notSucceeded', `${d.status}: neither succeeded nor failed`);
      }
      if (d.startedAt === null) return no('noStartedAt', 'no startedAt');
      return yes(`${d.status} deploy with a startedAt`);
    case 'rollbackFrequency':
      if (deploy) return no('notRollback', 'a deploy, not a rollback');
      if (!succeeded) return no('notSucceeded', `${d.status} rollback`);
      return yes('succeeded rollback');
    case 'deploymentReworkRate':
      if (!succeeded) return no('notSucceeded', `${d.status} ${d.kind}`);
      return yes(`succeeded ${d.kind}`);
    default:
      // deploymentFrequency, changeFailureRate, infrastructureCost (S).
      if (!deploy) return no('notDeploy', 'a rollback, not a deploy');
      if (!succeeded) return no('notSucceeded', `${d.status} deploy`);
      return yes('succeeded deploy');
  }
}

function describeFailure(attributions: EvidenceAttribution[]): string {
  return attributions
    .map(a =>
      a.type === 'incident'
        ? `${a.severity} incident ${a.title ?? a.id}`
        : `rollback ${a.id}`,
    )
    .join(', ');
}

function deploymentRows(
  input: EvidenceInput,
  attribution: Attribution,
): EvidenceDeploymentRow[] {
  return input.data.deployments
    .filter(d => within(d.finishedAt, input.window))
    .map(d => {
      const { counted, reason, why } = deploymentCounted(input.metric, d);
      const succeededDeploy = isSucceededDeploy(d);
      const failures = succeededDeploy
        ? attribution.failures.get(d.id) ?? []
        : [];
      const reworkIncidents = succeededDeploy ? attribution.rework(d) : null;
      const rollback = d.kind === 'rollback';
      const rework =
        (rollback && d.status === 'succeeded') || reworkIncidents !== null;
      const row: EvidenceDeploymentRow = {
        type: 'deployment',
        id: d.id,
        entityRef: d.entityRef,
        version: d.version,
        kind: rollback ? 'rollback' : 'deploy',
        status: d.status,
        ...(d.startedAt !== null ? { startedAt: iso(d.startedAt) } : {}),
        finishedAt: iso(d.finishedAt),
        ...(d.url ? { link: d.url } : {}),
        counted,
        reason,
        why,
        failed: d.status === 'failed',
        changeFailure: failures.length > 0,
        attributedTo: failures,
        rework,
        rollback,
        ...(d.rollbackOf ? { rollbackOf: d.rollbackOf } : {}),
      };
      if (failures.length > 0) {
        row.why += `; change failure: ${describeFailure(failures)}`;
      }
      if (rework) {
        row.reworkWhy = rollback
          ? 'a rollback'
          : 'started while a critical or major incident was open';
        if (reworkIncidents) row.reworkIncidentIds = reworkIncidents;
      }
      if (
        d.kind === 'deploy' &&
        (d.status === 'succeeded' || d.status === 'failed') &&
        d.startedAt !== null
      ) {
        row.durationSeconds = seconds(d.finishedAt - d.startedAt);
      }
      return row;
    });
}

function commitRows(input: EvidenceInput): EvidenceCommitRow[] {
  const deploys = new Map(
    input.data.deployments
      .filter(d => isSucceededDeploy(d) && within(d.finishedAt, input.window))
      .map(d => [d.id, d]),
  );
  const rows: EvidenceCommitRow[] = [];
  for (const commit of input.data.commits) {
    const d = deploys.get(commit.deploymentId);
    if (!d) continue;
    const lead = (d.finishedAt - commit.committedAt) / 1000;
    rows.push({
      type: 'commit',
      deploymentId: d.id,
      entityRef: d.entityRef,
      version: d.version,
      sha: commit.sha,
      committedAt: iso(commit.committedAt),
      deploymentFinishedAt: iso(d.finishedAt),
      leadSeconds: lead,
      counted: lead > 0,
      reason: lead > 0 ? 'counted' : 'leadNotPositive',
      why:
        lead > 0
          ? 'committed before the deploy finished'
          : 'committed at or after the deploy finished: dropped',
    });
  }
  return rows;
}

function incidentRows(
  input: EvidenceInput,
  attribution: Attribution,
): EvidenceIncidentRow[] {
  const { window } = input;
  const rows: EvidenceIncidentRow[] = [];
  for (const i of input.data.incidents) {
    const end = i.resolvedAt ?? window.end;
    const base = {
      type: 'incident' as const,
      id: i.id,
      entityRef: i.entityRef,
      title: i.title,
      severity: i.severity,
      startedAt: iso(i.startedAt),
      ...(i.resolvedAt !== null ? { resolvedAt: iso(i.resolvedAt) } : {}),
      ...(i.url ? { link: i.url } : {}),
      ...(attribution.incidentTargets.has(i.id)
        ? { attributedDeploymentId: attribution.incidentTargets.get(i.id) }
        : {}),
    };
    if (input.metric === 'uptime') {
      const clipped =
        Math.min(end, window.end) - Math.max(i.startedAt, window.start);
      if (i.startedAt >= window.end || clipped <= 0) continue;
      const critical = i.severity === 'critical';
      const openAtEnd = i.resolvedAt === null || i.resolvedAt > window.end;
      let why = 'major: only critical incidents are downtime';
      if (critical) {
        why = openAtEnd
          ? 'critical, open until the end of the window'
          : 'critical';
      }
      rows.push({
        ...base,
        counted: critical,
        reason: critical ? 'counted' : 'notCritical',
        why,
        downtimeSeconds: seconds(clipped),
      });
      continue;
    }
    // meanTimeToRecovery: resolved in W; those started in W shown too.
    if (within(i.resolvedAt, window)) {
      rows.push({
        ...base,
        counted: true,
        reason: 'counted',
        why: `${i.severity}, resolved in the window`,
        recoverySeconds: seconds(i.resolvedAt - i.startedAt),
      });
    } else if (within(i.startedAt, window)) {
      rows.push({
        ...base,
        counted: false,
        reason: i.resolvedAt === null ? 'unresolved' : 'resolvedOutsideWindow',
        why:
          i.resolvedAt === null
            ? 'not resolved yet'
            : 'resolved after the end of the window',
      });
    }
  }
  return rows;
}

/** The N days' cost records, summed per day and currency, then per currency in day order. */
function costTotals(
  costs: EvidenceData['costs'],
  days: DayRange,
): Map<string, number> {
  const perDay = new Map<
    string,
    { date: string; currency: string; amount: number }
  >();
  const inDays = costs
    .filter(c => c.date >= days.from && c.date < days.to)
    .sort(
      (a, b) =>
        a.date.localeCompare(b.date) ||
        a.entityRef.localeCompare(b.entityRef) ||
        a.source.localeCompare(b.source),
    );
  for (const c of inDays) {
    const key = `${c.date} ${c.currency}`;
    const sum = perDay.get(key);
    if (sum) sum.amount += c.amount;
    else
      perDay.set(key, { date: c.date, currency: c.currency, amount: c.amount });
  }
  const totals = new Map<string, number>();
  for (const { currency, amount } of perDay.values()) {
    totals.set(currency, (totals.get(currency) ?? 0) + amount);
  }
  return totals;
}

function singleTotal(totals: Map<string, number>) {
  if (totals.size !== 1) return null;
  const [[currency, total]] = [...totals];
  return { currency, total };
}

function costSummary(
  input: EvidenceInput,
  windowDays: number,
  succeeded: number,
): InfrastructureCostMetric {
  const totals = costTotals(input.data.costs, input.costDays);
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
  const current = singleTotal(totals);
  if (!current) return metric;
  const previous = singleTotal(
    costTotals(input.data.costs, input.previousCostDays),
  );
  metric.total = current.total;
  metric.currency = current.currency;
  metric.perDay = current.total / windowDays;
  metric.perDeployment = ratio(current.total, succeeded);
  if (previous && previous.currency === current.currency) {
    metric.changeRatio = ratio(current.total - previous.total, previous.total);
  }
  return metric;
}

function costRows(input: EvidenceInput): EvidenceCostRow[] {
  return input.data.costs
    .filter(c => c.date >= input.costDays.from && c.date < input.costDays.to)
    .map(c => ({
      type: 'cost',
      entityRef: c.entityRef,
      date: c.date,
      source: c.source,
      amount: c.amount,
      currency: c.currency,
      counted: true,
      reason: 'counted',
      why: `a day of the window's ${input.costDays.from} – ${input.costDays.to} (end exclusive)`,
    }));
}

/** The metric recounted from the rows (docs/metrics.md definitions). */
function summarize(
  input: EvidenceInput,
  rows: EvidenceRow[],
  attribution: Attribution,
): DeliveryMetrics[MetricName] {
  const { window, reportYear } = input;
  const windowDays = (window.end - window.start) / DAY_MS;
  const inWindow = input.data.deployments.filter(d =>
    within(d.finishedAt, window),
  );
  const succeeded = inWindow.filter(isSucceededDeploy);
  const counted = rows.filter(r => r.counted);
  switch (input.metric) {
    case 'deploymentFrequency': {
      const perDay = succeeded.length / windowDays;
      return {
        count: succeeded.length,
        perDay,
        tier: deploymentFrequencyTier(perDay, reportYear),
      };
    }
    case 'deploymentSuccessRate': {
      const failed = inWindow.filter(
        d => d.kind === 'deploy' && d.status === 'failed',
      ).length;
      return {
        value: ratio(succeeded.length, succeeded.length + failed),
        succeeded: succeeded.length,
        failed,
      };
    }
    case 'leadTimeForChanges': {
      const leads = (counted as EvidenceCommitRow[]).map(r => r.leadSeconds);
      const medianSeconds = median(leads);
      return {
        medianSeconds,
        count: leads.length,
        tier: leadTimeTier(medianSeconds, reportYear),
      };
    }
    case 'changeFailureRate': {
      const failed = succeeded.filter(d =>
        attribution.failures.has(d.id),
      ).length;
      const value = ratio(failed, succeeded.length);
      return {
        value,
        failedDeployments: failed,
        deployments: succeeded.length,
        tier: changeFailureRateTier(value, reportYear),
      };
    }
    case 'meanTimeToRecovery': {
      const recoveries = (counted as EvidenceIncidentRow[])
        .slice()
        .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
        .map(r => r.recoverySeconds as number);
      const medianSeconds = median(recoveries);
      return {
        meanSeconds: mean(recoveries),
        medianSeconds,
        count: recoveries.length,
        tier: recoveryTier(medianSeconds, reportYear),
      };
    }
    case 'uptime': {
      const outages = groupByEntity(
        input.data.incidents.filter(i => i.severity === 'critical'),
      );
      const downtimes = input.entityRefs.map(ref =>
        seconds(
          unionLength(
            (outages.get(ref) ?? []).map(i => ({
              start: i.startedAt,
              end: i.resolvedAt ?? window.end,
            })),
            window.start,
            window.end,
          ),
        ),
      );
      const meanDowntime = mean(downtimes);
      return {
        value:
          meanDowntime === null
            ? null
            : 1 - meanDowntime / seconds(window.end - window.start),
        downtimeSeconds: meanDowntime ?? 0,
      };
    }
    case 'deploymentDuration': {
      const durations = (counted as EvidenceDeploymentRow[]).map(
        r => r.durationSeconds as number,
      );
      return {
        medianSeconds: median(durations),
        p95Seconds: p95(durations),
        count: durations.length,
      };
    }
    case 'rollbackFrequency':
      return {
        count: counted.length,
        perWeek: (counted.length * 7) / windowDays,
        perDeploy: ratio(counted.length, succeeded.length),
      };
    case 'infrastructureCost':
      return costSummary(input, windowDays, succeeded.length);
    case 'deploymentReworkRate': {
      const rework = (counted as EvidenceDeploymentRow[]).filter(
        r => r.rework,
      ).length;
      return {
        value: ratio(rework, counted.length),
        rework,
        deployments: counted.length,
      };
    }
    default:
      throw new Error(`Unknown metric ${input.metric as string}`);
  }
}

/** Newest first, then by id, so that pages are stable. */
function sortKey(row: EvidenceRow): [string, string] {
  switch (row.type) {
    case 'deployment':
      return [row.finishedAt ?? '', row.id];
    case 'incident':
      return [row.startedAt, row.id];
    case 'commit':
      return [row.deploymentFinishedAt, `${row.deploymentId} ${row.sha}`];
    default:
      return [row.date, `${row.entityRef} ${row.source}`];
  }
}

/** The rows behind one metric and the metric recounted from them. */
export function computeEvidence(input: EvidenceInput): EvidenceResult {
  const attribution = new Attribution(input.data);
  let rows: EvidenceRow[];
  switch (input.metric) {
    case 'leadTimeForChanges':
      rows = commitRows(input);
      break;
    case 'meanTimeToRecovery':
    case 'uptime':
      rows = incidentRows(input, attribution);
      break;
    case 'infrastructureCost':
      rows = costRows(input);
      break;
    default:
      rows = deploymentRows(input, attribution);
  }
  rows.sort((a, b) => {
    const [ta, ia] = sortKey(a);
    const [tb, ib] = sortKey(b);
    return tb.localeCompare(ta) || (ia < ib ? -1 : Number(ia > ib));
  });
  return { summary: summarize(input, rows, attribution), rows };
}

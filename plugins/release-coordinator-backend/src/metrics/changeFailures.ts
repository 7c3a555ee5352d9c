import { MetricsDeployment, MetricsIncident } from './MetricsStore';

/**
 * Finds the most recent succeeded deploy that finished at or before a time,
 * among one entity's succeeded deploys (METRICS.md 4a/4b). Ties on
 * finishedAt go to the greatest id, so the answer never depends on row order.
 */
export class LatestDeployIndex {
  private readonly deploys: MetricsDeployment[];

  constructor(succeededDeploys: MetricsDeployment[]) {
    this.deploys = [...succeededDeploys].sort(
      (a, b) =>
        a.finishedAt - b.finishedAt || (a.id < b.id ? -1 : Number(a.id > b.id)),
    );
  }

  atOrBefore(time: number): MetricsDeployment | undefined {
    let low = 0;
    let high = this.deploys.length;
    // First index whose finishedAt is after `time`.
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.deploys[mid].finishedAt <= time) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low === 0 ? undefined : this.deploys[low - 1];
  }
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

/**
 * Ids of the succeeded deploys that failed in production (METRICS.md 4):
 * (a) named by a succeeded rollback's `rollbackOf`, or — for a rollback
 * without one — the most recent succeeded deploy of the same entity that
 * finished at or before the rollback's startedAt (its finishedAt if it has
 * none); (b) the most recent succeeded deploy of the same entity with
 * finishedAt ≤ the startedAt of a critical or major incident.
 *
 * The inputs are one environment's facts: deploys whose attribution target
 * finished before the earliest deploy given are not in the result, which is
 * right because only deploys given can be counted.
 */
export function failedDeploymentIds(
  deployments: MetricsDeployment[],
  incidents: MetricsIncident[],
): Set<string> {
  const failed = new Set<string>();
  const incidentsByEntity = groupByEntity(incidents);
  for (const [entityRef, entityDeployments] of groupByEntity(deployments)) {
    const latest = new LatestDeployIndex(
      entityDeployments.filter(
        d => d.kind === 'deploy' && d.status === 'succeeded',
      ),
    );
    for (const rollback of entityDeployments) {
      if (rollback.kind !== 'rollback' || rollback.status !== 'succeeded') {
        continue;
      }
      if (rollback.rollbackOf !== null) {
        failed.add(rollback.rollbackOf);
        continue;
      }
      const target = latest.atOrBefore(
        rollback.startedAt ?? rollback.finishedAt,
      );
      if (target) {
        failed.add(target.id);
      }
    }
    for (const incident of incidentsByEntity.get(entityRef) ?? []) {
      const target = latest.atOrBefore(incident.startedAt);
      if (target) {
        failed.add(target.id);
      }
    }
  }
  return failed;
}

import { useApi } from '@backstage/core-plugin-api';
import {
  CostRecord,
  Deployment,
} from '@release-coordinator/backstage-plugin-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ReleaseCoordinatorApi, releaseCoordinatorApiRef } from '../api';
import {
  addDays,
  costWindow,
  ReleaseMarker,
} from '../components/CostPanel/costAnalysis';
import { MetricsQuery } from './useMetrics';

/** Days before the window that are loaded too, for the first "before" mean. */
export const RELEASE_COMPARISON_DAYS = 7;
/** Pages of deployments read at most (500 each) to find the window's releases. */
const MAX_DEPLOYMENT_PAGES = 10;

/** What the cost panel shows. */
export interface CostPanelData {
  /** Cost window: the N whole UTC days before today (METRICS.md). */
  from: string;
  to: string;
  /** Records of [from − 7 days, to], for the chart and the comparisons. */
  records: CostRecord[];
  /** Succeeded deploys to the environment that finished in the window. */
  releases: ReleaseMarker[];
}

/**
 * The succeeded deploys (not rollbacks) to the environment that finished on
 * the days [from, to], newest first, paging until older than the window.
 */
export async function loadReleases(
  api: ReleaseCoordinatorApi,
  options: { entityRef: string; environment: string; from: string; to: string },
): Promise<ReleaseMarker[]> {
  const releases: ReleaseMarker[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_DEPLOYMENT_PAGES; page++) {
    const { items, nextCursor } = await api.listDeployments({
      entityRef: options.entityRef,
      environment: options.environment,
      status: 'succeeded',
      limit: 500,
      cursor,
    });
    for (const d of items as Deployment[]) {
      const day = d.finishedAt?.slice(0, 10);
      if (
        d.kind === 'deploy' &&
        d.finishedAt &&
        day !== undefined &&
        day >= options.from &&
        day <= options.to
      ) {
        releases.push({
          id: d.id,
          version: d.version,
          finishedAt: d.finishedAt,
        });
      }
    }
    const oldest = items[items.length - 1];
    const oldestDay = (oldest?.startedAt ?? oldest?.finishedAt)?.slice(0, 10);
    if (!nextCursor || (oldestDay !== undefined && oldestDay < options.from)) {
      break;
    }
    cursor = nextCursor;
  }
  return releases;
}

/**
 * Loads the daily cost of an entity for the window (plus the week before
 * it) and the releases to its environment in the window.
 */
export function useCostPanel(
  query: MetricsQuery,
  now: () => Date = () => new Date(),
) {
  const api = useApi(releaseCoordinatorApiRef);
  const { entityRef, windowDays, environment } = query;
  return useAsyncRetry(async (): Promise<CostPanelData> => {
    const { from, to } = costWindow(windowDays, now());
    const [costs, releases] = await Promise.all([
      api.listCosts({
        entityRef,
        from: addDays(from, -RELEASE_COMPARISON_DAYS),
        to,
      }),
      loadReleases(api, { entityRef, environment, from, to }),
    ]);
    return { from, to, records: costs.items, releases };
    // `now` is a clock, not an input: it must not reload the panel.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, entityRef, windowDays, environment]);
}

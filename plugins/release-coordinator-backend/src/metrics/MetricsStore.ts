/*
 * What the metrics service reads: the facts of one window (and the window
 * before it) for a set of entities in one environment. Times are epoch
 * milliseconds; cost dates are UTC days 'YYYY-MM-DD'.
 */

/** A finished deploy or rollback, with the commit times it shipped. */
export interface MetricsDeployment {
  id: string;
  entityRef: string;
  kind: 'deploy' | 'rollback';
  status: 'succeeded' | 'failed';
  startedAt: number | null;
  finishedAt: number;
  /** Id of the deployment a rollback undid, when known. */
  rollbackOf: string | null;
  /** committedAt of every commit of a succeeded deploy (else empty). */
  commitTimes: number[];
}

/** A critical or major incident of the environment. */
export interface MetricsIncident {
  id: string;
  entityRef: string;
  severity: 'critical' | 'major';
  startedAt: number;
  resolvedAt: number | null;
}

/** One daily cost record. */
export interface MetricsCost {
  entityRef: string;
  date: string;
  source: string;
  amount: number;
  currency: string;
}

/** Which facts to read (see {@link MetricsStore.readWindow}). */
export interface MetricsWindowQuery {
  /** Stored (lower-case) entity refs. */
  entityRefs: string[];
  environment: string;
  /** Start of the previous window (inclusive). */
  from: Date;
  /** End of the current window (exclusive). */
  to: Date;
  /** First cost day (inclusive), 'YYYY-MM-DD'. */
  costFrom: string;
  /** Last cost day (exclusive), 'YYYY-MM-DD'. */
  costTo: string;
}

/** The facts of a window. */
export interface MetricsWindowData {
  deployments: MetricsDeployment[];
  incidents: MetricsIncident[];
  costs: MetricsCost[];
}

/** Read access to what the delivery metrics are computed from. */
export interface MetricsStore {
  /**
   * Reads, for the entities in the environment, with indexed range queries
   * only:
   * - deploys with status succeeded or failed, and succeeded rollbacks,
   *   finished in [from, to), with the commits of the succeeded deploys;
   * - critical and major incidents (no environment counts as `production`)
   *   that started before `to` and are open or were resolved at or after
   *   `from`;
   * - cost records of the days [costFrom, costTo).
   */
  readWindow(query: MetricsWindowQuery): Promise<MetricsWindowData>;
}

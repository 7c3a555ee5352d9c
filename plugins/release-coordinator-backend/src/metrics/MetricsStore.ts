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

/**
 * The deployment facts of one entity over a time slot [start, end) that
 * lies within one UTC day: a whole day comes from the daily rollup, part
 * of a day from the rows themselves (or, with `joinWholeDays`, several
 * whole days summed).
 */
export interface DeploymentSlot {
  entityRef: string;
  start: number;
  end: number;
  /** Succeeded deploys (S of METRICS.md, within the slot). */
  succeeded: number;
  /** Failed deploys. */
  failed: number;
  /** Succeeded deploys that failed in production (METRICS.md 4). */
  failedInProduction: number;
  /** Succeeded rollbacks. */
  rollbacks: number;
  /**
   * Succeeded deploys that started while a critical or major incident of
   * their entity was open (METRICS.md 10; rollbacks are rework anyway).
   */
  reworkDeploys: number;
  /** Lead times of the succeeded deploys' commits, seconds, all > 0. */
  leadTimes: Float64Array;
  /** Durations of the finished deploys that have a startedAt, seconds. */
  durations: Float64Array;
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
  /**
   * Times between `from` and `to` where a window or bucket of the caller
   * ends; no slot spans one (nor a UTC midnight).
   */
  cuts: Date[];
  /** First cost day (inclusive), 'YYYY-MM-DD'. */
  costFrom: string;
  /** Last cost day (exclusive), 'YYYY-MM-DD'. */
  costTo: string;
  /**
   * Cost records per entity (true), or summed over the entities per day and
   * currency (false: `entityRef` and `source` are empty).
   */
  costPerEntity: boolean;
  /**
   * Whether the whole UTC days between two cuts may come as one slot, summed
   * over the days (samples ascending; callers must not modify them): for
   * callers that sum over the windows between cuts only. Default false.
   */
  joinWholeDays?: boolean;
}

/** The facts of a window. */
export interface MetricsWindowData {
  slots: DeploymentSlot[];
  incidents: MetricsIncident[];
  costs: MetricsCost[];
}

/** Read access to what the delivery metrics are computed from. */
export interface MetricsStore {
  /**
   * Reads, for the entities in the environment, with indexed range queries
   * only:
   * - the deployment facts of [from, to) as slots: each whole UTC day from
   *   the daily rollup, the partial days at the edges and around the cuts
   *   from the deployments themselves. Failures in production are
   *   attributed over every stored fact (METRICS.md 4), and so is rework
   *   (METRICS.md 10);
   * - critical and major incidents (no environment counts as `production`)
   *   that started before `to` and are open or were resolved at or after
   *   `from`;
   * - cost records of the days [costFrom, costTo).
   */
  readWindow(query: MetricsWindowQuery): Promise<MetricsWindowData>;
}

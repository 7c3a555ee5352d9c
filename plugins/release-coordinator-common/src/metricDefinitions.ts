/*
 * The pure definitions of METRICS.md (version 2) that both the backend and
 * the frontend need: DORA tier classification per report year, and the
 * human definition of every metric (shown on hover next to each number).
 */
import { DoraReportYear, DoraTier, MetricName } from './metrics';

/** Version of METRICS.md these definitions implement. */
export const METRIC_DEFINITIONS_VERSION = 2 as const;

/** The report year whose bands apply when none is configured. */
export const DEFAULT_DORA_REPORT_YEAR: DoraReportYear = 2023;

/** Report years with tier bands, for config validation. */
export const DORA_REPORT_YEARS: readonly DoraReportYear[] = [2021, 2023];

const DAY_SECONDS = 86400;
const HOUR_SECONDS = 3600;

/**
 * Lower bounds of a "higher is better" metric: elite if value ≥ elite,
 * high if ≥ high, medium if ≥ medium, else low.
 */
interface AtLeastBands {
  elite: number;
  high: number;
  medium: number;
}

/**
 * Upper bounds of a "lower is better" metric; `inclusive` says whether the
 * bound itself belongs to the better tier (≤) or not (<).
 */
interface AtMostBands {
  elite: number;
  high: number;
  medium: number;
  inclusive: boolean;
}

interface TierBands {
  deploymentFrequencyPerDay: AtLeastBands;
  leadTimeSeconds: AtMostBands;
  changeFailureRate: AtMostBands;
  recoverySeconds: AtMostBands;
}

/** The bands of METRICS.md "Metrics" (2023) and "Tier tables" (2021). */
const BANDS: Record<DoraReportYear, TierBands> = {
  2023: {
    deploymentFrequencyPerDay: { elite: 1, high: 1 / 7, medium: 1 / 30 },
    leadTimeSeconds: {
      elite: DAY_SECONDS,
      high: 7 * DAY_SECONDS,
      medium: 30 * DAY_SECONDS,
      inclusive: false,
    },
    changeFailureRate: {
      elite: 0.05,
      high: 0.1,
      medium: 0.15,
      inclusive: true,
    },
    recoverySeconds: {
      elite: HOUR_SECONDS,
      high: DAY_SECONDS,
      medium: 7 * DAY_SECONDS,
      inclusive: false,
    },
  },
  2021: {
    deploymentFrequencyPerDay: { elite: 1, high: 1 / 30, medium: 1 / 182 },
    leadTimeSeconds: {
      elite: HOUR_SECONDS,
      high: 7 * DAY_SECONDS,
      medium: 182 * DAY_SECONDS,
      inclusive: false,
    },
    changeFailureRate: {
      elite: 0.15,
      high: 0.2,
      medium: 0.3,
      inclusive: true,
    },
    recoverySeconds: {
      elite: HOUR_SECONDS,
      high: DAY_SECONDS,
      medium: 7 * DAY_SECONDS,
      inclusive: false,
    },
  },
};

function bandsOf(year: DoraReportYear | undefined): TierBands {
  const bands = BANDS[year ?? DEFAULT_DORA_REPORT_YEAR];
  if (!bands) {
    throw new Error(`No DORA tier bands for report year ${year}`);
  }
  return bands;
}

function atLeast(value: number, bands: AtLeastBands): DoraTier {
  if (value >= bands.elite) return 'elite';
  if (value >= bands.high) return 'high';
  if (value >= bands.medium) return 'medium';
  return 'low';
}

function atMost(value: number, bands: AtMostBands): DoraTier {
  const within = (bound: number) =>
    bands.inclusive ? value <= bound : value < bound;
  if (within(bands.elite)) return 'elite';
  if (within(bands.high)) return 'high';
  if (within(bands.medium)) return 'medium';
  return 'low';
}

/** Deployment frequency tier from succeeded deploys per day. */
export function deploymentFrequencyTier(
  perDay: number | null,
  reportYear?: DoraReportYear,
): DoraTier | null {
  return perDay === null
    ? null
    : atLeast(perDay, bandsOf(reportYear).deploymentFrequencyPerDay);
}

/** Lead time for changes tier from the median lead time in seconds. */
export function leadTimeTier(
  medianSeconds: number | null,
  reportYear?: DoraReportYear,
): DoraTier | null {
  return medianSeconds === null
    ? null
    : atMost(medianSeconds, bandsOf(reportYear).leadTimeSeconds);
}

/** Change failure rate tier from the rate (0..1). */
export function changeFailureRateTier(
  rate: number | null,
  reportYear?: DoraReportYear,
): DoraTier | null {
  return rate === null
    ? null
    : atMost(rate, bandsOf(reportYear).changeFailureRate);
}

/** Time to recovery tier from the median recovery time in seconds. */
export function recoveryTier(
  medianSeconds: number | null,
  reportYear?: DoraReportYear,
): DoraTier | null {
  return medianSeconds === null
    ? null
    : atMost(medianSeconds, bandsOf(reportYear).recoverySeconds);
}

/** Whether a configured value is a report year with tier bands. */
export function isDoraReportYear(value: unknown): value is DoraReportYear {
  return DORA_REPORT_YEARS.includes(value as DoraReportYear);
}

/** A metric's name, unit and definition as shown next to its number. */
export interface MetricDefinition {
  title: string;
  /** How the value reads, e.g. `per day`. */
  unit: string;
  /** One or two sentences from METRICS.md, for the hover text. */
  definition: string;
}

/** Human definitions of every metric, from METRICS.md (version 2). */
export const METRIC_DEFINITIONS: Record<MetricName, MetricDefinition> = {
  deploymentFrequency: {
    title: 'Deployment frequency',
    unit: 'per day',
    definition:
      'Succeeded deployments (kind deploy) that finished in the window, divided by the window length in days.',
  },
  deploymentSuccessRate: {
    title: 'Deployment success rate',
    unit: '%',
    definition:
      'Succeeded / (succeeded + failed) deployments that finished in the window. Cancelled and unfinished deployments are excluded.',
  },
  leadTimeForChanges: {
    title: 'Lead time for changes',
    unit: 'duration',
    definition:
      'Median time from a commit to the succeeded deployment that shipped it, over every (deployment, commit) pair in the window; pairs with zero or negative lead time are dropped.',
  },
  changeFailureRate: {
    title: 'Change failure rate',
    unit: '%',
    definition:
      "DORA's change fail rate. Share of succeeded deployments in the window that failed in production: rolled back, or followed by a critical or major incident before the next deployment. Each deployment counts once.",
  },
  meanTimeToRecovery: {
    // DORA's name since 2023; ours (meanTimeToRecovery) in the definition.
    title: 'Failed deployment recovery time',
    unit: 'duration',
    definition:
      "Our time to recovery (meanTimeToRecovery), DORA's failed deployment recovery time. Resolved minus started time of critical and major incidents resolved in the window; mean and median (the tier uses the median).",
  },
  uptime: {
    title: 'Uptime',
    unit: '%',
    definition:
      '1 − (time covered by critical incidents, overlaps merged, clipped to the window) / window length. Open incidents count until the end of the window. Roll-ups average the member entities.',
  },
  deploymentDuration: {
    title: 'Deployment duration',
    unit: 'duration',
    definition:
      'Finished minus started time of succeeded and failed deployments that finished in the window; median and 95th percentile (nearest rank).',
  },
  rollbackFrequency: {
    title: 'Rollback frequency',
    unit: 'per week',
    definition:
      'Succeeded rollbacks that finished in the window, per week and per succeeded deployment.',
  },
  infrastructureCost: {
    title: 'Infrastructure cost',
    unit: 'currency',
    definition:
      'Sum of daily cost records over the whole UTC days of the window before the day of its end (all sources added), per day and per succeeded deployment, with the change against the previous window. Several currencies are shown separately.',
  },
  deploymentReworkRate: {
    title: 'Deployment rework rate',
    unit: '%',
    definition:
      'DORA 2024. Share of succeeded deployments and rollbacks that finished in the window and were unplanned: every rollback, and every deployment that started while a critical or major incident of the same entity and environment was open (incidents without environment count as production). A deployment without a start time uses its finish time. No tier.',
  },
};

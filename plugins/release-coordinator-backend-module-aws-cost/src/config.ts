import { Config, readDurationFromConfig } from '@backstage/config';
import { Duration } from 'luxon';

/**
 * The Cost Explorer metrics that are an amount of money, and so can be
 * stored as daily cost (`UsageQuantity` and `NormalizedUsageAmount` are not).
 *
 * @public
 */
export const AWS_COST_METRICS = [
  'UnblendedCost',
  'AmortizedCost',
  'NetUnblendedCost',
  'NetAmortizedCost',
  'BlendedCost',
] as const;

/**
 * One of {@link AWS_COST_METRICS}.
 *
 * @public
 */
export type AwsCostMetric = (typeof AWS_COST_METRICS)[number];

/**
 * Settings of the Cost Explorer pull (`releaseCoordinator.awsCost`).
 *
 * @public
 */
export interface AwsCostSettings {
  /** Account whose credentials `@backstage/integration-aws-node` provides; its main account when absent. */
  accountId?: string;
  /** Region of the Cost Explorer endpoint (it is global, served from us-east-1). */
  region: string;
  metric: AwsCostMetric;
  /** How far back the first pull of an entity reaches, in days. */
  lookbackDays: number;
  /** Overrides the Cost Explorer endpoint (VPC endpoints, tests). */
  endpoint?: string;
  /** How long an estimated day's result is reused before it is asked for again. */
  cacheTtlMs: number;
}

const KEY = 'releaseCoordinator.awsCost';

/** Cost Explorer keeps 14 months of daily data; a year is what we ask for at most. */
export const MAX_LOOKBACK_DAYS = 365;
const DEFAULT_LOOKBACK_DAYS = 90;
const DEFAULT_CACHE_TTL = { hours: 6 };
const DEFAULT_REGION = 'us-east-1';

function invalid(key: string, message: string): Error {
  return new Error(`Invalid config: ${KEY}.${key} ${message}`);
}

/**
 * Reads `releaseCoordinator.awsCost`; undefined while it is absent (the
 * module then adds nothing). Throws naming the key on a bad value, so bad
 * config fails the backend's start.
 */
export function readAwsCostSettings(
  config: Config,
): AwsCostSettings | undefined {
  if (!config.has(KEY)) {
    return undefined;
  }
  const section = config.getConfig(KEY);

  const accountId = section.getOptionalString('accountId')?.trim();
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) {
    throw invalid(
      'accountId',
      `must be a 12-digit AWS account id, got ${accountId}`,
    );
  }

  const region = section.getOptionalString('region')?.trim() ?? DEFAULT_REGION;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw invalid(
      'region',
      `must be an AWS region such as us-east-1, got ${region}`,
    );
  }

  const metric = section.getOptionalString('metric') ?? 'UnblendedCost';
  if (!(AWS_COST_METRICS as readonly string[]).includes(metric)) {
    throw invalid(
      'metric',
      `must be one of ${AWS_COST_METRICS.join(', ')}, got ${metric}`,
    );
  }

  const lookbackDays =
    section.getOptionalNumber('lookbackDays') ?? DEFAULT_LOOKBACK_DAYS;
  if (
    !Number.isInteger(lookbackDays) ||
    lookbackDays < 1 ||
    lookbackDays > MAX_LOOKBACK_DAYS
  ) {
    throw invalid(
      'lookbackDays',
      `must be a whole number from 1 to ${MAX_LOOKBACK_DAYS}, got ${lookbackDays}`,
    );
  }

  const endpoint = section.getOptionalString('endpoint')?.trim();
  if (endpoint !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(endpoint).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'https:' && protocol !== 'http:') {
      throw invalid('endpoint', `must be an http(s) URL, got ${endpoint}`);
    }
  }

  let cacheTtlMs = Duration.fromObject(DEFAULT_CACHE_TTL).as('milliseconds');
  if (section.has('cacheTtl')) {
    try {
      cacheTtlMs = Duration.fromObject(
        readDurationFromConfig(section, { key: 'cacheTtl' }),
      ).as('milliseconds');
    } catch (error) {
      throw invalid(
        'cacheTtl',
        `must be a duration such as { hours: 6 } or '6h': ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
    if (!Number.isFinite(cacheTtlMs) || cacheTtlMs < 0) {
      throw invalid('cacheTtl', 'must not be negative');
    }
  }

  return {
    accountId,
    region,
    metric: metric as AwsCostMetric,
    lookbackDays,
    endpoint,
    cacheTtlMs,
  };
}

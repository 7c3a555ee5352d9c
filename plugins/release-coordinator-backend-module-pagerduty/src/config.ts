import { Config } from '@backstage/config';

/** Settings of the PagerDuty REST pull (`releaseCoordinator.pagerduty`). */
export interface PagerDutyApiSettings {
  token: string;
  /** Without a trailing slash. */
  baseUrl: string;
  lookbackDays: number;
}

const WEBHOOK_KEY = 'releaseCoordinator.webhooks.pagerduty';
const API_KEY = 'releaseCoordinator.pagerduty';

/** PagerDuty keeps `since`..`until` within 6 months. */
export const MAX_LOOKBACK_DAYS = 179;

function nonBlank(value: string | undefined, key: string): string | undefined {
  if (value !== undefined && value.trim() === '') {
    throw new Error(`Invalid config: ${key} must not be empty`);
  }
  return value;
}

/** The webhook signing secret; undefined while not configured (webhook off). */
export function readPagerDutyWebhookSecret(config: Config): string | undefined {
  return nonBlank(
    config.getOptionalString(`${WEBHOOK_KEY}.secret`),
    `${WEBHOOK_KEY}.secret`,
  );
}

/** The REST pull settings; undefined while no token is configured (pull off). */
export function readPagerDutyApiSettings(
  config: Config,
): PagerDutyApiSettings | undefined {
  const token = nonBlank(
    config.getOptionalString(`${API_KEY}.token`),
    `${API_KEY}.token`,
  );
  if (token === undefined) {
    return undefined;
  }
  const baseUrl =
    config.getOptionalString(`${API_KEY}.baseUrl`) ??
    'https://api.pagerduty.com';
  try {
    const { protocol } = new URL(baseUrl);
    if (protocol !== 'https:' && protocol !== 'http:') {
      throw new Error(protocol);
    }
  } catch {
    throw new Error(
      `Invalid config: ${API_KEY}.baseUrl must be an http(s) URL, got ${baseUrl}`,
    );
  }
  const lookbackDays =
    config.getOptionalNumber(`${API_KEY}.lookbackDays`) ?? 30;
  if (
    !Number.isInteger(lookbackDays) ||
    lookbackDays < 1 ||
    lookbackDays > MAX_LOOKBACK_DAYS
  ) {
    throw new Error(
      `Invalid config: ${API_KEY}.lookbackDays must be a whole number from 1 to ${MAX_LOOKBACK_DAYS}, got ${lookbackDays}`,
    );
  }
  return { token, baseUrl: baseUrl.replace(/\/+$/, ''), lookbackDays };
}

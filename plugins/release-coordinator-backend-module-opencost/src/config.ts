import { Config, readDurationFromConfig } from '@backstage/config';
import { Duration } from 'luxon';

/** Settings of the OpenCost allocation pull (`releaseCoordinator.opencost`). */
export interface OpenCostSettings {
  /** Without a trailing slash, e.g. `http://opencost.opencost:9003`. */
  baseUrl: string;
  /** ISO 4217 code of the currency OpenCost reports in. */
  currency: string;
  /** How far back the first pull of an aggregation reaches, in days. */
  lookbackDays: number;
  /** Prometheus query resolution OpenCost uses, e.g. `10m`. */
  resolution: string;
  /** Longest wait for one `GET /allocation` answer. */
  requestTimeoutMs: number;
  /** Extra request headers, including `Authorization` when a token is set. */
  headers: Record<string, string>;
}

const KEY = 'releaseCoordinator.opencost';

/** The furthest back a first pull reaches; older data is rarely kept by OpenCost's Prometheus. */
export const MAX_LOOKBACK_DAYS = 365;
const DEFAULT_LOOKBACK_DAYS = 30;
const DEFAULT_RESOLUTION = '10m';
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

function invalid(key: string, message: string): Error {
  return new Error(`Invalid config: ${KEY}.${key} ${message}`);
}

/**
 * Reads `releaseCoordinator.opencost`; undefined while it is absent (the
 * module then registers nothing). Throws naming the key on bad values.
 */
export function readOpenCostSettings(
  config: Config,
): OpenCostSettings | undefined {
  const section = config.getOptionalConfig(KEY);
  if (!section) {
    return undefined;
  }
  const rawBaseUrl = section.getString('baseUrl').trim();
  try {
    const { protocol } = new URL(rawBaseUrl);
    if (protocol !== 'https:' && protocol !== 'http:') {
      throw new Error(protocol);
    }
  } catch {
    throw invalid('baseUrl', `must be an http(s) URL, got ${rawBaseUrl}`);
  }

  const currency = section.getOptionalString('currency') ?? 'USD';
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw invalid(
      'currency',
      `must be an ISO 4217 code of 3 upper-case letters, got ${currency}`,
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

  const resolution =
    section.getOptionalString('resolution') ?? DEFAULT_RESOLUTION;
  if (!/^\d+[smhd]$/.test(resolution)) {
    throw invalid(
      'resolution',
      `must be a duration like 1m, 10m or 1h, got ${resolution}`,
    );
  }

  const requestTimeoutMs = section.has('requestTimeout')
    ? Duration.fromObject(
        readDurationFromConfig(section, { key: 'requestTimeout' }),
      ).toMillis()
    : DEFAULT_REQUEST_TIMEOUT_MS;
  if (!(requestTimeoutMs > 0)) {
    throw invalid('requestTimeout', 'must be longer than zero');
  }

  const headers: Record<string, string> = {};
  const headersConfig = section.getOptionalConfig('headers');
  if (headersConfig) {
    for (const name of headersConfig.keys()) {
      headers[name] = headersConfig.getString(name);
    }
  }
  const token = section.getOptionalString('token');
  if (token !== undefined) {
    if (token.trim() === '') {
      throw invalid('token', 'must not be empty');
    }
    if (Object.keys(headers).some(h => h.toLowerCase() === 'authorization')) {
      throw invalid(
        'token',
        'cannot be combined with an Authorization entry in headers',
      );
    }
    headers.Authorization = `Bearer ${token}`;
  }

  return {
    baseUrl: rawBaseUrl.replace(/\/+$/, ''),
    currency,
    lookbackDays,
    resolution,
    requestTimeoutMs,
    headers,
  };
}

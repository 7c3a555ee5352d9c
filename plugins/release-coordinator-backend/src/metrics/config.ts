import { Config, readDurationFromConfig } from '@backstage/config';
import { HumanDuration } from '@backstage/types';
import {
  DEFAULT_DORA_REPORT_YEAR,
  DORA_REPORT_YEARS,
  DoraReportYear,
  isDoraReportYear,
} from '@release-coordinator/backstage-plugin-common';

const REPORT_YEAR_KEY = 'releaseCoordinator.metrics.doraReportYear';

/**
 * `releaseCoordinator.metrics.doraReportYear`: the tier bands; a year
 * without bands fails the start with the key named.
 */
export function readDoraReportYear(config: Config): DoraReportYear {
  const year = config.getOptionalNumber(REPORT_YEAR_KEY);
  if (year === undefined) {
    return DEFAULT_DORA_REPORT_YEAR;
  }
  if (!isDoraReportYear(year)) {
    throw new Error(
      `Invalid config ${REPORT_YEAR_KEY}: ${year}; expected one of ${DORA_REPORT_YEARS.join(
        ', ',
      )}`,
    );
  }
  return year;
}

const ROLLUP_REFRESH_KEY = 'releaseCoordinator.metrics.rollupRefreshFrequency';

/**
 * `releaseCoordinator.metrics.rollupRefreshFrequency`: how often the
 * background task recomputes changed rollups (default 30 seconds).
 */
export function readRollupRefreshFrequency(config: Config): HumanDuration {
  return config.has(ROLLUP_REFRESH_KEY)
    ? readDurationFromConfig(config, { key: ROLLUP_REFRESH_KEY })
    : { seconds: 30 };
}

const ROLLUP_MEMORY_KEY = 'releaseCoordinator.metrics.rollupMemoryMiB';

/**
 * `releaseCoordinator.metrics.rollupMemoryMiB`: the bytes each backend may
 * keep for roll-ups' runs of days (default 64 MiB; 0: none). Anything but a
 * number from 0 to 65,536 fails the start with the key named.
 */
export function readRollupMemoryBytes(config: Config): number {
  const mib = config.getOptionalNumber(ROLLUP_MEMORY_KEY) ?? 64;
  if (!Number.isFinite(mib) || mib < 0 || mib > 65_536) {
    throw new Error(
      `Invalid config ${ROLLUP_MEMORY_KEY}: ${mib}; expected a number of MiB from 0 to 65536`,
    );
  }
  return Math.floor(mib * 1024 * 1024);
}

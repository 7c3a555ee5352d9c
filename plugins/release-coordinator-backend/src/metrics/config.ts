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

import { Config } from '@backstage/config';
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

import { Config } from '@backstage/config';
import {
  FINDING_SEVERITIES,
  FindingSeverity,
} from '@release-coordinator/backstage-plugin-common';

/** Items a findings report (SARIF, Trivy, Grype) can decide. */
export const FINDINGS_ITEMS = [
  'security-scan',
  'secrets-not-exposed',
  'image-scanned',
] as const;

/** One of {@link FINDINGS_ITEMS}. */
export type FindingsItem = (typeof FINDINGS_ITEMS)[number];

/** `releaseCoordinator.reports` (docs/evidence.md#configuration). */
export interface ReportSettings {
  /** Largest report body accepted, in bytes. */
  maxBytes: number;
  /** Test kind (unit, integration, e2e) → globs of suite or report names. */
  testKinds: Record<string, string[]>;
  /** SARIF tool names (lower case) whose results go to `secrets-not-exposed`. */
  secretScanners: string[];
  /** Findings at or above this severity fail the item. */
  failAt: Record<FindingsItem, FindingSeverity>;
}

/** 20 MB. */
export const DEFAULT_MAX_REPORT_BYTES = 20 * 1024 * 1024;

export const DEFAULT_SECRET_SCANNERS = [
  'gitleaks',
  'trufflehog',
  'detect-secrets',
  'ggshield',
  'github secret scanning',
];

const DEFAULT_FAIL_AT: Record<FindingsItem, FindingSeverity> = {
  'security-scan': 'high',
  // Any leaked secret fails, whatever the scanner calls it.
  'secrets-not-exposed': 'low',
  'image-scanned': 'high',
};

const KEY = 'releaseCoordinator.reports';

/** Reads `releaseCoordinator.reports`; bad values fail the start, key named. */
export function readReportSettings(config: Config): ReportSettings {
  const reports = config.getOptionalConfig(KEY);
  const maxBytes = reports?.getOptionalNumber('maxBytes');
  if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes < 1)) {
    throw new Error(
      `Invalid config at ${KEY}.maxBytes: expected a positive integer, got ${maxBytes}`,
    );
  }
  const kindsConfig = reports?.getOptionalConfig('testKinds');
  const testKinds: Record<string, string[]> = {};
  for (const kind of kindsConfig?.keys() ?? []) {
    const globs = kindsConfig!.getStringArray(kind);
    if (globs.length === 0) {
      throw new Error(
        `Invalid config at ${KEY}.testKinds.${kind}: give at least one suite name pattern`,
      );
    }
    testKinds[kind] = globs;
  }
  const failAt = { ...DEFAULT_FAIL_AT };
  const failAtConfig = reports?.getOptionalConfig('failAt');
  for (const item of failAtConfig?.keys() ?? []) {
    if (!(item in DEFAULT_FAIL_AT)) {
      throw new Error(
        `Invalid config at ${KEY}.failAt.${item}: not a findings item; use ${Object.keys(
          DEFAULT_FAIL_AT,
        ).join(', ')}`,
      );
    }
    const severity = failAtConfig!.getString(item).toLowerCase();
    if (!(FINDING_SEVERITIES as readonly string[]).includes(severity)) {
      throw new Error(
        `Invalid config at ${KEY}.failAt.${item}: '${severity}' is not one of ${FINDING_SEVERITIES.join(
          ', ',
        )}`,
      );
    }
    failAt[item as FindingsItem] = severity as FindingSeverity;
  }
  return {
    maxBytes: maxBytes ?? DEFAULT_MAX_REPORT_BYTES,
    testKinds,
    secretScanners: (
      reports?.getOptionalStringArray('secretScanners') ??
      DEFAULT_SECRET_SCANNERS
    ).map(s => s.toLowerCase()),
    failAt,
  };
}

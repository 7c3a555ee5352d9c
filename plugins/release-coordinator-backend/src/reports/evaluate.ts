import { ConflictError, InputError } from '@backstage/errors';
import {
  ChecklistItemStatus,
  EvidenceReport,
  FindingSeverity,
  TestTotals,
} from '@release-coordinator/backstage-plugin-common';
import { FindingsItem, FINDINGS_ITEMS, ReportSettings } from './config';
import { FindingsReport, severityRank } from './findings';
import { isGreen, kindOf, sum, totalsByKind } from './junit';
import { ParsedReport } from './parseReport';

/** The most failing suites and findings kept on the item. */
export const MAX_FAILING_SUITES = 20;
export const MAX_TOP_FINDINGS = 10;

/** What a report decides for one checklist item. */
export interface ReportDecision {
  itemId: string;
  status: Extract<ChecklistItemStatus, 'passed' | 'failed'>;
  /** Short text shown on the item, e.g. `4 of 6 passed`, `80%`. */
  value: string;
  report: EvidenceReport;
}

/** The items a parsed report may decide. */
function allowedItems(parsed: ParsedReport): readonly string[] {
  if (parsed.type === 'tests') return ['tests-passing'];
  if (parsed.type === 'coverage') return ['code-coverage'];
  return parsed.format === 'sarif' ? FINDINGS_ITEMS : ['image-scanned'];
}

/** The item a parsed report feeds: the named one, or the default for its type. */
export function itemForReport(
  parsed: ParsedReport,
  named: string | undefined,
  settings: ReportSettings,
): string {
  const allowed = allowedItems(parsed);
  if (named !== undefined) {
    if (!allowed.includes(named)) {
      throw new InputError(
        `item: a ${
          parsed.format
        } report cannot decide '${named}'; it feeds ${allowed.join(' or ')}`,
      );
    }
    return named;
  }
  if (parsed.type === 'findings' && parsed.format === 'sarif') {
    const tools = parsed.findings.tool.toLowerCase().split(', ');
    return tools.some(t => settings.secretScanners.includes(t))
      ? 'secrets-not-exposed'
      : 'security-scan';
  }
  return allowed[0];
}

/**
 * The image digest an image scan is bound to: the release's, which must be
 * among the report's digests (or the one named with `?artifactDigest=`).
 * Another image → 409 naming both digests.
 */
export function assertSameImage(
  findings: FindingsReport,
  named: string | undefined,
  releaseDigest: string | undefined,
): string {
  const reportDigests = findings.digests ?? [];
  if (named && reportDigests.length > 0 && !reportDigests.includes(named)) {
    throw new InputError(
      `artifactDigest: ${named} is not a digest of the scanned image (${reportDigests.join(
        ', ',
      )})`,
    );
  }
  const scanned = named ? [named] : reportDigests;
  if (scanned.length === 0) {
    throw new InputError(
      'artifactDigest: the report names no image digest (sha256:…); pass ?artifactDigest=',
    );
  }
  if (!releaseDigest || !scanned.includes(releaseDigest)) {
    throw new ConflictError(
      `The report is for image digest ${scanned.join(
        ', ',
      )}, but the release is at artifact digest ${releaseDigest ?? '(none)'}`,
    );
  }
  return releaseDigest;
}

function describeTotals(t: TestTotals): string {
  const passed = t.tests - t.failures - t.errors - t.skipped;
  const broken = t.failures + t.errors;
  return `${passed} of ${t.tests - t.skipped} passed${
    broken > 0 ? `, ${broken} failed` : ''
  }${t.skipped > 0 ? `, ${t.skipped} skipped` : ''}`;
}

function decideTests(
  parsed: Extract<ParsedReport, { type: 'tests' }>,
  settings: ReportSettings,
  previous: EvidenceReport | undefined,
): ReportDecision {
  const { tests } = parsed;
  const failing = tests.suites
    .filter(s => s.failures + s.errors > 0)
    .map(s => ({ ...s }));
  const configured = Object.keys(settings.testKinds);
  if (configured.length === 0) {
    return {
      itemId: 'tests-passing',
      status: isGreen(tests.totals) ? 'passed' : 'failed',
      value: describeTotals(tests.totals),
      report: {
        type: 'tests',
        format: parsed.format,
        totals: tests.totals,
        failingSuites: failing.slice(0, MAX_FAILING_SUITES),
      },
    };
  }
  // Each report brings some kinds; the kinds of earlier reports stay until
  // a report of the same kind replaces them.
  const fresh = totalsByKind(tests, settings.testKinds);
  const earlier = previous?.type === 'tests' ? previous : undefined;
  const kinds: Record<string, TestTotals> = {
    ...(earlier?.kinds ?? {}),
    ...fresh,
  };
  const keptFailing = (earlier?.failingSuites ?? []).filter(
    s => !(s.kind && s.kind in fresh),
  );
  const failingSuites = [
    ...failing.map(s => {
      const kind = kindOf(s.name, tests.name, settings.testKinds);
      return { ...s, ...(kind && { kind }) };
    }),
    ...keptFailing,
  ].slice(0, MAX_FAILING_SUITES);
  const missingKinds = configured.filter(kind => !(kind in kinds));
  const totals = sum(Object.values(kinds));
  const green =
    missingKinds.length === 0 && configured.every(kind => isGreen(kinds[kind]));
  return {
    itemId: 'tests-passing',
    status: green ? 'passed' : 'failed',
    value: `${describeTotals(totals)}${
      missingKinds.length > 0 ? `; no ${missingKinds.join(', ')} tests yet` : ''
    }`,
    report: {
      type: 'tests',
      format: parsed.format,
      totals,
      kinds,
      ...(missingKinds.length > 0 && { missingKinds }),
      failingSuites,
    },
  };
}

function describeCounts(counts: Record<FindingSeverity, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${n} ${severity}`);
  return parts.length > 0 ? parts.join(', ') : 'no findings';
}

/**
 * What a parsed report decides for its item (docs/evidence.md): tests green
 * (per configured kind), coverage at or above the threshold, no finding at
 * or above the item's severity.
 */
export function decide(options: {
  parsed: ParsedReport;
  itemId: string;
  settings: ReportSettings;
  coverageThreshold: number;
  previous?: EvidenceReport;
  artifactDigest?: string;
}): ReportDecision {
  const { parsed, itemId, settings } = options;
  if (parsed.type === 'tests') {
    return decideTests(parsed, settings, options.previous);
  }
  if (parsed.type === 'coverage') {
    const { linePct, branchPct } = parsed.coverage;
    return {
      itemId,
      status: linePct >= options.coverageThreshold ? 'passed' : 'failed',
      value: String(linePct),
      report: {
        type: 'coverage',
        format: parsed.format,
        linePct,
        ...(branchPct !== undefined && { branchPct }),
        threshold: options.coverageThreshold,
      },
    };
  }
  const failAt = settings.failAt[itemId as FindingsItem];
  const { findings } = parsed;
  const failing = findings.findings.some(
    f => severityRank(f.severity) <= severityRank(failAt),
  );
  return {
    itemId,
    status: failing ? 'failed' : 'passed',
    value: describeCounts(findings.counts),
    report: {
      type: 'findings',
      format: parsed.format,
      tool: findings.tool,
      counts: findings.counts,
      failAt,
      top: findings.findings.slice(0, MAX_TOP_FINDINGS),
      ...(options.artifactDigest && { artifactDigest: options.artifactDigest }),
    },
  };
}

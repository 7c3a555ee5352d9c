import { InputError } from '@backstage/errors';
import {
  parseCobertura,
  parseIstanbulSummary,
  parseJaCoCo,
  parseLcov,
  CoverageReport,
} from './coverage';
import { FindingsReport, parseGrype, parseSarif, parseTrivy } from './findings';
import { JUnitReport, parseJUnit } from './junit';

/** The report formats `POST /releases/:id/reports` reads (docs/evidence.md). */
export const REPORT_FORMATS = [
  'junit',
  'lcov',
  'cobertura',
  'istanbul',
  'jacoco',
  'sarif',
  'trivy',
  'grype',
] as const;

/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A parsed report of any format. */
export type ParsedReport =
  | { format: 'junit'; type: 'tests'; tests: JUnitReport }
  | {
      format: 'lcov' | 'cobertura' | 'istanbul' | 'jacoco';
      type: 'coverage';
      coverage: CoverageReport;
    }
  | {
      format: 'sarif' | 'trivy' | 'grype';
      type: 'findings';
      findings: FindingsReport;
    };

/**
 * Guesses the format of a report from its first bytes: the XML root element,
 * the JSON keys, or LCOV's `TN:`/`SF:` lines. Undefined when unknown.
 */
export function sniffFormat(text: string): ReportFormat | undefined {
  const head = text
    .slice(0, 4096)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('<')) {
    // Skip the prolog, comments and doctype to the root element.
    const root = head
      .replace(/<\?[\s\S]*?\?>/g, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<!DOCTYPE[^>]*>/gi, '')
      .trimStart()
      .match(/^<([A-Za-z_][\w.-]*)/)?.[1];
    if (root === 'testsuites' || root === 'testsuite') return 'junit';
    if (root === 'coverage') return 'cobertura';
    if (root === 'report') return 'jacoco';
    return undefined;
  }
  if (head.startsWith('{')) {
    if (/"\$schema"\s*:\s*"[^"]*sarif/i.test(head) || /"runs"\s*:/.test(head)) {
      return /"version"\s*:\s*"2\.1\.0"/.test(text.slice(0, 65536)) ||
        /"runs"\s*:/.test(head)
        ? 'sarif'
        : undefined;
    }
    if (/"SchemaVersion"\s*:/.test(head)) return 'trivy';
    if (/"matches"\s*:/.test(head)) return 'grype';
    if (/"total"\s*:\s*\{/.test(head)) return 'istanbul';
    return undefined;
  }
  if (/^(TN|SF):/m.test(head)) return 'lcov';
  return undefined;
}

/**
 * Parses a report of the named format, or of the sniffed one when no format
 * is named. Throws {@link InputError} naming the line or field that is wrong.
 */
export function parseReport(text: string, format?: string): ParsedReport {
  const chosen = format ?? sniffFormat(text);
  if (!chosen) {
    throw new InputError(
      `format: could not recognise the report; name it with ?format= (one of ${REPORT_FORMATS.join(
        ', ',
      )})`,
    );
  }
  switch (chosen) {
    case 'junit':
      return { format: chosen, type: 'tests', tests: parseJUnit(text) };
    case 'lcov':
      return { format: chosen, type: 'coverage', coverage: parseLcov(text) };
    case 'cobertura':
      return {
        format: chosen,
        type: 'coverage',
        coverage: parseCobertura(text),
      };
    case 'istanbul':
      return {
        format: chosen,
        type: 'coverage',
        coverage: parseIstanbulSummary(text),
      };
    case 'jacoco':
      return { format: chosen, type: 'coverage', coverage: parseJaCoCo(text) };
    case 'sarif':
      return { format: chosen, type: 'findings', findings: parseSarif(text) };
    case 'trivy':
      return { format: chosen, type: 'findings', findings: parseTrivy(text) };
    case 'grype':
      return { format: chosen, type: 'findings', findings: parseGrype(text) };
    default:
      throw new InputError(
        `format: '${chosen}' is not a report format; use one of ${REPORT_FORMATS.join(
          ', ',
        )}`,
      );
  }
}

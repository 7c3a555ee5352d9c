import { InputError } from '@backstage/errors';
import { TestTotals } from '@release-coordinator/backstage-plugin-common';
import { attrNumber, parseXml } from './xml';

/** One `<testsuite>` of a JUnit report. */
export interface JUnitSuite extends TestTotals {
  name: string;
}

/** A parsed JUnit XML report (docs/evidence.md#junit). */
export interface JUnitReport {
  /** `name` of `<testsuites>`, when given (e.g. `jest tests`). */
  name?: string;
  totals: TestTotals;
  suites: JUnitSuite[];
}

const FORMAT = 'JUnit XML';

function countCases(cases: any[], key: string): number {
  return cases.filter(c => c && typeof c === 'object' && c[key] !== undefined)
    .length;
}

function readSuite(suite: any, field: string): JUnitSuite {
  if (!suite || typeof suite !== 'object') {
    throw new InputError(`Malformed ${FORMAT} report: ${field} is empty`);
  }
  const cases: any[] = suite.testcase ?? [];
  const nested: any[] = suite.testsuite ?? [];
  const name = String(suite.name ?? `suite ${field}`);
  if (nested.length > 0 && cases.length === 0) {
    // Some tools nest suites; add up their children.
    const children = nested.map((s, i) =>
      readSuite(s, `${field}.testsuite[${i}]`),
    );
    return { name, ...sum(children) };
  }
  if (cases.length > 0) {
    const failures = countCases(cases, 'failure');
    const errors = countCases(cases, 'error');
    const skipped = countCases(cases, 'skipped');
    return { name, tests: cases.length, failures, errors, skipped };
  }
  return {
    name,
    tests: attrNumber(suite.tests, `${field}@tests`, FORMAT),
    failures: attrNumber(suite.failures, `${field}@failures`, FORMAT, 0),
    errors: attrNumber(suite.errors, `${field}@errors`, FORMAT, 0),
    skipped: attrNumber(
      suite.skipped ?? suite.disabled,
      `${field}@skipped`,
      FORMAT,
      0,
    ),
  };
}

/** Adds up test totals. */
export function sum(totals: TestTotals[]): TestTotals {
  return totals.reduce(
    (acc, t) => ({
      tests: acc.tests + t.tests,
      failures: acc.failures + t.failures,
      errors: acc.errors + t.errors,
      skipped: acc.skipped + t.skipped,
    }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
}

/**
 * Reads a JUnit XML report (`<testsuites>` or a single `<testsuite>`), as
 * written by jest-junit, Surefire, pytest and most CI tools. Totals are
 * counted from the `<testcase>` elements where present, else read from the
 * suite's attributes.
 */
export function parseJUnit(text: string): JUnitReport {
  const doc = parseXml(text, FORMAT, ['testsuite', 'testcase']);
  let name: string | undefined;
  let suites: any[];
  let field: string;
  if (doc.testsuites !== undefined) {
    const root = doc.testsuites === '' ? {} : doc.testsuites;
    name = root.name !== undefined ? String(root.name) : undefined;
    suites = root.testsuite ?? [];
    field = 'testsuites.testsuite';
  } else if (doc.testsuite !== undefined) {
    suites = doc.testsuite;
    field = 'testsuite';
  } else {
    throw new InputError(
      `Malformed ${FORMAT} report: the root element must be <testsuites> or <testsuite>`,
    );
  }
  const parsed = suites.map((s, i) => readSuite(s, `${field}[${i}]`));
  return { name, totals: sum(parsed), suites: parsed };
}

/** Whether totals are green: at least one test ran and none failed. */
export function isGreen(totals: TestTotals): boolean {
  return (
    totals.tests - totals.skipped > 0 &&
    totals.failures === 0 &&
    totals.errors === 0
  );
}

/**
 * Kinds (unit, integration, e2e) of a report's suites by the configured
 * mapping: a suite belongs to the first kind one of whose patterns matches
 * its name or the report's name. Patterns are globs (`*` = any characters),
 * matched case-insensitively. Unmapped suites belong to no kind.
 */
export function totalsByKind(
  report: JUnitReport,
  kinds: Record<string, string[]>,
): Record<string, TestTotals> {
  const byKind: Record<string, TestTotals[]> = {};
  for (const suite of report.suites) {
    const kind = kindOf(suite.name, report.name, kinds);
    if (kind) {
      (byKind[kind] ??= []).push(suite);
    }
  }
  return Object.fromEntries(
    Object.entries(byKind).map(([kind, totals]) => [kind, sum(totals)]),
  );
}

/** The kind of one suite by the mapping of {@link totalsByKind}. */
export function kindOf(
  suiteName: string,
  reportName: string | undefined,
  kinds: Record<string, string[]>,
): string | undefined {
  return Object.entries(kinds).find(([, patterns]) =>
    patterns
      .map(globToRegExp)
      .some(r => r.test(suiteName) || (reportName && r.test(reportName))),
  )?.[0];
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'i');
}

import { InputError } from '@backstage/errors';
import { attrNumber, parseXml, pct } from './xml';

/** Line (and branch, where the format gives it) coverage of a report. */
export interface CoverageReport {
  linePct: number;
  branchPct?: number;
}

function fromCounts(
  lines: { covered: number; total: number },
  branches?: { covered: number; total: number },
): CoverageReport {
  return {
    linePct: pct(lines.covered, lines.total),
    ...(branches &&
      branches.total > 0 && {
        branchPct: pct(branches.covered, branches.total),
      }),
  };
}

const LCOV_KEYS = new Set([
  'TN',
  'SF',
  'VER',
  'FN',
  'FNDA',
  'FNF',
  'FNH',
  'FNL',
  'FNA',
  'DA',
  'BRDA',
  'BRF',
  'BRH',
  'LF',
  'LH',
]);

/**
 * Reads an LCOV trace file (`lcov.info`): sums `LF`/`LH` and `BRF`/`BRH` of
 * every record. A line that is not `KEY:value` or `end_of_record` is refused
 * with its line number.
 */
export function parseLcov(text: string): CoverageReport {
  const lines = { covered: 0, total: 0 };
  const branches = { covered: 0, total: 0 };
  let records = 0;
  let inRecord = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const at = `line ${index + 1}`;
    if (line === '') {
      return;
    }
    if (line === 'end_of_record') {
      if (!inRecord) {
        throw new InputError(
          `Malformed LCOV report: ${at}: end_of_record without SF:`,
        );
      }
      inRecord = false;
      records += 1;
      return;
    }
    const match = line.match(/^([A-Z]+):(.*)$/);
    if (!match || !LCOV_KEYS.has(match[1])) {
      throw new InputError(
        `Malformed LCOV report: ${at}: expected KEY:value, got '${line.slice(
          0,
          80,
        )}'`,
      );
    }
    const [, key, value] = match;
    if (key === 'SF') {
      inRecord = true;
    }
    const count = () => attrNumber(value, `${at} ${key}`, 'LCOV');
    if (key === 'LF') lines.total += count();
    if (key === 'LH') lines.covered += count();
    if (key === 'BRF') branches.total += count();
    if (key === 'BRH') branches.covered += count();
  });
  if (records === 0) {
    throw new InputError(
      'Malformed LCOV report: no SF: ... end_of_record record found',
    );
  }
  return fromCounts(lines, branches);
}

/**
 * Reads a Cobertura XML report (`cobertura-coverage.xml`): the root
 * `<coverage>`'s `lines-covered`/`lines-valid` (and branches), or its
 * `line-rate`/`branch-rate` when the counts are absent.
 */
export function parseCobertura(text: string): CoverageReport {
  const doc = parseXml(text, 'Cobertura XML', []);
  const root = doc.coverage;
  if (!root || typeof root !== 'object') {
    throw new InputError(
      'Malformed Cobertura XML report: the root element must be <coverage>',
    );
  }
  const F = 'Cobertura XML';
  if (root['lines-valid'] !== undefined) {
    const lines = {
      covered: attrNumber(root['lines-covered'], 'coverage@lines-covered', F),
      total: attrNumber(root['lines-valid'], 'coverage@lines-valid', F),
    };
    const branches =
      root['branches-valid'] !== undefined
        ? {
            covered: attrNumber(
              root['branches-covered'],
              'coverage@branches-covered',
              F,
            ),
            total: attrNumber(
              root['branches-valid'],
              'coverage@branches-valid',
              F,
            ),
          }
        : undefined;
    return fromCounts(lines, branches);
  }
  const lineRate = attrNumber(root['line-rate'], 'coverage@line-rate', F);
  const branchRate =
    root['branch-rate'] !== undefined
      ? attrNumber(root['branch-rate'], 'coverage@branch-rate', F)
      : undefined;
  if (lineRate > 1 || (branchRate ?? 0) > 1) {
    throw new InputError(
      'Malformed Cobertura XML report: coverage@line-rate and @branch-rate must be between 0 and 1',
    );
  }
  return {
    linePct: Math.round(lineRate * 10000) / 100,
    ...(branchRate !== undefined && {
      branchPct: Math.round(branchRate * 10000) / 100,
    }),
  };
}

/**
 * Reads Istanbul's `coverage-summary.json` (Jest `--coverageReporters
 * json-summary`): `total.lines` and `total.branches`.
 */
export function parseIstanbulSummary(text: string): CoverageReport {
  const doc = parseJson(text, 'Istanbul coverage-summary.json');
  const total = doc?.total;
  const F = 'Istanbul coverage-summary.json';
  if (!total || typeof total !== 'object' || !total.lines) {
    throw new InputError(`Malformed ${F} report: total.lines is missing`);
  }
  const read = (key: 'lines' | 'branches') => ({
    covered: attrNumber(total[key]?.covered, `total.${key}.covered`, F),
    total: attrNumber(total[key]?.total, `total.${key}.total`, F),
  });
  return fromCounts(
    read('lines'),
    total.branches ? read('branches') : undefined,
  );
}

/**
 * Reads a JaCoCo XML report (`jacoco.xml`): the `LINE` and `BRANCH`
 * counters that are direct children of `<report>` (the whole report).
 */
export function parseJaCoCo(text: string): CoverageReport {
  const doc = parseXml(text, 'JaCoCo XML', ['counter']);
  const F = 'JaCoCo XML';
  const report = doc.report;
  if (!report || typeof report !== 'object') {
    throw new InputError(
      `Malformed ${F} report: the root element must be <report>`,
    );
  }
  const counters: any[] = report.counter ?? [];
  const read = (type: string) => {
    const index = counters.findIndex(c => c?.type === type);
    if (index < 0) {
      return undefined;
    }
    const c = counters[index];
    const missed = attrNumber(c.missed, `report.counter[${index}]@missed`, F);
    const covered = attrNumber(
      c.covered,
      `report.counter[${index}]@covered`,
      F,
    );
    return { covered, total: covered + missed };
  };
  const lines = read('LINE');
  if (!lines) {
    throw new InputError(
      `Malformed ${F} report: <report> has no <counter type="LINE">`,
    );
  }
  return fromCounts(lines, read('BRANCH'));
}

/** JSON.parse with an error naming the position. */
export function parseJson(text: string, format: string): any {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `Malformed ${format} report: ${(error as Error).message}`,
    );
  }
}

import { readFileSync } from 'fs';
import { join } from 'path';
import { parseReport, sniffFormat } from './parseReport';
import { totalsByKind } from './junit';

const fixture = (name: string) =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

describe('JUnit XML', () => {
  it('counts jest-junit totals per suite from the test cases', () => {
    const parsed = parseReport(fixture('jest-junit.xml'), 'junit');
    if (parsed.type !== 'tests') throw new Error(parsed.type);
    expect(parsed.tests.name).toBe('jest tests');
    expect(parsed.tests.totals).toEqual({
      tests: 6,
      failures: 1,
      errors: 0,
      skipped: 1,
    });
    expect(parsed.tests.suites.map(s => [s.name, s.failures])).toEqual([
      ['src/math.test.ts', 0],
      ['src/api.integration.test.ts', 1],
      ['e2e/portal.test.ts', 0],
    ]);
  });

  it('reads a single Surefire <testsuite>', () => {
    const parsed = parseReport(fixture('surefire-junit.xml'));
    expect(parsed.format).toBe('junit');
    if (parsed.type !== 'tests') throw new Error(parsed.type);
    expect(parsed.tests.totals).toEqual({
      tests: 4,
      failures: 0,
      errors: 0,
      skipped: 0,
    });
  });

  it('reads totals from attributes when a suite lists no cases', () => {
    const parsed = parseReport(
      '<testsuites><testsuite name="a" tests="5" failures="2" errors="1" skipped="1"/></testsuites>',
      'junit',
    );
    if (parsed.type !== 'tests') throw new Error(parsed.type);
    expect(parsed.tests.totals).toEqual({
      tests: 5,
      failures: 2,
      errors: 1,
      skipped: 1,
    });
  });

  it('maps suites to kinds by glob on the suite or report name', () => {
    const parsed = parseReport(fixture('jest-junit.xml'), 'junit');
    if (parsed.type !== 'tests') throw new Error(parsed.type);
    expect(
      totalsByKind(parsed.tests, {
        e2e: ['e2e/*'],
        integration: ['*.integration.test.*'],
        unit: ['src/*'],
      }),
    ).toEqual({
      unit: { tests: 2, failures: 0, errors: 0, skipped: 0 },
      integration: { tests: 3, failures: 1, errors: 0, skipped: 1 },
      e2e: { tests: 1, failures: 0, errors: 0, skipped: 0 },
    });
    expect(totalsByKind(parsed.tests, { unit: ['JEST TESTS'] })).toEqual({
      unit: { tests: 6, failures: 1, errors: 0, skipped: 1 },
    });
  });

  it('names the line and column of malformed XML', () => {
    expect(() =>
      parseReport(
        '<testsuites>\n  <testsuite name="a">\n</testsuites>',
        'junit',
      ),
    ).toThrow(/Malformed JUnit XML report: line 3, column \d+/);
  });

  it('names a bad attribute', () => {
    expect(() =>
      parseReport('<testsuite name="a" tests="many"/>', 'junit'),
    ).toThrow("testsuite[0]@tests is 'many', expected a non-negative number");
  });

  it('refuses another root element', () => {
    expect(() => parseReport('<html></html>', 'junit')).toThrow(
      /root element must be <testsuites> or <testsuite>/,
    );
  });

  it('reads an empty report as no tests', () => {
    const parsed = parseReport(
      '<testsuites name="none"></testsuites>',
      'junit',
    );
    if (parsed.type !== 'tests') throw new Error(parsed.type);
    expect(parsed.tests.totals.tests).toBe(0);
  });
});

describe('coverage', () => {
  it('reads Jest LCOV: lines 4/5, branches 1/4', () => {
    expect(parseReport(fixture('jest-lcov.info'))).toEqual({
      format: 'lcov',
      type: 'coverage',
      coverage: { linePct: 80, branchPct: 25 },
    });
  });

  it('reads Jest Cobertura XML', () => {
    expect(parseReport(fixture('jest-cobertura.xml'))).toEqual({
      format: 'cobertura',
      type: 'coverage',
      coverage: { linePct: 80, branchPct: 25 },
    });
  });

  it('reads Cobertura rates when counts are absent', () => {
    const parsed = parseReport(
      '<coverage line-rate="0.8456" branch-rate="0.5"></coverage>',
      'cobertura',
    );
    expect(parsed).toMatchObject({
      coverage: { linePct: 84.56, branchPct: 50 },
    });
  });

  it('reads Jest coverage-summary.json', () => {
    expect(parseReport(fixture('jest-coverage-summary.json'))).toEqual({
      format: 'istanbul',
      type: 'coverage',
      coverage: { linePct: 80, branchPct: 25 },
    });
  });

  it('reads the report-level counters of JaCoCo XML', () => {
    expect(parseReport(fixture('jacoco.xml'))).toEqual({
      format: 'jacoco',
      type: 'coverage',
      coverage: { linePct: 85, branchPct: 75 },
    });
  });

  it('names the LCOV line that is wrong', () => {
    const text = fixture('jest-lcov.info').replace('LF:5', 'LF five');
    expect(() => parseReport(text, 'lcov')).toThrow(
      "Malformed LCOV report: line 16: expected KEY:value, got 'LF five'",
    );
    expect(() => parseReport('SF:a.js\nLH:x\nend_of_record', 'lcov')).toThrow(
      "line 2 LH is 'x'",
    );
    expect(() => parseReport('', 'lcov')).toThrow(/no SF:/);
  });

  it('names the missing field of a coverage summary', () => {
    expect(() =>
      parseReport('{"total":{"lines":{"total":5}}}', 'istanbul'),
    ).toThrow('total.lines.covered is missing');
    expect(() => parseReport('{"total": ', 'istanbul')).toThrow(
      /Malformed Istanbul coverage-summary.json report: .*JSON/,
    );
  });

  it('refuses JaCoCo without a LINE counter', () => {
    expect(() =>
      parseReport(
        '<report name="x"><counter type="BRANCH" missed="1" covered="1"/></report>',
        'jacoco',
      ),
    ).toThrow('<report> has no <counter type="LINE">');
  });
});

describe('SARIF', () => {
  it('counts CodeQL findings by security-severity, most severe first', () => {
    const parsed = parseReport(fixture('codeql.sarif'));
    if (parsed.type !== 'findings') throw new Error(parsed.type);
    expect(parsed.format).toBe('sarif');
    expect(parsed.findings.tool).toBe('CodeQL');
    expect(parsed.findings.counts).toEqual({
      critical: 0,
      high: 2,
      medium: 0,
      low: 1,
      none: 0,
    });
    expect(parsed.findings.findings[0]).toEqual({
      ruleId: 'js/sql-injection',
      severity: 'high',
      location: 'src/routes/orders.js:27',
      message: 'This query string depends on a [user-provided value](1).',
    });
  });

  it('reads gitleaks results without level as warnings (medium)', () => {
    const parsed = parseReport(fixture('gitleaks.sarif'), 'sarif');
    if (parsed.type !== 'findings') throw new Error(parsed.type);
    expect(parsed.findings.tool).toBe('gitleaks');
    expect(parsed.findings.counts.medium).toBe(1);
    expect(parsed.findings.findings[0].location).toBe('config/dev.env:3');
  });

  it('skips suppressed and passing results', () => {
    const sarif = JSON.stringify({
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'eslint' } },
          results: [
            {
              ruleId: 'a',
              level: 'error',
              message: { text: 'x' },
              suppressions: [{ kind: 'inSource' }],
            },
            { ruleId: 'b', kind: 'pass', message: { text: 'y' } },
            { ruleId: 'c', level: 'error', message: { text: 'z' } },
          ],
        },
      ],
    });
    const parsed = parseReport(sarif);
    if (parsed.type !== 'findings') throw new Error(parsed.type);
    expect(parsed.findings.findings.map(f => f.ruleId)).toEqual(['c']);
  });

  it('names the field that is wrong', () => {
    expect(() => parseReport('{"version":"2.0.0","runs":[]}', 'sarif')).toThrow(
      "version is '2.0.0', expected '2.1.0'",
    );
    expect(() =>
      parseReport(
        '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"level":"fatal"}]}]}',
        'sarif',
      ),
    ).toThrow("runs[0].results[0].level is 'fatal'");
    expect(() =>
      parseReport('{"version":"2.1.0","runs":[{"tool":{}}]}', 'sarif'),
    ).toThrow('runs[0].tool.driver.name is missing');
  });
});

describe('image scans', () => {
  it('reads Trivy vulnerabilities and the repo digest', () => {
    const parsed = parseReport(fixture('trivy-image.json'));
    if (parsed.type !== 'findings') throw new Error(parsed.type);
    expect(parsed.format).toBe('trivy');
    expect(parsed.findings.counts).toEqual({
      critical: 0,
      high: 1,
      medium: 2,
      low: 1,
      none: 0,
    });
    expect(parsed.findings.digests).toEqual([
      'sha256:3f5e1f2a9c0b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e',
    ]);
    expect(parsed.findings.findings[0]).toMatchObject({
      ruleId: 'CVE-2024-4068',
      location: 'braces@3.0.2',
    });
  });

  it('reads Grype matches and the manifest digest', () => {
    const parsed = parseReport(fixture('grype-image.json'));
    if (parsed.type !== 'findings') throw new Error(parsed.type);
    expect(parsed.format).toBe('grype');
    expect(parsed.findings.counts).toEqual({
      critical: 1,
      high: 1,
      medium: 0,
      low: 0,
      none: 1,
    });
    expect(parsed.findings.digests).toEqual([
      'sha256:7c2e5b1d4a3f6e8c9b0a1d2e3f4c5b6a7e8d9c0b1a2f3e4d5c6b7a8e9f0d1c2b',
    ]);
    expect(parsed.findings.image).toBe('ghcr.io/example/api:2.0.1');
  });

  it('names an unknown severity', () => {
    const trivy = fixture('trivy-image.json').replace('"LOW"', '"SEVERE"');
    expect(() => parseReport(trivy)).toThrow(
      "Results[0].Vulnerabilities[0].Severity is 'SEVERE'",
    );
    expect(() => parseReport('{"matches":[{}]}', 'grype')).toThrow(
      'matches[0].vulnerability.id is missing',
    );
  });
});

describe('sniffFormat', () => {
  it.each([
    ['jest-junit.xml', 'junit'],
    ['surefire-junit.xml', 'junit'],
    ['jest-lcov.info', 'lcov'],
    ['jest-cobertura.xml', 'cobertura'],
    ['jest-coverage-summary.json', 'istanbul'],
    ['jacoco.xml', 'jacoco'],
    ['codeql.sarif', 'sarif'],
    ['gitleaks.sarif', 'sarif'],
    ['trivy-image.json', 'trivy'],
    ['grype-image.json', 'grype'],
  ])('recognises %s as %s', (file, format) => {
    expect(sniffFormat(fixture(file))).toBe(format);
  });

  it('asks for ?format= when it cannot tell', () => {
    expect(() => parseReport('hello')).toThrow(/name it with \?format=/);
    expect(() => parseReport('x', 'pdf')).toThrow(
      "format: 'pdf' is not a report format",
    );
  });
});

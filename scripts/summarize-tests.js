#!/usr/bin/env node
/*
 * Sums the Jest JSON results (and the non-Jest checks) of scripts/test.sh,
 * prints what ran — including the store tests per database — and the plain
 * closing line "N passed, N failed". Exits 1 on any failure or missing result.
 */
const fs = require('fs');
const path = require('path');

const [resultsDir, startedAt] = process.argv.slice(2);
let passed = 0;
let failed = 0;
const problems = [];

for (const [suite, file] of [
  ['unit and store tests', 'unit.json'],
  ['end-to-end (Chromium)', 'e2e.json'],
]) {
  const full = path.join(resultsDir, file);
  if (!fs.existsSync(full)) {
    problems.push(`${suite}: no results (${file} missing — the run crashed)`);
    failed += 1;
    continue;
  }
  const result = JSON.parse(fs.readFileSync(full, 'utf8'));
  const tests = result.testResults.flatMap(r => r.assertionResults);
  const suitePassed = tests.filter(t => t.status === 'passed').length;
  const suiteFailed = tests.filter(t => t.status === 'failed').length;
  const other = tests.length - suitePassed - suiteFailed;
  const brokenFiles = result.testResults.filter(
    r =>
      r.status === 'failed' &&
      r.assertionResults.every(t => t.status !== 'failed'),
  );
  passed += suitePassed;
  failed += suiteFailed + brokenFiles.length;
  console.log(
    `${suite}: ${suitePassed} passed, ${suiteFailed} failed${
      other ? `, ${other} not run` : ''
    } in ${result.testResults.length} files`,
  );
  for (const r of brokenFiles) {
    problems.push(
      `${path.relative(process.cwd(), r.name)}: ${r.message
        .split('\n')
        .slice(0, 6)
        .join('\n')}`,
    );
  }
  for (const r of result.testResults) {
    for (const t of r.assertionResults.filter(a => a.status === 'failed')) {
      problems.push(`${path.relative(process.cwd(), r.name)}: ${t.fullName}`);
    }
  }
  if (tests.length === 0) {
    problems.push(`${suite}: ran no test`);
    failed += 1;
  }
  if (file === 'unit.json') {
    for (const [db, label] of [
      ['SQLITE_3', 'SQLite'],
      ['POSTGRES_15', 'PostgreSQL'],
    ]) {
      const dbTests = tests.filter(t => t.fullName.includes(db));
      console.log(
        `  store tests on ${label}: ${
          dbTests.filter(t => t.status === 'passed').length
        } passed, ${dbTests.filter(t => t.status === 'failed').length} failed`,
      );
    }
  }
}

const checks = fs
  .readFileSync(path.join(resultsDir, 'checks.txt'), 'utf8')
  .split('\n')
  .filter(Boolean);
for (const line of checks) {
  const [status, ...name] = line.split(' ');
  console.log(`check: ${name.join(' ')}: ${status}`);
  if (status === 'passed') passed += 1;
  else {
    failed += 1;
    problems.push(`check failed: ${name.join(' ')}`);
  }
}

if (problems.length) {
  console.log('\nFailures:');
  for (const p of problems) console.log(`- ${p}`);
}
if (startedAt) {
  console.log(
    `\nTest command took ${Math.round(
      Date.now() / 1000 - Number(startedAt),
    )} s`,
  );
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

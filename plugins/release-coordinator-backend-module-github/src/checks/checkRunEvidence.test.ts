import { checkRunEvidence, checkRunEvidenceStatus } from './checkRunEvidence';

const SHA = 'ce587453ced02b1526dfb4cb910479d431683101';

/** Shaped like the `check_run` object of GitHub's REST and webhook docs. */
function checkRun(overrides: Record<string, unknown> = {}) {
  return {
    id: 4,
    head_sha: SHA,
    node_id: 'MDg6Q2hlY2tSdW40',
    external_id: '42',
    url: 'https://api.github.com/repos/github/hello-world/check-runs/4',
    html_url: 'https://github.com/github/hello-world/runs/4',
    details_url: 'https://example.com/ci/4',
    status: 'completed',
    conclusion: 'success',
    started_at: '2018-05-04T01:14:52Z',
    completed_at: '2018-05-04T01:14:52Z',
    output: {
      title: 'Mighty Readme report',
      summary: 'There are 0 failures, 2 warnings, and 1 notice.',
      text: 'You may have some misspelled words on lines 2 and 4.',
      annotations_count: 2,
      annotations_url:
        'https://api.github.com/repos/github/hello-world/check-runs/4/annotations',
    },
    name: 'unit',
    check_suite: { id: 5 },
    app: { id: 1, slug: 'octoapp' },
    pull_requests: [],
    ...overrides,
  };
}

const checks = {
  'tests-passing': ['unit', 'e2e'],
  'code-coverage': ['coverage'],
  'security-scan': ['codeql'],
  'image-scanned': ['trivy'],
  'secrets-not-exposed': ['gitleaks', 'codeql'],
};

describe('checkRunEvidence', () => {
  it.each([
    ['success', 'passed'],
    ['failure', 'failed'],
    ['timed_out', 'failed'],
    ['cancelled', 'failed'],
    ['action_required', 'failed'],
    ['startup_failure', 'failed'],
    ['neutral', undefined],
    ['skipped', undefined],
    ['stale', undefined],
    [null, undefined],
  ])('maps conclusion %s to %s', (conclusion, expected) => {
    expect(checkRunEvidenceStatus(conclusion)).toBe(expected);
  });

  it('gives evidence for the item a configured check name maps to', () => {
    expect(
      checkRunEvidence({
        entityRef: 'component:default/payments',
        checkRun: checkRun(),
        checks,
      }),
    ).toEqual([
      {
        entityRef: 'component:default/payments',
        itemId: 'tests-passing',
        status: 'passed',
        url: 'https://example.com/ci/4',
        source: 'github',
        commitSha: SHA,
      },
    ]);
  });

  it('gives evidence for every item a check is configured for', () => {
    const items = checkRunEvidence({
      entityRef: 'component:default/payments',
      checkRun: checkRun({ name: 'codeql', conclusion: 'failure' }),
      checks,
    });
    expect(items.map(i => [i.itemId, i.status])).toEqual([
      ['security-scan', 'failed'],
      ['secrets-not-exposed', 'failed'],
    ]);
  });

  it('reads the coverage percentage for code-coverage', () => {
    const [item] = checkRunEvidence({
      entityRef: 'component:default/payments',
      checkRun: checkRun({
        name: 'coverage',
        output: { title: 'Coverage', summary: 'Line coverage: 84.5 % (+0.3)' },
      }),
      checks,
    });
    expect(item).toMatchObject({ itemId: 'code-coverage', value: '84.5' });
  });

  it('gives no coverage evidence without a percentage', () => {
    expect(
      checkRunEvidence({
        entityRef: 'component:default/payments',
        checkRun: checkRun({ name: 'coverage' }),
        checks,
      }),
    ).toEqual([]);
  });

  it('ignores unfinished, unconfigured and neutral check runs', () => {
    const entityRef = 'component:default/payments';
    expect(
      checkRunEvidence({
        entityRef,
        checkRun: checkRun({ status: 'in_progress', conclusion: null }),
        checks,
      }),
    ).toEqual([]);
    expect(
      checkRunEvidence({
        entityRef,
        checkRun: checkRun({ name: 'lint' }),
        checks,
      }),
    ).toEqual([]);
    expect(
      checkRunEvidence({
        entityRef,
        checkRun: checkRun({ conclusion: 'neutral' }),
        checks,
      }),
    ).toEqual([]);
  });
});

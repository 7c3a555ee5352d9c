import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ChecklistItem } from '@release-coordinator/backstage-plugin-common';
import { ChecklistItemRow } from './ChecklistItemRow';

const allowAll = {
  attest: { allowed: true, loading: false },
  waive: { allowed: true, loading: false },
  approve: { allowed: true, loading: false },
  overrideFreeze: { allowed: true, loading: false },
};

function renderRow(item: ChecklistItem) {
  return renderInTestApp(
    <ChecklistItemRow
      item={item}
      releaseId="rel-1"
      permissions={allowAll}
      onAttest={jest.fn()}
      onWaive={jest.fn()}
    />,
  );
}

const automatic = {
  stage: 'build',
  kind: 'automatic',
} as const;

describe('evidence from reports on a checklist item', () => {
  it('shows test counts, and the failing suite and kinds on expand', async () => {
    await renderRow({
      ...automatic,
      id: 'tests-passing',
      title: 'Tests passing',
      status: 'failed',
      evidence: {
        value: '4 of 5 passed, 1 failed, 1 skipped',
        source: 'junit',
        url: 'https://ci.example.com/runs/7',
        report: {
          type: 'tests',
          format: 'junit',
          totals: { tests: 6, failures: 1, errors: 0, skipped: 1 },
          kinds: { unit: { tests: 6, failures: 1, errors: 0, skipped: 1 } },
          missingKinds: ['e2e'],
          failingSuites: [
            {
              name: 'src/api.integration.test.ts',
              tests: 3,
              failures: 1,
              errors: 0,
              skipped: 1,
            },
          ],
        },
      },
    });
    expect(
      screen.getByText(/6 tests: 4 passed, 1 failed, 1 skipped/),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /full report/ })).toHaveAttribute(
      'href',
      'https://ci.example.com/runs/7',
    );
    expect(screen.queryByText(/Failing:/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Show details' }));
    expect(
      screen.getByText('Failing: src/api.integration.test.ts (1 of 3)'),
    ).toBeInTheDocument();
    expect(screen.getByText('e2e: no report yet')).toBeInTheDocument();
    expect(screen.getByText('unit: 6 tests, 1 failed')).toBeInTheDocument();
  });

  it('shows coverage in percent against the threshold', async () => {
    await renderRow({
      ...automatic,
      id: 'code-coverage',
      title: 'Coverage',
      status: 'passed',
      evidence: {
        value: '80',
        source: 'lcov',
        report: {
          type: 'coverage',
          format: 'lcov',
          linePct: 80,
          branchPct: 25,
          threshold: 80,
        },
      },
    });
    expect(
      screen.getByText('Lines 80%, branches 25% (threshold 80%)'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Show details' })).toBeNull();
  });

  it('shows finding counts and the top findings on expand', async () => {
    await renderRow({
      ...automatic,
      id: 'security-scan',
      title: 'Security scan',
      status: 'failed',
      evidence: {
        value: '2 high, 1 low',
        source: 'sarif',
        report: {
          type: 'findings',
          format: 'sarif',
          tool: 'CodeQL',
          counts: { critical: 0, high: 2, medium: 0, low: 1, none: 0 },
          failAt: 'high',
          top: [
            {
              ruleId: 'js/sql-injection',
              severity: 'high',
              location: 'src/routes/orders.js:27',
              message: 'This query string depends on a user-provided value.',
            },
          ],
        },
      },
    });
    expect(
      screen.getByText(/CodeQL: 2 high, 1 low \(fails at high or above\)/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Show details' }));
    expect(
      screen.getByText(
        '[high] js/sql-injection at src/routes/orders.js:27: This query string depends on a user-provided value.',
      ),
    ).toBeInTheDocument();
  });

  it('names the command that feeds an automatic item without evidence', async () => {
    await renderRow({
      ...automatic,
      id: 'image-scanned',
      title: 'Image scanned',
      status: 'pending',
    });
    const hint = screen.getByTestId('evidence-hint');
    expect(hint).toHaveTextContent(
      'release-coordinator evidence push --release rel-1 --image-scan trivy.json',
    );
    expect(hint).toHaveTextContent(
      '/api/release-coordinator/releases/rel-1/reports',
    );
  });

  it('shows no hint on a manual item or once evidence arrived', async () => {
    await renderRow({
      stage: 'staging',
      kind: 'manual',
      id: 'deployment-plan-documented',
      title: 'Plan',
      status: 'pending',
    });
    expect(screen.queryByTestId('evidence-hint')).toBeNull();
  });
});

import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MetricsEvidenceResponse } from '@release-coordinator/backstage-plugin-common';
import { releaseCoordinatorApiRef } from '../../api';
import { makeDeliveryMetrics } from '../../__testUtils__/metrics';
import { MetricCardGrid } from '../MetricCard';

jest.setTimeout(30_000);

const query = {
  entityRef: 'component:default/payments',
  windowDays: 30,
  environment: 'production',
  end: '2026-11-26T12:00:00.000Z',
};

function page(
  overrides: Partial<MetricsEvidenceResponse> = {},
): MetricsEvidenceResponse {
  return {
    entityRef: query.entityRef,
    environment: 'production',
    metric: 'changeFailureRate',
    window: { start: '2026-10-27T12:00:00.000Z', end: query.end, days: 30 },
    definitionsVersion: 2,
    summary: makeDeliveryMetrics().changeFailureRate,
    total: 2,
    counted: 2,
    items: [
      {
        type: 'deployment',
        id: 'd2',
        entityRef: query.entityRef,
        version: '1.4.0',
        kind: 'deploy',
        status: 'succeeded',
        finishedAt: '2026-11-21T10:20:00.000Z',
        counted: true,
        reason: 'counted',
        why: 'succeeded deploy; change failure: critical incident inc-1',
        failed: false,
        changeFailure: true,
        attributedTo: [
          { type: 'incident', id: 'i1', title: 'inc-1', at: query.end },
        ],
        rework: false,
        rollback: false,
      },
    ],
    ...overrides,
  };
}

async function renderGrid(api: Record<string, jest.Mock>) {
  await renderInTestApp(
    <TestApiProvider apis={[[releaseCoordinatorApiRef, api]]}>
      <MetricCardGrid metrics={makeDeliveryMetrics()} evidence={query} />
    </TestApiProvider>,
  );
}

describe('MetricEvidenceDialog', () => {
  it('opens the rows behind a card, pages through them', async () => {
    const getMetricsEvidence = jest
      .fn()
      .mockResolvedValueOnce(page({ nextCursor: 'c1' }))
      .mockResolvedValueOnce(
        page({
          items: [{ ...page().items[0], id: 'd1', version: '1.3.0' } as any],
        }),
      );
    await renderGrid({ getMetricsEvidence, getMetricsEvidenceCsv: jest.fn() });

    // 42 succeeded deployments behind the change failure rate.
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Show the 42 rows: the rows behind Change failure rate',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(await dialog.findByText('1.4.0 (deploy)')).toBeInTheDocument();
    expect(
      dialog.getByText(/succeeded deploy; change failure: critical incident/),
    ).toBeInTheDocument();
    expect(dialog.getByText(/2 of 2 rows counted/)).toBeInTheDocument();
    expect(getMetricsEvidence).toHaveBeenCalledWith(
      expect.objectContaining({
        ...query,
        metric: 'changeFailureRate',
        cursor: undefined,
      }),
    );

    await userEvent.click(dialog.getByRole('button', { name: 'Next page' }));
    expect(await dialog.findByText('1.3.0 (deploy)')).toBeInTheDocument();
    expect(getMetricsEvidence).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: 'c1' }),
    );
    expect(dialog.getByRole('button', { name: 'Next page' })).toBeDisabled();
  });

  it('says so when there are no rows, and shows errors', async () => {
    const getMetricsEvidence = jest
      .fn()
      .mockResolvedValueOnce(page({ items: [], total: 0, counted: 0 }));
    await renderGrid({ getMetricsEvidence, getMetricsEvidenceCsv: jest.fn() });
    await userEvent.click(
      screen.getByRole('button', {
        name: 'How is this counted?: the rows behind Uptime',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(await dialog.findByText(/No rows/)).toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Download CSV' })).toBeDisabled();
  });

  it('shows an error panel when the rows cannot be read', async () => {
    const getMetricsEvidence = jest
      .fn()
      .mockRejectedValue(new Error('permission denied'));
    await renderGrid({ getMetricsEvidence, getMetricsEvidenceCsv: jest.fn() });
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Show the 97 rows: the rows behind Lead time for changes',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await waitFor(() =>
      expect(dialog.getByText('Error: permission denied')).toBeInTheDocument(),
    );
  });
});

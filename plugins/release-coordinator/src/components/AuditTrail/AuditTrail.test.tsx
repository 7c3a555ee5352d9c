import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { AuditTrail } from './AuditTrail';

describe('AuditTrail', () => {
  it('lists time, actor, action and reason of each event', async () => {
    await renderInTestApp(
      <AuditTrail
        loading={false}
        events={[
          {
            id: 'e2',
            releaseId: 'rel-1',
            entityRef: 'component:default/payments',
            actor: 'user:default/dana',
            action: 'checklist.waived',
            reason: 'false positive',
            createdAt: '2026-11-21T08:00:00.000Z',
          },
          {
            id: 'e1',
            releaseId: 'rel-1',
            entityRef: 'component:default/payments',
            actor: 'user:default/alice',
            action: 'release.created',
            createdAt: '2026-11-20T10:00:00.000Z',
          },
        ]}
      />,
    );

    const rows = screen.getAllByRole('row');
    expect(
      within(rows[0])
        .getAllByRole('columnheader')
        .map(cell => cell.textContent),
    ).toEqual(['Time', 'Actor', 'Action', 'Reason']);
    expect(within(rows[1]).getByText('user:default/dana')).toBeInTheDocument();
    expect(within(rows[1]).getByText('checklist.waived')).toBeInTheDocument();
    expect(within(rows[1]).getByText('false positive')).toBeInTheDocument();
    expect(
      within(rows[1]).getByText((_, el) => el?.tagName === 'TIME'),
    ).toHaveAttribute('datetime', '2026-11-21T08:00:00.000Z');
    expect(within(rows[2]).getByText('release.created')).toBeInTheDocument();
    expect(within(rows[2]).getByText('—')).toBeInTheDocument();
  });

  it('says when nothing was recorded', async () => {
    await renderInTestApp(<AuditTrail loading={false} events={[]} />);
    expect(screen.getByText('Nothing recorded yet.')).toBeInTheDocument();
  });

  it('shows the error when the trail cannot be loaded', async () => {
    await renderInTestApp(
      <AuditTrail loading={false} error={new Error('audit store is down')} />,
    );
    expect(screen.getAllByText(/audit store is down/).length).toBeGreaterThan(
      0,
    );
  });
});

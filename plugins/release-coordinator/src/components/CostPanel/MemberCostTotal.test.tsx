import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { makeCostMember as member } from '../../__testUtils__/costs';
import { MemberMetricsTable } from '../MemberMetricsTable';
import { memberCostTotals } from './memberCostTotals';

jest.setTimeout(20_000);

describe('cost in the member table', () => {
  it('shows each member cost (per currency when mixed) and the total per currency', async () => {
    await renderInTestApp(
      <MemberMetricsTable
        csvFileName="team-a"
        items={[
          member('payments', { total: 100, currency: 'USD' }),
          member('search', {
            byCurrency: [
              { currency: 'EUR', total: 20 },
              { currency: 'USD', total: 1 },
            ],
          }),
          member('legacy', {}),
        ]}
      />,
    );
    expect(screen.getByText('$100.00')).toBeInTheDocument();
    expect(screen.getByText('€20.00 · $1.00')).toBeInTheDocument();
    expect(
      screen.getByText('Total cost of these entities:').querySelector('strong'),
    ).toHaveTextContent('$101.00 · €20.00');
  });

  it('shows no total when no member has cost', async () => {
    await renderInTestApp(
      <MemberMetricsTable
        csvFileName="team-a"
        items={[member('legacy', {})]}
      />,
    );
    expect(
      screen.queryByText('Total cost of these entities:'),
    ).not.toBeInTheDocument();
  });
});

describe('memberCostTotals', () => {
  it('adds members per currency, including the byCurrency of mixed members, and skips members without cost', () => {
    expect(
      memberCostTotals([
        member('a', { total: 100, currency: 'USD' }),
        member('b', { total: 50.5, currency: 'USD' }),
        member('c', {
          byCurrency: [
            { currency: 'EUR', total: 20 },
            { currency: 'USD', total: 1 },
          ],
        }),
        member('d', {}),
      ]),
    ).toEqual([
      { currency: 'USD', total: 151.5 },
      { currency: 'EUR', total: 20 },
    ]);
  });

  it('is empty when no member has cost', () => {
    expect(memberCostTotals([member('d', {})])).toEqual([]);
  });
});

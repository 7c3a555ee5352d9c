import { ResponseError } from '@backstage/errors';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReleaseCoordinatorApi } from '../../api';
import { group, pending, withApiAndEntity } from '../../__testUtils__/fixtures';
import { fakeSignalApi } from '../../__testUtils__/signals';
import {
  makeBreakdown,
  makeDeliveryMetrics,
  makeMetricsResponse,
} from '../../__testUtils__/metrics';
import { DeliveryOverviewContent } from './DeliveryOverviewContent';
import { MAX_LISTENED_MEMBERS } from './MemberSignals';

function mockApi(overrides: Partial<ReleaseCoordinatorApi> = {}) {
  return {
    getMetrics: jest.fn(async () =>
      makeMetricsResponse({ entityRef: 'group:default/team-a' }),
    ),
    getMetricsBreakdown: jest.fn(async () => makeBreakdown()),
    ...overrides,
  };
}

// Full tabs (nine cards, charts, a material table) render slowly in jsdom on a busy machine.
jest.setTimeout(20_000);

describe('DeliveryOverviewContent', () => {
  it('shows progress while the roll-up loads', async () => {
    await renderInTestApp(
      withApiAndEntity(
        mockApi({ getMetricsBreakdown: () => pending() }),
        group,
        <DeliveryOverviewContent />,
      ),
    );

    expect(screen.getByText('Delivery overview')).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    const error = await ResponseError.fromResponse(
      new Response('no', { status: 503, statusText: 'Service Unavailable' }),
    );
    await renderInTestApp(
      withApiAndEntity(
        mockApi({ getMetricsBreakdown: () => Promise.reject(error) }),
        group,
        <DeliveryOverviewContent />,
      ),
    );

    expect(
      await screen.findByText(/Request failed with 503 Service Unavailable/),
    ).toBeInTheDocument();
  });

  it('explains the roll-up of a system that has no member entities', async () => {
    const system = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'checkout', namespace: 'default' },
      spec: { owner: 'team-a' },
    };
    await renderInTestApp(
      withApiAndEntity(
        mockApi({
          getMetricsBreakdown: async () => ({ ...makeBreakdown(), items: [] }),
        }),
        system,
        <DeliveryOverviewContent />,
      ),
    );

    expect(
      await screen.findByText('No entities to roll up for checkout'),
    ).toBeInTheDocument();
    expect(screen.getByText(/that are part of it/)).toBeInTheDocument();
    // Group/System pages need no annotations of their own.
    expect(
      screen.queryByText(/Any one of the annotations/),
    ).not.toBeInTheDocument();
  });

  it('shows the aggregated cards and one linked row per member entity', async () => {
    const api = mockApi();
    await renderInTestApp(
      withApiAndEntity(api, group, <DeliveryOverviewContent />),
    );

    expect(
      await screen.findByRole('group', { name: 'Change failure rate' }),
    ).toBeInTheDocument();
    expect(screen.getAllByRole('group')).toHaveLength(10);
    expect(api.getMetrics).toHaveBeenCalledWith({
      entityRef: 'group:default/team-a',
      windowDays: 30,
      environment: 'production',
    });
    expect(api.getMetricsBreakdown).toHaveBeenCalledWith({
      entityRef: 'group:default/team-a',
      windowDays: 30,
      environment: 'production',
    });
    expect(
      screen.getByText(/including through its sub-groups/),
    ).toBeInTheDocument();
    // Cost per member in the table, and their total under it.
    expect(
      screen.getByText('Total cost of these entities:'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Total cost of these entities:').querySelector('strong'),
    ).toHaveTextContent('$1,234.50');

    const payments = screen.getByRole('link', { name: 'Payments API' });
    expect(payments).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/delivery-metrics',
    );
    const ledger = screen.getByRole('link', { name: 'ledger' });
    expect(ledger).toHaveAttribute(
      'href',
      '/catalog/default/component/ledger/delivery-metrics',
    );
    const ledgerRow = within(ledger.closest('tr')!);
    expect(ledgerRow.getByText('0.7 per week')).toBeInTheDocument();
    expect(ledgerRow.getByText('33.3 %')).toBeInTheDocument();
    expect(ledgerRow.getByLabelText('DORA tier: Low')).toBeInTheDocument();
    expect(ledgerRow.getByText('—')).toBeInTheDocument();
    // The rework rate column, and DORA's name for time to recovery.
    expect(
      screen.getByRole('columnheader', { name: /Rework rate/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('columnheader', {
        name: /Failed deployment recovery time/,
      }),
    ).toBeInTheDocument();
    expect(ledgerRow.getByText(/^25(\.0)? %$/)).toBeInTheDocument();
  });

  it('sorts the rows by a metric, both ways', async () => {
    await renderInTestApp(
      withApiAndEntity(mockApi(), group, <DeliveryOverviewContent />),
    );
    await screen.findByRole('link', { name: 'ledger' });

    const names = () =>
      screen
        .getAllByRole('link')
        .map(link => link.textContent)
        .filter(name => name === 'ledger' || name === 'Payments API');

    const sortBy = (column: RegExp) =>
      userEvent.click(
        within(screen.getByRole('columnheader', { name: column })).getAllByRole(
          'button',
        )[0],
      );

    expect(names()).toEqual(['Payments API', 'ledger']);
    await sortBy(/Deploys/);
    await waitFor(() => expect(names()).toEqual(['ledger', 'Payments API']));
    await sortBy(/Deploys/);
    await waitFor(() => expect(names()).toEqual(['Payments API', 'ledger']));
  });

  it('exports the table as a CSV file', async () => {
    const createObjectURL = jest.fn((_blob: Blob) => 'blob:csv');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {});

    await renderInTestApp(
      withApiAndEntity(mockApi(), group, <DeliveryOverviewContent />),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Export CSV' }),
    );

    expect(click).toHaveBeenCalledTimes(1);
    const link = click.mock.contexts[0] as HTMLAnchorElement;
    expect(link.download).toBe('team-a-delivery-30d-production.csv');
    const csv = await createObjectURL.mock.calls[0][0].text();
    expect(csv.split('\r\n')[1]).toBe(
      'component:default/payments,Payments API,1.4,elite,0.955,5400,elite,0.071,high,1200,elite,0.9991,0.25,1234.5,USD',
    );
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:csv');
    click.mockRestore();
  });

  it('reloads in place, once per burst, when the deployments or cost of a member change', async () => {
    const signals = fakeSignalApi();
    let count = 3;
    const api = mockApi({
      getMetrics: jest.fn(async () =>
        makeMetricsResponse({
          entityRef: 'group:default/team-a',
          metrics: makeDeliveryMetrics({
            deploymentFrequency: { count, perDay: count / 30, tier: 'low' },
          }),
        }),
      ),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[signalApiRef, signals.api]]}>
        {withApiAndEntity(api, group, <DeliveryOverviewContent />)}
      </TestApiProvider>,
    );
    const card = () =>
      within(screen.getByRole('group', { name: 'Deployment frequency' }));
    await screen.findByRole('group', { name: 'Deployment frequency' });
    expect(
      card().getByText('3 succeeded deployments; rollbacks not counted'),
    ).toBeInTheDocument();
    // Both members, both kinds of change.
    expect(signals.channels()).toEqual([
      'release-coordinator:costs:component:default/ledger',
      'release-coordinator:costs:component:default/payments',
      'release-coordinator:deployments:component:default/ledger',
      'release-coordinator:deployments:component:default/payments',
    ]);

    count = 5;
    signals.publish(
      'release-coordinator:deployments:component:default/payments',
    );
    signals.publish('release-coordinator:costs:component:default/ledger');
    signals.publish('release-coordinator:deployments:component:default/ledger');
    await waitFor(
      () =>
        expect(
          card().getByText('5 succeeded deployments; rollbacks not counted'),
        ).toBeInTheDocument(),
      { timeout: 5000 },
    );
    expect(api.getMetrics).toHaveBeenCalledTimes(2);
    expect(api.getMetricsBreakdown).toHaveBeenCalledTimes(2);
    // In place: the cards never gave way to a progress bar.
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });

  it(`listens to the first ${MAX_LISTENED_MEMBERS} members of a large roll-up`, async () => {
    const signals = fakeSignalApi();
    const many = makeBreakdown();
    many.items = Array.from({ length: MAX_LISTENED_MEMBERS + 20 }, (_, i) => ({
      entityRef: `component:default/service-${i}`,
      metrics: makeDeliveryMetrics(),
    }));
    await renderInTestApp(
      <TestApiProvider apis={[[signalApiRef, signals.api]]}>
        {withApiAndEntity(
          mockApi({ getMetricsBreakdown: async () => many }),
          group,
          <DeliveryOverviewContent />,
        )}
      </TestApiProvider>,
    );
    await screen.findByRole('group', { name: 'Deployment frequency' });
    expect(signals.channels()).toHaveLength(2 * MAX_LISTENED_MEMBERS);
  });
});

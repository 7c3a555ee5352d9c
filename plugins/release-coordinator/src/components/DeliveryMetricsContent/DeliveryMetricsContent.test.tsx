import { ResponseError } from '@backstage/errors';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  GetMetricsOptions,
  GetMetricsSeriesOptions,
  ReleaseCoordinatorApi,
} from '../../api';
import {
  annotatedComponent,
  pending,
  plainComponent,
  withApiAndEntity,
} from '../../__testUtils__/fixtures';
import {
  makeDeliveryMetrics,
  makeEmptyDeliveryMetrics,
  makeMetricsResponse,
  makeSeries,
} from '../../__testUtils__/metrics';
import { fakeSignalApi } from '../../__testUtils__/signals';
import { DeliveryMetricsContent } from './DeliveryMetricsContent';

function mockApi(
  overrides: Partial<ReleaseCoordinatorApi> = {},
): Partial<ReleaseCoordinatorApi> & {
  getMetrics: jest.Mock;
  getMetricsSeries: jest.Mock;
} {
  return {
    getMetrics: jest.fn(async () => makeMetricsResponse()),
    getMetricsSeries: jest.fn(async (options: GetMetricsSeriesOptions) =>
      makeSeries(options.metric, options.bucket ?? 'day', [
        {
          start: '2026-11-25T00:00:00.000Z',
          values: { succeeded: 2, failed: 1, rollbacks: 1, medianSeconds: 600 },
        },
      ]),
    ),
    listCosts: jest.fn(async () => ({ items: [] })),
    listDeployments: jest.fn(async () => ({ items: [] })),
    ...overrides,
  } as Partial<ReleaseCoordinatorApi> & {
    getMetrics: jest.Mock;
    getMetricsSeries: jest.Mock;
  };
}

async function choose(selectName: RegExp, option: string) {
  await userEvent.click(screen.getByRole('button', { name: selectName }));
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

// Full tabs (ten cards, charts, a material table) render slowly in jsdom on a busy machine.
jest.setTimeout(20_000);

describe('DeliveryMetricsContent', () => {
  it('asks for annotations and loads nothing when the entity has none', async () => {
    const api = mockApi();
    await renderInTestApp(
      withApiAndEntity(api, plainComponent, <DeliveryMetricsContent />),
    );

    expect(screen.getByText('Delivery metrics')).toBeInTheDocument();
    expect(screen.getByText(/Any one of the annotations/)).toBeInTheDocument();
    expect(api.getMetrics).not.toHaveBeenCalled();
  });

  it('shows progress while the metrics load', async () => {
    const api = mockApi({ getMetrics: () => pending() });
    await renderInTestApp(
      withApiAndEntity(api, annotatedComponent, <DeliveryMetricsContent />),
    );

    expect(screen.getByText('Delivery metrics')).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    const error = await ResponseError.fromResponse(
      new Response('upstream connect error', {
        status: 502,
        statusText: 'Bad Gateway',
      }),
    );
    await renderInTestApp(
      withApiAndEntity(
        mockApi({ getMetrics: () => Promise.reject(error) }),
        annotatedComponent,
        <DeliveryMetricsContent />,
      ),
    );

    expect(
      await screen.findByText(/Request failed with 502 Bad Gateway/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('group')).not.toBeInTheDocument();
  });

  it('explains how data arrives when there were no deployments in the window', async () => {
    const api = mockApi({
      getMetrics: async () =>
        makeMetricsResponse({
          metrics: makeEmptyDeliveryMetrics(),
          previous: makeEmptyDeliveryMetrics(),
        }),
    });
    await renderInTestApp(
      withApiAndEntity(api, annotatedComponent, <DeliveryMetricsContent />),
    );

    expect(
      await screen.findByText(
        'No deployments of Payments API to production in the last 30 days',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('/events/deployments')).toBeInTheDocument();
    expect(
      within(
        screen.getByRole('list', { name: 'Delivery metrics' }),
      ).getAllByRole('listitem'),
    ).toHaveLength(10);
    expect(screen.queryByRole('group')).not.toBeInTheDocument();
  });

  it('shows the ten cards and the charts for 30 days of production by default', async () => {
    const api = mockApi();
    await renderInTestApp(
      withApiAndEntity(api, annotatedComponent, <DeliveryMetricsContent />),
    );

    const frequency = await screen.findByRole('group', {
      name: 'Deployment frequency',
    });
    expect(screen.getAllByRole('group')).toHaveLength(10);
    expect(within(frequency).getByText('1.4 per day')).toBeInTheDocument();
    expect(api.getMetrics).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
      windowDays: 30,
      environment: 'production',
    });
    expect(
      api.getMetricsSeries.mock.calls.map(([options]) => [
        options.metric,
        options.bucket,
        options.windowDays,
      ]),
    ).toEqual([
      ['deploymentFrequency', 'day', 30],
      ['leadTimeForChanges', 'day', 30],
      ['deploymentDuration', 'day', 30],
      ['uptime', 'day', 30],
    ]);
    expect(
      await screen.findByRole('figure', {
        name: 'Deployments per day by status',
      }),
    ).toBeInTheDocument();
    // The cost panel sits under the cards and charts.
    expect(
      await screen.findByText('No cost recorded in the last 30 days'),
    ).toBeInTheDocument();
    expect(api.listCosts).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: 'component:default/payments' }),
    );
  });

  it('loads the chosen window again, with weekly buckets for 90 days', async () => {
    const api = mockApi({
      getMetrics: jest.fn(async (options: GetMetricsOptions) =>
        makeMetricsResponse({
          metrics: makeDeliveryMetrics({
            deploymentFrequency: {
              count: options.windowDays === 90 ? 9 : 42,
              perDay: options.windowDays === 90 ? 0.1 : 1.4,
              tier: options.windowDays === 90 ? 'medium' : 'elite',
            },
          }),
        }),
      ),
    });
    await renderInTestApp(
      withApiAndEntity(api, annotatedComponent, <DeliveryMetricsContent />),
    );
    await screen.findByText('1.4 per day');

    await choose(/Window/, 'Last 90 days');

    expect(await screen.findByText('0.7 per week')).toBeInTheDocument();
    expect(api.getMetrics).toHaveBeenLastCalledWith({
      entityRef: 'component:default/payments',
      windowDays: 90,
      environment: 'production',
    });
    await waitFor(() =>
      expect(api.getMetricsSeries).toHaveBeenLastCalledWith(
        expect.objectContaining({ windowDays: 90, bucket: 'week' }),
      ),
    );
    expect(
      await screen.findByRole('figure', {
        name: 'Deployments per week by status',
      }),
    ).toBeInTheDocument();
  });

  it('offers the environments of the annotation and loads the chosen one', async () => {
    const api = mockApi();
    const entity = {
      ...annotatedComponent,
      metadata: {
        ...annotatedComponent.metadata,
        annotations: {
          ...annotatedComponent.metadata.annotations,
          'release-coordinator/environments': 'staging,production,eu-prod',
        },
      },
    };
    await renderInTestApp(
      withApiAndEntity(api, entity, <DeliveryMetricsContent />),
    );
    await screen.findByRole('group', { name: 'Uptime' });

    await choose(/Environment/, 'eu-prod');

    await waitFor(() =>
      expect(api.getMetrics).toHaveBeenLastCalledWith({
        entityRef: 'component:default/payments',
        windowDays: 30,
        environment: 'eu-prod',
      }),
    );
  });

  it('reloads the cost card and panel in place when the backend signals new cost', async () => {
    const signals = fakeSignalApi();
    let total = 1234.5;
    const api = mockApi({
      getMetrics: jest.fn(async () =>
        makeMetricsResponse({
          metrics: makeDeliveryMetrics({
            infrastructureCost: {
              total,
              currency: 'USD',
              perDay: total / 30,
              perDeployment: null,
              changeRatio: null,
            },
          }),
        }),
      ),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[signalApiRef, signals.api]]}>
        {withApiAndEntity(api, annotatedComponent, <DeliveryMetricsContent />)}
      </TestApiProvider>,
    );
    const card = () =>
      within(screen.getByRole('group', { name: 'Infrastructure cost' }));
    await screen.findByRole('group', { name: 'Infrastructure cost' });
    expect(card().getByTestId('metric-value')).toHaveTextContent('$1,234.50');
    expect(api.listCosts).toHaveBeenCalledTimes(1);

    const channel = 'release-coordinator:costs:component:default/payments';
    expect(signals.listenerCount(channel)).toBeGreaterThan(0);
    total = 1500;
    signals.publish(channel, { entityRef: 'component:default/payments' });

    await waitFor(() =>
      expect(card().getByTestId('metric-value')).toHaveTextContent('$1,500.00'),
    );
    expect(api.getMetrics).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(api.listCosts).toHaveBeenCalledTimes(2));
    // Reloaded in place: the cards never gave way to a progress bar.
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });

  it('reloads the cards and the charts in place when the backend signals new deployments', async () => {
    const signals = fakeSignalApi();
    let count = 12;
    const api = mockApi({
      getMetrics: jest.fn(async () =>
        makeMetricsResponse({
          metrics: makeDeliveryMetrics({
            deploymentFrequency: { count, perDay: count / 30, tier: 'high' },
          }),
        }),
      ),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[signalApiRef, signals.api]]}>
        {withApiAndEntity(api, annotatedComponent, <DeliveryMetricsContent />)}
      </TestApiProvider>,
    );
    const card = () =>
      within(screen.getByRole('group', { name: 'Deployment frequency' }));
    await screen.findByRole('group', { name: 'Deployment frequency' });
    expect(
      card().getByText('12 succeeded deployments; rollbacks not counted'),
    ).toBeInTheDocument();
    await waitFor(() => expect(api.getMetricsSeries).toHaveBeenCalledTimes(4));

    count = 13;
    const channel =
      'release-coordinator:deployments:component:default/payments';
    expect(signals.listenerCount(channel)).toBeGreaterThan(0);
    signals.publish(channel, { entityRef: 'component:default/payments' });

    await waitFor(() =>
      expect(
        card().getByText('13 succeeded deployments; rollbacks not counted'),
      ).toBeInTheDocument(),
    );
    await waitFor(() => expect(api.getMetricsSeries).toHaveBeenCalledTimes(8));
    expect(api.getMetrics).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });
});

import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Deployment } from '@release-coordinator/backstage-plugin-common';
import { makeCostRecord as record } from '../../__testUtils__/costs';
import { ListCostsOptions, ReleaseCoordinatorApi } from '../../api';
import {
  annotatedComponent,
  pending,
  withApiAndEntity,
} from '../../__testUtils__/fixtures';
import { CostPanel } from './CostPanel';

jest.setTimeout(20_000);

const query = {
  entityRef: 'component:default/payments',
  windowDays: 7,
  environment: 'production',
};

function deploy(overrides: Partial<Deployment>): Deployment {
  return {
    id: 'd1',
    entityRef: 'component:default/payments',
    environment: 'production',
    source: 'ci',
    externalId: 'run-1',
    version: '2.4.0',
    kind: 'deploy',
    status: 'succeeded',
    startedAt: '2026-11-22T10:00:00.000Z',
    finishedAt: '2026-11-22T10:10:00.000Z',
    commits: [],
    ...overrides,
  };
}

function renderPanel(api: Partial<ReleaseCoordinatorApi>) {
  return renderInTestApp(
    withApiAndEntity(api, annotatedComponent, <CostPanel query={query} />),
  );
}

describe('CostPanel', () => {
  beforeEach(() => {
    jest.useFakeTimers({
      now: new Date('2026-11-26T12:00:00Z'),
      doNotFake: [
        'setTimeout',
        'setInterval',
        'queueMicrotask',
        'nextTick',
        'setImmediate',
      ],
    });
  });
  afterEach(() => jest.useRealTimers());

  it('shows progress while loading', async () => {
    await renderPanel({
      listCosts: () => pending(),
      listDeployments: async () => ({ items: [] }),
    });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    const error = await ResponseError.fromResponse(
      new Response('nope', { status: 500, statusText: 'Internal' }),
    );
    await renderPanel({
      listCosts: async () => {
        throw error;
      },
      listDeployments: async () => ({ items: [] }),
    });
    expect(
      await screen.findByText(/Could not load the cost/),
    ).toBeInTheDocument();
  });

  it('explains where cost comes from when there is none in the window', async () => {
    await renderPanel({
      // A record before the window does not count.
      listCosts: async () => ({ items: [record('2026-11-12', 5)] }),
      listDeployments: async () => ({ items: [] }),
    });
    expect(
      await screen.findByText('No cost recorded in the last 7 days'),
    ).toBeInTheDocument();
  });

  it('loads the window plus a week, and shows before/after per release and the split', async () => {
    const listCosts = jest.fn(async (_options: ListCostsOptions) => ({
      items: [
        // window 11-19..11-25; 11-12..11-18 is the week before it
        ...['15', '16', '17', '18', '19', '20', '21'].map(d =>
          record(`2026-11-${d}`, 10),
        ),
        record('2026-11-22', 50),
        ...['23', '24', '25'].map(d => record(`2026-11-${d}`, 12)),
        ...['23', '24', '25'].map(d => record(`2026-11-${d}`, 3, 'opencost')),
      ],
    }));
    const listDeployments = jest.fn(async () => ({
      items: [
        deploy({}),
        // a rollback and a deploy before the window are not releases here
        deploy({ id: 'r', kind: 'rollback', version: '2.3.9' }),
        deploy({
          id: 'old',
          version: '2.3.0',
          startedAt: '2026-11-10T10:00:00.000Z',
          finishedAt: '2026-11-10T10:10:00.000Z',
        }),
      ],
    }));
    await renderPanel({ listCosts, listDeployments });

    expect(
      await screen.findByText(/Daily cost \(2026-11-19/),
    ).toBeInTheDocument();
    expect(listCosts).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
      from: '2026-11-12',
      to: '2026-11-25',
    });
    expect(listDeployments).toHaveBeenCalledWith(
      expect.objectContaining({
        environment: 'production',
        status: 'succeeded',
      }),
    );
    expect(
      screen.getByRole('img', { name: /1 production release days marked/ }),
    ).toBeInTheDocument();

    expect(
      screen.getByText('Cost before and after each production release'),
    ).toBeInTheDocument();
    const row = within(screen.getByText('2.4.0').closest('tr') as HTMLElement);
    // before: 11-15..11-21 = 10/day; after: 11-23..11-25 = 15/day (3 days)
    expect(row.getByText('$10.00')).toBeInTheDocument();
    expect(row.getByText('$15.00 (3 d)')).toBeInTheDocument();
    expect(row.getByText('+$5.00')).toBeInTheDocument();
    expect(row.getByText('+50 %')).toBeInTheDocument();
    expect(screen.queryByText('2.3.9')).not.toBeInTheDocument();
    expect(screen.queryByText('2.3.0')).not.toBeInTheDocument();

    // split over the window: aws 30 + 50 + 36 = 116, opencost 9
    const aws = within(
      screen.getByText('aws', { selector: 'td' }).closest('tr') as HTMLElement,
    );
    expect(aws.getByText('$116.00')).toBeInTheDocument();
    expect(aws.getByText('92.8 %')).toBeInTheDocument();
  });

  it('never adds currencies: one is shown at a time, chosen in a select', async () => {
    await renderPanel({
      listCosts: async () => ({
        items: [
          record('2026-11-20', 10),
          record('2026-11-21', 10),
          record('2026-11-21', 7, 'gcp', 'EUR'),
        ],
      }),
      listDeployments: async () => ({ items: [] }),
    });
    expect(await screen.findByText('$20.00')).toBeInTheDocument();
    expect(
      screen.getByText('No production release in this window.'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /USD/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'EUR' }));
    expect(await screen.findByText('€7.00')).toBeInTheDocument();
    expect(screen.queryByText('$20.00')).not.toBeInTheDocument();
  });
});

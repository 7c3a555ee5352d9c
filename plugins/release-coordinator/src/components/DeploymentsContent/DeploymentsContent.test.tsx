import { ResponseError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Entity } from '@backstage/catalog-model';
import {
  Deployment,
  EnvironmentsResponse,
  ListResponse,
  Rollback,
} from '@release-coordinator/backstage-plugin-common';
import {
  annotatedComponent,
  pending,
  plainComponent,
} from '../../__testUtils__/fixtures';
import { fakeSignalApi } from '../../__testUtils__/signals';
import {
  makeDeployment,
  makeEnvironments,
} from '../../__testUtils__/deployments';
import {
  GetEnvironmentsOptions,
  ListDeploymentsOptions,
  ReleaseCoordinatorApi,
  releaseCoordinatorApiRef,
} from '../../api';
import { makeRollbackPlan } from '../../__testUtils__/rollbacks';
import { releaseReadinessRouteRef } from '../../routes';
import { DeploymentsContent } from './DeploymentsContent';

const entityRef = 'component:default/payments';

function mockApi(options: {
  environments?: EnvironmentsResponse | (() => Promise<EnvironmentsResponse>);
  history?: (
    request: ListDeploymentsOptions,
  ) => Promise<ListResponse<Deployment>>;
  staging?: Deployment[];
}) {
  const { environments = makeEnvironments() } = options;
  const loadEnvironments =
    typeof environments === 'function'
      ? environments
      : async () => environments;
  return {
    getEnvironments: jest.fn((_request: GetEnvironmentsOptions) =>
      loadEnvironments(),
    ),
    listDeployments: jest.fn(
      async (
        request: ListDeploymentsOptions,
      ): Promise<ListResponse<Deployment>> => {
        // The environment cards look for promotions in staging's succeeded deployments.
        if (request.limit === 100) {
          return { items: options.staging ?? [] };
        }
        return options.history ? options.history(request) : { items: [] };
      },
    ),
    // Each environment card loads its rollback state (covered in RollbackButton's tests).
    getRollbackPlan: jest.fn(async (request: { environment: string }) =>
      makeRollbackPlan({ environment: request.environment }),
    ),
    listRollbacks: jest.fn(async () => ({ items: [] as Rollback[] })),
  };
}

type MockApi = ReturnType<typeof mockApi>;

/** History calls only (not the staging promotion look-up). */
function historyCalls(api: MockApi): ListDeploymentsOptions[] {
  return api.listDeployments.mock.calls
    .map(([request]) => request)
    .filter(request => request.limit !== 100);
}

async function renderTab(
  api: Partial<ReleaseCoordinatorApi>,
  options: {
    entity?: Entity;
    signalApi?: SignalApi;
    mountedRoutes?: Parameters<typeof renderInTestApp>[1];
  } = {},
) {
  const tab = (
    <EntityProvider entity={options.entity ?? annotatedComponent}>
      <DeploymentsContent />
    </EntityProvider>
  );
  return renderInTestApp(
    options.signalApi ? (
      <TestApiProvider
        apis={[
          [releaseCoordinatorApiRef, api],
          [signalApiRef, options.signalApi],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        {tab}
      </TestApiProvider>
    ) : (
      // No signals API: the tab must work without it.
      <TestApiProvider
        apis={[
          [releaseCoordinatorApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        {tab}
      </TestApiProvider>
    ),
    options.mountedRoutes,
  );
}

async function forbidden(message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message },
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

/** Data rows of the history table (without its header row). */
async function historyRows() {
  const table = (await screen.findByText('History')).closest(
    '[class*="MuiPaper"]',
  ) as HTMLElement;
  const rows = within(table).getAllByRole('row');
  return rows.slice(1);
}

describe('DeploymentsContent', () => {
  it('shows progress while loading, under the Deployments title', async () => {
    const api = mockApi({ environments: () => pending() });
    await renderTab(api);

    expect(screen.getByText('Deployments')).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(api.getEnvironments).toHaveBeenCalledWith({ entityRef });
    expect(historyCalls(api)).toEqual([
      { entityRef, environment: undefined, status: undefined, limit: 25 },
    ]);
  });

  it('shows the backend error when the environments cannot be loaded', async () => {
    const error = await forbidden('not allowed to read deployments');
    await renderTab(mockApi({ environments: () => Promise.reject(error) }));

    expect(
      await screen.findByText(/Request failed with 403 Forbidden/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/not allowed to read deployments/).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });

  it('shows the backend error when the history cannot be loaded', async () => {
    const error = await forbidden('history denied');
    await renderTab(mockApi({ history: () => Promise.reject(error) }));

    expect(
      await screen.findByText(/Request failed with 403 Forbidden/),
    ).toBeInTheDocument();
    expect(screen.queryByText('History')).not.toBeInTheDocument();
  });

  it('explains how to feed deployments when there are none', async () => {
    await renderTab(mockApi({}));

    expect(
      await screen.findByText('No deployments of Payments API yet'),
    ).toBeInTheDocument();
    expect(screen.getByText(/provider modules/)).toBeInTheDocument();
    expect(
      screen.getByText('POST /api/release-coordinator/events/deployments'),
    ).toBeInTheDocument();
    // the curl example names this entity
    expect(
      screen.getAllByText(/component:default\/payments/).length,
    ).toBeGreaterThan(0);
    expect(
      screen.getByText(/No provider pulls deployments for this entity/),
    ).toBeInTheDocument();
    expect(screen.queryByText('History')).not.toBeInTheDocument();
  });

  it('explains the missing annotations instead of calling the backend', async () => {
    const api = mockApi({});
    await renderTab(api, { entity: plainComponent });

    expect(screen.getByText('Deployments')).toBeInTheDocument();
    expect(screen.getByText(/Any one of the annotations/)).toBeInTheDocument();
    expect(api.getEnvironments).not.toHaveBeenCalled();
    expect(api.listDeployments).not.toHaveBeenCalled();
  });

  it('lists the history newest first with status, kind, commit, duration and links', async () => {
    const deployed = makeDeployment({
      id: 'dep-2',
      version: '1.4.0',
      commits: [
        { sha: 'a1', committedAt: '2026-11-19T10:00:00.000Z' },
        { sha: 'a2', committedAt: '2026-11-19T11:00:00.000Z' },
        { sha: 'a3', committedAt: '2026-11-19T12:00:00.000Z' },
      ],
      releaseId: 'rel-9',
    });
    const rollback = makeDeployment({
      id: 'dep-3',
      version: '1.3.0',
      kind: 'rollback',
      rollbackOf: 'dep-2',
      status: 'failed',
      commitSha: undefined,
      startedAt: '2026-11-20T11:00:00.000Z',
      finishedAt: '2026-11-20T12:02:05.000Z',
      initiator: 'user:default/bob',
      url: undefined,
    });
    const running = makeDeployment({
      id: 'dep-4',
      version: '1.5.0',
      environment: 'staging',
      status: 'in_progress',
      finishedAt: undefined,
    });
    await renderTab(
      mockApi({
        history: async () => ({ items: [running, rollback, deployed] }),
      }),
    );

    const rows = await historyRows();
    expect(rows).toHaveLength(3);

    expect(within(rows[0]).getByText('1.5.0')).toBeInTheDocument();
    expect(within(rows[0]).getByText('staging')).toBeInTheDocument();
    expect(within(rows[0]).getByText('in progress')).toBeInTheDocument();
    expect(within(rows[0]).getByText('Deploy')).toBeInTheDocument();
    // still running: no duration yet
    expect(within(rows[0]).getAllByText('—').length).toBeGreaterThan(0);

    expect(within(rows[1]).getByText('Rollback')).toBeInTheDocument();
    expect(within(rows[1]).getByText('of 1.4.0')).toBeInTheDocument();
    expect(within(rows[1]).getByText('failed')).toBeInTheDocument();
    expect(within(rows[1]).getByText('1 hr, 2 min, 5 sec')).toBeInTheDocument();
    expect(within(rows[1]).getByText('user:default/bob')).toBeInTheDocument();
    expect(within(rows[1]).queryByText('CI run')).not.toBeInTheDocument();

    expect(within(rows[2]).getByText('succeeded')).toBeInTheDocument();
    expect(within(rows[2]).getByText('4 min, 32 sec')).toBeInTheDocument();
    expect(within(rows[2]).getByText('3 commits')).toBeInTheDocument();
    expect(within(rows[2]).getByText('0123456').closest('a')).toHaveAttribute(
      'href',
      'https://github.com/acme/payments/commit/0123456789abcdef0123456789abcdef01234567',
    );
    expect(within(rows[2]).getByText('CI run').closest('a')).toHaveAttribute(
      'href',
      'https://ci.example.com/runs/1',
    );
    // no Release readiness route in this app: the release id as text
    expect(within(rows[2]).getByText('Release rel-9')).toBeInTheDocument();
  });

  it('links a deployment to its release on the Release readiness tab', async () => {
    await renderTab(
      mockApi({
        history: async () => ({
          items: [makeDeployment({ releaseId: 'rel 9' })],
        }),
      }),
      {
        mountedRoutes: {
          mountedRoutes: { '/release-readiness': releaseReadinessRouteRef },
        },
      },
    );

    const rows = await historyRows();
    expect(within(rows[0]).getByText('Release').closest('a')).toHaveAttribute(
      'href',
      '/release-readiness?release=rel%209',
    );
  });

  it('labels demo data, and only demo data', async () => {
    await renderTab(
      mockApi({
        history: async () => ({
          items: [makeDeployment({ source: 'demo', externalId: 'demo-1' })],
        }),
      }),
    );
    expect(
      await screen.findByText(
        'Demo data — generated by the demo module, not from a real CI/CD system',
      ),
    ).toBeInTheDocument();
  });

  it('shows no demo banner for deployments from a real source', async () => {
    await renderTab(
      mockApi({ history: async () => ({ items: [makeDeployment()] }) }),
    );
    expect(await historyRows()).toHaveLength(1);
    expect(screen.queryByText(/Demo data/)).not.toBeInTheDocument();
  });

  it('asks the backend again when the environment or status filter changes', async () => {
    const api = mockApi({
      environments: makeEnvironments({
        items: [{ environment: 'staging' }, { environment: 'production' }],
      }),
      history: async request => ({
        items:
          request.status === 'failed'
            ? []
            : [
                makeDeployment({
                  environment: request.environment ?? 'production',
                }),
              ],
      }),
    });
    await renderTab(api);
    await historyRows();

    await userEvent.selectOptions(
      screen.getByLabelText('Environment'),
      'staging',
    );
    await waitFor(() =>
      expect(historyCalls(api).at(-1)).toEqual({
        entityRef,
        environment: 'staging',
        status: undefined,
        limit: 25,
      }),
    );
    await waitFor(async () =>
      expect(
        within((await historyRows())[0]).getByText('staging'),
      ).toBeInTheDocument(),
    );

    await userEvent.selectOptions(screen.getByLabelText('Status'), 'failed');
    await waitFor(() =>
      expect(historyCalls(api).at(-1)).toEqual({
        entityRef,
        environment: 'staging',
        status: 'failed',
        limit: 25,
      }),
    );
    expect(
      await screen.findByText('No deployments match these filters.'),
    ).toBeInTheDocument();
    // the filters stay usable on an empty result
    expect(screen.getByLabelText('Environment')).toHaveValue('staging');
  });

  it('never lets an answer for an old filter overwrite the newer one', async () => {
    let answerStaging: (page: ListResponse<Deployment>) => void = () => {};
    const api = mockApi({
      environments: makeEnvironments({
        items: [{ environment: 'staging' }, { environment: 'production' }],
      }),
      history: request => {
        if (request.environment === 'staging') {
          return new Promise(resolve => {
            answerStaging = resolve;
          });
        }
        return Promise.resolve({
          items: [
            makeDeployment({
              version: request.environment ? '2.0.0-prod' : '1.0.0-all',
            }),
          ],
        });
      },
    });
    await renderTab(api);
    await screen.findByText('1.0.0-all');

    const environment = screen.getByLabelText('Environment');
    await userEvent.selectOptions(environment, 'staging');
    await userEvent.selectOptions(environment, 'production');
    expect(await screen.findByText('2.0.0-prod')).toBeInTheDocument();

    await act(async () =>
      answerStaging({
        items: [
          makeDeployment({ environment: 'staging', version: '9.9.9-stale' }),
        ],
      }),
    );
    expect(screen.queryByText('9.9.9-stale')).not.toBeInTheDocument();
    expect(screen.getByText('2.0.0-prod')).toBeInTheDocument();
  });

  it('appends the next page when "Load more" is pressed, until there is none', async () => {
    const first = makeDeployment({ id: 'dep-2', version: '1.4.0' });
    const second = makeDeployment({ id: 'dep-1', version: '1.3.0' });
    const api = mockApi({
      history: async request =>
        request.cursor === 'page-2'
          ? { items: [second] }
          : { items: [first], nextCursor: 'page-2' },
    });
    await renderTab(api);

    expect(await historyRows()).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));

    await waitFor(async () => expect(await historyRows()).toHaveLength(2));
    const rows = await historyRows();
    expect(within(rows[0]).getByText('1.4.0')).toBeInTheDocument();
    expect(within(rows[1]).getByText('1.3.0')).toBeInTheDocument();
    expect(historyCalls(api).at(-1)).toEqual({
      entityRef,
      environment: undefined,
      status: undefined,
      limit: 25,
      cursor: 'page-2',
    });
    expect(
      screen.queryByRole('button', { name: 'Load more' }),
    ).not.toBeInTheDocument();
  });

  it('shows what runs in each environment, what is under way, promotions and sync errors', async () => {
    const stagingOf140 = makeDeployment({
      id: 'dep-s1',
      environment: 'staging',
      version: '1.4.0',
      startedAt: '2026-11-19T09:00:00.000Z',
      finishedAt: '2026-11-19T09:05:00.000Z',
    });
    const production = makeDeployment({ id: 'dep-p1', version: '1.4.0' });
    const productionFailed = makeDeployment({
      id: 'dep-p2',
      version: '1.5.0',
      status: 'failed',
      startedAt: '2026-11-21T10:00:00.000Z',
    });
    const staging = makeDeployment({
      id: 'dep-s2',
      environment: 'staging',
      version: '1.5.0',
      commitSha: 'fedcba9876543210fedcba9876543210fedcba98',
      initiator: 'user:default/carol',
      startedAt: '2026-11-20T09:00:00.000Z',
      finishedAt: '2026-11-20T09:05:00.000Z',
    });
    const api = mockApi({
      environments: makeEnvironments({
        items: [
          { environment: 'staging', current: staging, latest: staging },
          {
            environment: 'production',
            current: production,
            latest: productionFailed,
          },
          { environment: 'qa' },
        ],
        sync: [
          {
            providerId: 'github',
            entityRef,
            lastSuccessAt: '2026-11-20T10:00:00.000Z',
            lastErrorAt: '2026-11-20T10:10:00.000Z',
            lastError: 'GitHub rate limit exceeded, retrying after 10:20',
          },
          {
            providerId: 'argocd',
            entityRef,
            lastSuccessAt: '2026-11-20T10:10:00.000Z',
            lastErrorAt: '2026-11-20T09:00:00.000Z',
            lastError: 'old argocd error',
          },
        ],
      }),
      staging: [staging, stagingOf140],
      history: async () => ({ items: [productionFailed, staging, production] }),
    });
    await renderTab(api);

    const productionCard = await screen.findByTestId('environment-production');
    expect(within(productionCard).getByText('1.4.0')).toBeInTheDocument();
    expect(within(productionCard).getByText('0123456')).toBeInTheDocument();
    expect(
      within(productionCard).getByText(/by user:default\/alice/),
    ).toBeInTheDocument();
    expect(
      within(productionCard).getByText('1.5.0 failed'),
    ).toBeInTheDocument();
    expect(
      within(productionCard).getByText(/Promoted from staging/),
    ).toBeInTheDocument();

    const stagingCard = screen.getByTestId('environment-staging');
    expect(within(stagingCard).getByText('1.5.0')).toBeInTheDocument();
    expect(within(stagingCard).getByText('fedcba9')).toBeInTheDocument();
    expect(
      within(stagingCard).getByText(/by user:default\/carol/),
    ).toBeInTheDocument();
    // latest is current: no status chip, and staging is never "promoted"
    expect(
      within(stagingCard).queryByText(/succeeded/),
    ).not.toBeInTheDocument();
    expect(within(stagingCard).queryByText(/Promoted/)).not.toBeInTheDocument();

    expect(
      within(screen.getByTestId('environment-qa')).getByText(
        'No successful deployment yet',
      ),
    ).toBeInTheDocument();

    expect(
      screen.getByText(/GitHub rate limit exceeded, retrying after 10:20/),
    ).toBeInTheDocument();
    expect(screen.getByText(/github sync failed/)).toBeInTheDocument();
    // an error older than the last successful sync is not a warning any more
    expect(screen.queryByText(/old argocd error/)).not.toBeInTheDocument();
    expect(screen.getAllByText(/last synced/)).toHaveLength(2);
    expect(api.listDeployments).toHaveBeenCalledWith({
      entityRef,
      environment: 'staging',
      status: 'succeeded',
      limit: 100,
    });
  });

  it('reloads when the backend signals that the deployments changed', async () => {
    const signals = fakeSignalApi();
    let version = '1.4.0';
    const api = mockApi({
      history: async () => ({ items: [makeDeployment({ version })] }),
    });
    await renderTab(api, { signalApi: signals.api });
    expect(
      within((await historyRows())[0]).getByText('1.4.0'),
    ).toBeInTheDocument();

    const channel =
      'release-coordinator:deployments:component:default/payments';
    expect(signals.listenerCount(channel)).toBeGreaterThan(0);
    version = '1.5.0';
    signals.publish(channel, { type: 'deployment.updated' });

    await waitFor(async () =>
      expect(
        within((await historyRows())[0]).getByText('1.5.0'),
      ).toBeInTheDocument(),
    );
    expect(api.getEnvironments).toHaveBeenCalledTimes(2);
    expect(historyCalls(api)).toHaveLength(2);
  });
});

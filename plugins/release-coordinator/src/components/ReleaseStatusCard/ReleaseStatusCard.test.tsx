import { renderInTestApp } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  EnvironmentsResponse,
  ListResponse,
  Release,
  Rollback,
} from '@release-coordinator/backstage-plugin-common';
import {
  annotatedComponent,
  makeRelease,
  pending,
  withApiAndEntity,
} from '../../__testUtils__/fixtures';
import {
  makeDeployment,
  makeEnvironments,
} from '../../__testUtils__/deployments';
import { makeRollback } from '../../__testUtils__/rollbacks';
import { ReleaseCoordinatorApi } from '../../api';
import { releaseReadinessRouteRef } from '../../routes';
import { ReleaseStatusCard } from './ReleaseStatusCard';

function mockApi(options: {
  environments?: () => Promise<EnvironmentsResponse>;
  releases?: Release[];
  rollbacks?: Rollback[];
}) {
  return {
    getEnvironments: jest.fn(
      options.environments ?? (async () => makeEnvironments()),
    ),
    listReleases: jest.fn(
      async (): Promise<ListResponse<Release>> => ({
        items: options.releases ?? [],
      }),
    ),
    listRollbacks: jest.fn(
      async (): Promise<ListResponse<Rollback>> => ({
        items: options.rollbacks ?? [],
      }),
    ),
  } satisfies Partial<ReleaseCoordinatorApi>;
}

async function renderCard(api: Partial<ReleaseCoordinatorApi>) {
  await renderInTestApp(
    withApiAndEntity(api, annotatedComponent, <ReleaseStatusCard />),
    { mountedRoutes: { '/release-readiness': releaseReadinessRouteRef } },
  );
}

describe('ReleaseStatusCard', () => {
  it('shows what runs in each environment, the release awaiting approval and the last rollback', async () => {
    const api = mockApi({
      environments: async () =>
        makeEnvironments({
          items: [
            {
              environment: 'staging',
              current: makeDeployment({
                id: 'dep-s',
                environment: 'staging',
                version: '1.5.0',
              }),
            },
            {
              environment: 'production',
              current: makeDeployment({ id: 'dep-p', version: '1.3.0' }),
              latest: makeDeployment({
                id: 'dep-q',
                version: '1.4.0',
                status: 'failed',
              }),
            },
          ],
        }),
      releases: [
        // Newest first: an approved one is not awaiting approval.
        makeRelease({ id: 'rel-3', version: '1.6.0', state: 'approved' }),
        makeRelease({ id: 'rel 2', version: '1.5.0', state: 'ready' }),
        makeRelease({ id: 'rel-1', version: '1.4.5', state: 'draft' }),
      ],
      rollbacks: [
        makeRollback({
          state: 'succeeded',
          fromVersion: '1.4.0',
          targetVersion: '1.3.0',
          finishedAt: '2026-11-20T12:05:00.000Z',
        }),
      ],
    });
    await renderCard(api);

    const staging = await screen.findByTestId('release-status-staging');
    expect(staging).toHaveTextContent(/staging: 1\.5\.0 succeeded/);
    const production = screen.getByTestId('release-status-production');
    expect(production).toHaveTextContent(/production: 1\.3\.0 succeeded/);
    expect(production).toHaveTextContent('(latest: 1.4.0 failed)');
    expect(production.querySelector('time')).toHaveAttribute(
      'dateTime',
      '2026-11-20T10:04:32.000Z',
    );

    const awaiting = screen.getByRole('region', { name: 'Awaiting approval' });
    expect(
      within(awaiting).getByRole('link', { name: '1.5.0' }),
    ).toHaveAttribute('href', '/release-readiness?release=rel%202');
    expect(awaiting).toHaveTextContent(
      /to production, ready, created .* by user:default\/alice/,
    );

    const rollback = screen.getByRole('region', { name: 'Last rollback' });
    expect(rollback).toHaveTextContent(
      /production: 1\.4\.0 → 1\.3\.0, succeeded, .* by user:default\/alice — “error rate doubled after 1\.4\.0”/,
    );

    expect(api.getEnvironments).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
    });
    expect(api.listReleases).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
      environment: 'production',
    });
    expect(api.listRollbacks).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
      limit: 1,
    });
  });

  it('says so when nothing awaits approval and nothing was rolled back', async () => {
    await renderCard(
      mockApi({
        environments: async () =>
          makeEnvironments({
            items: [{ environment: 'production', current: makeDeployment() }],
          }),
        releases: [makeRelease({ state: 'deployed' })],
      }),
    );
    expect(
      await screen.findByText('No production release awaiting approval'),
    ).toBeInTheDocument();
    expect(screen.getByText('No rollbacks')).toBeInTheDocument();
  });

  it('shows an empty state when nothing was ever deployed or released', async () => {
    await renderCard(mockApi({}));
    expect(await screen.findByText('No deployments yet')).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Environments' })).toBeNull();
  });

  it('shows progress while loading', async () => {
    await renderCard(mockApi({ environments: () => pending() }));
    expect(
      within(screen.getByTestId('release-status-card')).getByTestId('progress'),
    ).toBeInTheDocument();
    expect(screen.queryByText('No deployments yet')).toBeNull();
  });

  it('shows the error and loads again on Retry', async () => {
    const response = new Response(
      JSON.stringify({ error: { name: 'Error', message: 'backend down' } }),
      { status: 503, headers: { 'content-type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    const api = mockApi({});
    api.getEnvironments.mockRejectedValueOnce(error).mockResolvedValue(
      makeEnvironments({
        items: [{ environment: 'production', current: makeDeployment() }],
      }),
    );
    await renderCard(api);

    expect(
      await screen.findByText(/Could not load the release status/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByTestId('release-status-production'),
    ).toHaveTextContent('1.4.0');
    expect(api.getEnvironments).toHaveBeenCalledTimes(2);
  });
});

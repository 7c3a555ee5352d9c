import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  annotatedComponent,
  makeRelease,
  pending,
  plainComponent,
  withApiAndEntity,
} from '../../__testUtils__/fixtures';
import { ReleaseReadinessContent } from './ReleaseReadinessContent';

describe('ReleaseReadinessContent', () => {
  it('asks the backend for the entity releases and shows progress meanwhile', async () => {
    const listReleases = jest.fn(() => pending<never>());
    await renderInTestApp(
      withApiAndEntity(
        { listReleases },
        annotatedComponent,
        <ReleaseReadinessContent />,
      ),
    );

    expect(screen.getByText('Release readiness')).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(listReleases).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
    });
  });

  it('shows the backend error', async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message: 'not allowed to read' },
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response);
    await renderInTestApp(
      withApiAndEntity(
        { listReleases: () => Promise.reject(error) },
        annotatedComponent,
        <ReleaseReadinessContent />,
      ),
    );

    expect(
      await screen.findByText(/Request failed with 403 Forbidden/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/not allowed to read/).length).toBeGreaterThan(
      0,
    );
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });

  it('explains how releases are created when there are none', async () => {
    await renderInTestApp(
      withApiAndEntity(
        { listReleases: async () => ({ items: [] }) },
        annotatedComponent,
        <ReleaseReadinessContent />,
      ),
    );

    expect(
      await screen.findByText('No releases yet for Payments API'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'POST /api/release-coordinator/entities/component/default/payments/releases',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/quality-gate checklist/)).toBeInTheDocument();
  });

  it('lists the releases in the order the backend returns them', async () => {
    await renderInTestApp(
      withApiAndEntity(
        {
          listReleases: async () => ({
            items: [
              makeRelease({
                id: 'r2',
                version: '1.5.0',
                state: 'draft',
                environment: 'staging',
                createdBy: 'user:default/bob',
              }),
              makeRelease({ id: 'r1', version: '1.4.0', state: 'deployed' }),
            ],
          }),
        },
        annotatedComponent,
        <ReleaseReadinessContent />,
      ),
    );

    const rows = await screen.findAllByRole('row');
    // header row + one row per release
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByText('1.5.0')).toBeInTheDocument();
    expect(within(rows[1]).getByText('staging')).toBeInTheDocument();
    expect(within(rows[1]).getByText('draft')).toBeInTheDocument();
    expect(within(rows[1]).getByText('user:default/bob')).toBeInTheDocument();
    expect(within(rows[2]).getByText('1.4.0')).toBeInTheDocument();
    expect(within(rows[2]).getByText('deployed')).toBeInTheDocument();
    expect(screen.queryByText(/No releases yet/)).not.toBeInTheDocument();
  });

  it('explains the missing annotations instead of calling the backend', async () => {
    const listReleases = jest.fn();
    await renderInTestApp(
      withApiAndEntity(
        { listReleases },
        plainComponent,
        <ReleaseReadinessContent />,
      ),
    );

    expect(screen.getByText('Release readiness')).toBeInTheDocument();
    expect(screen.getByText(/Any one of the annotations/)).toBeInTheDocument();
    expect(
      screen.getAllByText(/github\.com\/project-slug/).length,
    ).toBeGreaterThan(0);
    expect(listReleases).not.toHaveBeenCalled();
  });
});

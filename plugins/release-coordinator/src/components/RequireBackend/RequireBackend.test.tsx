import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  annotatedComponent,
  pending,
  withApiAndEntity,
} from '../../__testUtils__/fixtures';
import { RequireBackend } from './RequireBackend';

const child = <p>Backend content</p>;

describe('RequireBackend', () => {
  it('shows progress while the backend health check runs', async () => {
    await renderInTestApp(
      withApiAndEntity(
        { getHealth: () => pending<never>() },
        annotatedComponent,
        <RequireBackend>{child}</RequireBackend>,
      ),
    );

    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(screen.queryByText('Backend content')).not.toBeInTheDocument();
  });

  it('shows the error when the backend does not answer', async () => {
    const error = await ResponseError.fromResponse(
      new Response('upstream connect error', {
        status: 502,
        statusText: 'Bad Gateway',
      }),
    );
    await renderInTestApp(
      withApiAndEntity(
        { getHealth: () => Promise.reject(error) },
        annotatedComponent,
        <RequireBackend>{child}</RequireBackend>,
      ),
    );

    expect(
      await screen.findByText(/Request failed with 502 Bad Gateway/),
    ).toBeInTheDocument();
    expect(screen.queryByText('Backend content')).not.toBeInTheDocument();
  });

  it('shows its children once the backend answers', async () => {
    await renderInTestApp(
      withApiAndEntity(
        { getHealth: async () => ({ status: 'ok' as const }) },
        annotatedComponent,
        <RequireBackend>{child}</RequireBackend>,
      ),
    );

    expect(await screen.findByText('Backend content')).toBeInTheDocument();
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });
});

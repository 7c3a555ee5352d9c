import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  annotatedComponent,
  group,
  pending,
  withApiAndEntity,
} from '../../__testUtils__/fixtures';
import { DeliveryMetricsContent } from '../DeliveryMetricsContent';
import { DeliveryOverviewContent } from '../DeliveryOverviewContent';
import { DeploymentsContent } from '../DeploymentsContent';

// The tabs whose data routes do not exist yet wait for the backend's health
// check before they explain how to feed them.
describe.each([
  {
    title: 'Deployments',
    entity: annotatedComponent,
    element: <DeploymentsContent />,
    emptyStateText: /deployment history of/,
  },
  {
    title: 'Delivery metrics',
    entity: annotatedComponent,
    element: <DeliveryMetricsContent />,
    emptyStateText: /delivery metrics of/,
  },
  {
    title: 'Delivery overview',
    entity: group,
    element: <DeliveryOverviewContent />,
    emptyStateText: /delivery overview of/,
  },
])('$title tab', ({ title, entity, element, emptyStateText }) => {
  it('shows progress while the backend health check runs', async () => {
    await renderInTestApp(
      withApiAndEntity({ getHealth: () => pending<never>() }, entity, element),
    );

    expect(screen.getByText(title)).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(screen.queryByText(emptyStateText)).not.toBeInTheDocument();
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
        entity,
        element,
      ),
    );

    expect(
      await screen.findByText(/Request failed with 502 Bad Gateway/),
    ).toBeInTheDocument();
    expect(screen.queryByText(emptyStateText)).not.toBeInTheDocument();
  });

  it('shows the empty state once the backend answers', async () => {
    await renderInTestApp(
      withApiAndEntity(
        { getHealth: async () => ({ status: 'ok' as const }) },
        entity,
        element,
      ),
    );

    expect(await screen.findByText(emptyStateText)).toBeInTheDocument();
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });
});

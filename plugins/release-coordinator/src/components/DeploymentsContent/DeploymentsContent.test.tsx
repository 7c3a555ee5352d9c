import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  annotatedComponent,
  plainComponent,
  withApiAndEntity,
} from '../../__testUtils__/fixtures';
import { DeploymentsContent } from './DeploymentsContent';

describe('DeploymentsContent', () => {
  it('explains where deployments come from once the backend answers', async () => {
    await renderInTestApp(
      withApiAndEntity(
        { getHealth: async () => ({ status: 'ok' as const }) },
        annotatedComponent,
        <DeploymentsContent />,
      ),
    );

    expect(
      await screen.findByText(
        'The deployment history of Payments API will appear here',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/provider modules/)).toBeInTheDocument();
    expect(
      screen.getByText('POST /api/release-coordinator/events/deployments'),
    ).toBeInTheDocument();
    // the example body names this entity
    expect(
      screen.getAllByText(/component:default\/payments/).length,
    ).toBeGreaterThan(0);
  });

  it('explains the missing annotations instead of calling the backend', async () => {
    const getHealth = jest.fn();
    await renderInTestApp(
      withApiAndEntity({ getHealth }, plainComponent, <DeploymentsContent />),
    );

    expect(screen.getByText(/Any one of the annotations/)).toBeInTheDocument();
    expect(getHealth).not.toHaveBeenCalled();
  });
});

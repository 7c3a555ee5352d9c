import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { group, withApiAndEntity } from '../../__testUtils__/fixtures';
import { DeliveryOverviewContent } from './DeliveryOverviewContent';

const healthy = { getHealth: async () => ({ status: 'ok' as const }) };

describe('DeliveryOverviewContent', () => {
  it('explains the roll-up over what a group owns', async () => {
    await renderInTestApp(
      withApiAndEntity(healthy, group, <DeliveryOverviewContent />),
    );

    expect(
      await screen.findByText(
        'The delivery overview of Team A will appear here',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/it owns, including through its sub-groups/),
    ).toBeInTheDocument();
    expect(screen.getByText('Change failure rate')).toBeInTheDocument();
  });

  it('explains the roll-up over the parts of a system, without annotations', async () => {
    const system = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'checkout', namespace: 'default' },
      spec: { owner: 'team-a' },
    };
    await renderInTestApp(
      withApiAndEntity(healthy, system, <DeliveryOverviewContent />),
    );

    expect(
      await screen.findByText(
        'The delivery overview of checkout will appear here',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/that are part of it/)).toBeInTheDocument();
    expect(
      screen.queryByText(/Any one of the annotations/),
    ).not.toBeInTheDocument();
  });
});

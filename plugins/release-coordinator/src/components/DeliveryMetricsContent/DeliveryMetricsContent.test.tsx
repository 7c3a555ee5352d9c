import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  annotatedComponent,
  withApiAndEntity,
} from '../../__testUtils__/fixtures';
import { DeliveryMetricsContent } from './DeliveryMetricsContent';

describe('DeliveryMetricsContent', () => {
  it('names the nine metrics and their sources, with no numbers', async () => {
    await renderInTestApp(
      withApiAndEntity(
        { getHealth: async () => ({ status: 'ok' as const }) },
        annotatedComponent,
        <DeliveryMetricsContent />,
      ),
    );

    expect(
      await screen.findByText(
        'The delivery metrics of Payments API will appear here',
      ),
    ).toBeInTheDocument();
    const list = screen.getByRole('list', { name: 'Delivery metrics' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map(item => item.querySelector('span')?.textContent)).toEqual([
      'Deployment frequency',
      'Deployment success rate',
      'Lead time for changes',
      'Change failure rate',
      'Time to recovery',
      'Uptime',
      'Deployment duration',
      'Rollback frequency',
      'Infrastructure cost',
    ]);
    expect(screen.getByText('/events/incidents')).toBeInTheDocument();
    expect(screen.getByText('/events/costs')).toBeInTheDocument();
  });
});

import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { makeSeries } from '../../__testUtils__/metrics';
import { MetricsCharts } from './MetricsCharts';

const day = (date: string) => `2026-11-${date}T00:00:00.000Z`;

describe('MetricsCharts', () => {
  it('draws the four charts, and says so when a trend has no samples', async () => {
    await renderInTestApp(
      <MetricsCharts
        bucket="day"
        series={{
          deploymentFrequency: makeSeries('deploymentFrequency', 'day', [
            {
              start: day('25'),
              values: { succeeded: 3, failed: 1, rollbacks: 1 },
            },
            {
              start: day('26'),
              values: { succeeded: 2, failed: 0, rollbacks: 0 },
            },
          ]),
          leadTimeForChanges: makeSeries('leadTimeForChanges', 'day', [
            { start: day('25'), values: { medianSeconds: 5400 } },
            { start: day('26'), values: { medianSeconds: 3600 } },
          ]),
          deploymentDuration: makeSeries('deploymentDuration', 'day', [
            { start: day('25'), values: { medianSeconds: null } },
          ]),
          uptime: makeSeries('uptime', 'day', [
            {
              start: day('25'),
              values: { incidents: 1, downtimeSeconds: 600 },
            },
          ]),
        }}
      />,
    );

    const deployments = screen.getByRole('figure', {
      name: 'Deployments per day by status',
    });
    expect(
      screen.getByRole('figure', { name: 'Incidents and critical downtime' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('figure', { name: 'Lead time for changes (median)' }),
    ).toBeInTheDocument();
    expect(
      within(
        screen.getByRole('figure', { name: 'Deployment duration' }),
      ).getByText('No samples in this window.'),
    ).toBeInTheDocument();
    // The chart renders into an SVG at its initial size in jsdom.
    expect(deployments.querySelector('svg')).not.toBeNull();
    expect(within(deployments).getByText('Nov 25')).toBeInTheDocument();
  });
});

import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  makeDeliveryMetrics,
  makeEmptyDeliveryMetrics,
} from '../../__testUtils__/metrics';
import { MetricCardGrid } from './MetricCardGrid';

function card(title: string) {
  return within(screen.getByRole('group', { name: title }));
}

// Full tabs (ten cards, charts, a material table) render slowly in jsdom on a busy machine.
jest.setTimeout(20_000);

describe('MetricCardGrid', () => {
  it('shows each value with its unit, tier and change', async () => {
    await renderInTestApp(
      <MetricCardGrid
        metrics={makeDeliveryMetrics()}
        previous={makeDeliveryMetrics({
          deploymentFrequency: { count: 30, perDay: 1, tier: 'elite' },
          changeFailureRate: {
            value: 0.05,
            failedDeployments: 1,
            deployments: 20,
            tier: 'elite',
          },
        })}
      />,
    );

    expect(screen.getAllByRole('group')).toHaveLength(10);
    const frequency = card('Deployment frequency');
    expect(frequency.getByTestId('metric-value')).toHaveTextContent(
      '1.4 per day',
    );
    expect(frequency.getByLabelText('DORA tier: Elite')).toBeInTheDocument();
    expect(frequency.getByText('+40 %')).toHaveAttribute(
      'data-verdict',
      'good',
    );

    // A higher change failure rate is a bad change.
    const cfr = card('Change failure rate');
    expect(cfr.getByTestId('metric-value')).toHaveTextContent('7.1 %');
    expect(cfr.getByLabelText('DORA tier: High')).toBeInTheDocument();
    expect(cfr.getByText('+2.1 pp')).toHaveAttribute('data-verdict', 'bad');

    expect(
      card('Lead time for changes').getByTestId('metric-value'),
    ).toHaveTextContent('1 h 30 min');
    expect(card('Uptime').getByTestId('metric-value')).toHaveTextContent(
      '99.91 %',
    );
    expect(
      card('Uptime').queryByLabelText(/DORA tier/),
    ).not.toBeInTheDocument();
    expect(
      card('Infrastructure cost').getByTestId('metric-value'),
    ).toHaveTextContent('$1,234.50');
    expect(card('Infrastructure cost').getByText('+12 %')).toHaveAttribute(
      'data-verdict',
      'bad',
    );
    expect(
      card('Rollback frequency').getByTestId('metric-value'),
    ).toHaveTextContent('0.47 per week');
  });

  it('shows — and "not enough data" for null values, never 0', async () => {
    await renderInTestApp(
      <MetricCardGrid metrics={makeEmptyDeliveryMetrics()} />,
    );

    for (const title of [
      'Deployment success rate',
      'Lead time for changes',
      'Change failure rate',
      'Failed deployment recovery time',
      'Deployment duration',
      'Deployment rework rate',
    ]) {
      expect(card(title).getByTestId('metric-value')).toHaveTextContent('—');
      expect(card(title).getByText('not enough data')).toBeInTheDocument();
    }
    const cost = card('Infrastructure cost');
    expect(cost.getByTestId('metric-value')).toHaveTextContent('—');
    expect(cost.getByText(/cost module/)).toBeInTheDocument();
  });

  it('shows one total per currency when there are several', async () => {
    await renderInTestApp(
      <MetricCardGrid
        metrics={makeDeliveryMetrics({
          infrastructureCost: {
            total: null,
            currency: null,
            perDay: null,
            perDeployment: null,
            changeRatio: null,
            byCurrency: [
              { currency: 'USD', total: 100 },
              { currency: 'EUR', total: 50 },
            ],
          },
        })}
      />,
    );

    expect(
      card('Infrastructure cost').getByTestId('metric-value'),
    ).toHaveTextContent('$100.00 + €50.00');
  });

  it('shows the deployment rework rate with its definition, without a tier', async () => {
    await renderInTestApp(
      <MetricCardGrid
        metrics={makeDeliveryMetrics({
          deploymentReworkRate: { value: 3 / 40, rework: 3, deployments: 40 },
        })}
        previous={makeDeliveryMetrics({
          deploymentReworkRate: { value: 0.05, rework: 1, deployments: 20 },
        })}
      />,
    );

    const rework = card('Deployment rework rate');
    expect(rework.getByTestId('metric-value')).toHaveTextContent('7.5 %');
    expect(
      rework.getByText('3 of 40 deployments incl. 2 rollbacks unplanned'),
    ).toBeInTheDocument();
    expect(rework.queryByLabelText(/DORA tier/)).not.toBeInTheDocument();
    // More rework is a bad change: 7.5 % − 5 % = +2.5 pp.
    expect(rework.getByText('+2.5 pp')).toHaveAttribute('data-verdict', 'bad');

    await userEvent.hover(rework.getByText('Deployment rework rate'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      /DORA 2024\. Share of succeeded deployments and rollbacks .* every rollback, and every deployment that started while a critical or major incident/,
    );
  });

  it("labels time to recovery with DORA's name, ours in the definition", async () => {
    await renderInTestApp(<MetricCardGrid metrics={makeDeliveryMetrics()} />);

    const recovery = card('Failed deployment recovery time');
    await userEvent.hover(
      recovery.getByText('Failed deployment recovery time'),
    );
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      /^Our time to recovery \(meanTimeToRecovery\), DORA's failed deployment recovery time\./,
    );
  });

  it('shows the METRICS.md definition on hover', async () => {
    await renderInTestApp(<MetricCardGrid metrics={makeDeliveryMetrics()} />);

    await userEvent.hover(
      card('Change failure rate').getByText('Change failure rate'),
    );
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      /DORA's change fail rate\. Share of succeeded deployments in the window that failed in production/,
    );
  });

  it('states the population of each card, so that no two seem to disagree', async () => {
    await renderInTestApp(
      <MetricCardGrid
        metrics={makeDeliveryMetrics({
          deploymentFrequency: { count: 43, perDay: 43 / 30, tier: 'elite' },
          deploymentSuccessRate: { value: 43 / 44, succeeded: 43, failed: 1 },
          changeFailureRate: {
            value: 1 / 43,
            failedDeployments: 1,
            deployments: 43,
            tier: 'elite',
          },
          rollbackFrequency: { count: 1, perWeek: 7 / 30, perDeploy: 1 / 43 },
          deploymentReworkRate: { value: 2 / 44, rework: 2, deployments: 44 },
        })}
      />,
    );

    expect(
      card('Deployment frequency').getByText(
        '43 succeeded deployments; rollbacks not counted',
      ),
    ).toBeInTheDocument();
    expect(
      card('Deployment success rate').getByText(
        '43 succeeded, 1 failed of 44 finished deployments; rollbacks and cancelled not counted',
      ),
    ).toBeInTheDocument();
    expect(
      card('Change failure rate').getByText('1 of 43 changes caused a failure'),
    ).toBeInTheDocument();
    expect(
      card('Lead time for changes').getByText(
        'median of 97 commits shipped by 43 succeeded deployments',
      ),
    ).toBeInTheDocument();
    expect(
      card('Deployment rework rate').getByText(
        '2 of 44 deployments incl. 1 rollback unplanned',
      ),
    ).toBeInTheDocument();
    expect(
      card('Rollback frequency').getByText(
        '1 rollback, 2.3 % of 43 succeeded deployments',
      ),
    ).toBeInTheDocument();
    expect(
      card('Failed deployment recovery time').getByText(
        /over 3 critical or major incidents resolved$/,
      ),
    ).toBeInTheDocument();
    expect(
      card('Deployment duration').getByText(
        /over 44 finished deployments with a start time$/,
      ),
    ).toBeInTheDocument();
  });

  it('says cost is per service, all environments', async () => {
    await renderInTestApp(<MetricCardGrid metrics={makeDeliveryMetrics()} />);
    expect(
      card('Infrastructure cost').getByText(
        '$41.15 per day, $29.39 per deployment; per service, all environments',
      ),
    ).toBeInTheDocument();
  });

  it('has no drill-down action without an evidence query', async () => {
    await renderInTestApp(<MetricCardGrid metrics={makeDeliveryMetrics()} />);
    expect(
      screen.queryByRole('button', { name: /rows behind/ }),
    ).not.toBeInTheDocument();
  });
});

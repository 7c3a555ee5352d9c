import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { AUTOMATION_ACTOR } from '@release-coordinator/backstage-plugin-common';
import { makeDeployment } from '../../__testUtils__/deployments';
import { DeploymentKindLabel } from './DeploymentKindLabel';

describe('DeploymentKindLabel', () => {
  it('says Deploy for a deployment', async () => {
    await renderInTestApp(
      <DeploymentKindLabel deployment={makeDeployment()} />,
    );
    expect(screen.getByText('Deploy')).toBeInTheDocument();
    expect(screen.queryByText('Rollback')).not.toBeInTheDocument();
  });

  it('marks a rollback with what it rolled back, who asked and why', async () => {
    await renderInTestApp(
      <DeploymentKindLabel
        deployment={makeDeployment({
          id: 'dep-3',
          kind: 'rollback',
          rollbackOf: 'dep-2',
          rollbackRequest: {
            id: 'rb-1',
            reason: 'checkout errors since 1.4.0',
            initiator: 'user:default/guest',
            automated: false,
          },
        })}
        rolledBack={makeDeployment({ id: 'dep-2', version: '1.4.0' })}
      />,
    );
    expect(screen.getByText('Rollback')).toBeInTheDocument();
    expect(screen.getByText('of 1.4.0')).toBeInTheDocument();
    expect(screen.getByTestId('rollback-request-dep-3')).toHaveTextContent(
      'by guest: “checkout errors since 1.4.0”',
    );
  });

  it('shows an automated rollback as Automation with the incident', async () => {
    await renderInTestApp(
      <DeploymentKindLabel
        deployment={makeDeployment({
          id: 'dep-5',
          kind: 'rollback',
          rollbackRequest: {
            id: 'rb-2',
            reason: 'critical incident within the watch window',
            initiator: AUTOMATION_ACTOR,
            automated: true,
            incidentId: 'inc-7',
          },
        })}
      />,
    );
    expect(screen.getByTestId('rollback-request-dep-5')).toHaveTextContent(
      'by Automation after incident inc-7: “critical incident within the watch window”',
    );
  });

  it('leaves out who and why for a rollback not started from Release Coordinator', async () => {
    await renderInTestApp(
      <DeploymentKindLabel
        deployment={makeDeployment({ id: 'dep-6', kind: 'rollback' })}
      />,
    );
    expect(screen.getByText('Rollback')).toBeInTheDocument();
    expect(
      screen.queryByTestId('rollback-request-dep-6'),
    ).not.toBeInTheDocument();
  });
});

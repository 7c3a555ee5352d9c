import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { makeDetails } from '../ReleaseReadinessContent/__testUtils__/readinessFixtures';
import { PipelineStages } from './PipelineStages';

describe('PipelineStages', () => {
  it('shows the five stages in pipeline order with their status', async () => {
    const stages = makeDetails().stages;
    // The backend's order does not matter: the pipeline order does.
    await renderInTestApp(<PipelineStages stages={[...stages].reverse()} />);

    const steps = screen.getAllByTestId(/^stage-/);
    expect(steps.map(step => step.getAttribute('data-testid'))).toEqual([
      'stage-commit',
      'stage-tests',
      'stage-build',
      'stage-staging',
      'stage-production',
    ]);
    expect(within(steps[1]).getByText('tests')).toBeInTheDocument();
    expect(within(steps[1]).getByText('passed')).toBeInTheDocument();
    expect(within(steps[2]).getByText('failed')).toBeInTheDocument();
    expect(within(steps[2]).getByLabelText('Status error')).toBeInTheDocument();
    expect(within(steps[3]).getByText('pending')).toBeInTheDocument();
    expect(within(steps[0]).getByLabelText('Status ok')).toBeInTheDocument();
  });
});

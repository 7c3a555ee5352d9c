import {
  deploymentStatusFromHistory,
  GITHUB_DEPLOYMENT_STATES,
  mapDeploymentState,
  mapWorkflowRunStatus,
} from './statusMapping';

describe('mapDeploymentState', () => {
  it.each([
    ['queued', 'queued'],
    ['pending', 'queued'],
    ['in_progress', 'in_progress'],
    ['success', 'succeeded'],
    ['failure', 'failed'],
    ['error', 'failed'],
    ['inactive', undefined],
  ])('maps %s to %s', (state, expected) => {
    expect(mapDeploymentState(state)).toBe(expected);
  });

  it('covers every GitHub deployment state in the table above', () => {
    expect([...GITHUB_DEPLOYMENT_STATES].sort()).toEqual(
      [
        'queued',
        'pending',
        'in_progress',
        'success',
        'failure',
        'error',
        'inactive',
      ].sort(),
    );
  });
});

describe('deploymentStatusFromHistory', () => {
  const status = (state: string, minute: number) => ({
    state,
    created_at: `2026-11-20T10:${String(minute).padStart(2, '0')}:00Z`,
    log_url: `https://ci.example/${minute}`,
  });

  it('is queued without statuses', () => {
    expect(deploymentStatusFromHistory([])).toEqual({ status: 'queued' });
  });

  it('takes the newest state and finishes at a terminal one', () => {
    expect(
      deploymentStatusFromHistory([status('success', 5), status('pending', 1)]),
    ).toEqual({
      status: 'succeeded',
      finishedAt: '2026-11-20T10:05:00Z',
      url: 'https://ci.example/5',
    });
    expect(
      deploymentStatusFromHistory([
        status('in_progress', 3),
        status('queued', 1),
      ]),
    ).toEqual({ status: 'in_progress', url: 'https://ci.example/3' });
  });

  it('looks past inactive to how the deployment ended', () => {
    expect(
      deploymentStatusFromHistory([
        status('inactive', 9),
        status('failure', 4),
        status('in_progress', 2),
      ]),
    ).toEqual({
      status: 'failed',
      finishedAt: '2026-11-20T10:04:00Z',
      url: 'https://ci.example/9',
    });
  });

  it('counts a deployment that was only ever inactive as cancelled', () => {
    expect(deploymentStatusFromHistory([status('inactive', 7)])).toMatchObject({
      status: 'cancelled',
      finishedAt: '2026-11-20T10:07:00Z',
    });
  });
});

describe('mapWorkflowRunStatus', () => {
  it.each([
    ['requested', null, 'queued'],
    ['queued', null, 'queued'],
    ['pending', null, 'queued'],
    ['waiting', null, 'queued'],
    ['in_progress', null, 'in_progress'],
    ['completed', 'success', 'succeeded'],
    ['completed', 'neutral', 'succeeded'],
    ['completed', 'failure', 'failed'],
    ['completed', 'timed_out', 'failed'],
    ['completed', 'startup_failure', 'failed'],
    ['completed', 'cancelled', 'cancelled'],
    ['completed', 'skipped', 'cancelled'],
    ['completed', 'stale', 'cancelled'],
    ['completed', 'action_required', 'cancelled'],
  ])('maps %s/%s to %s', (status, conclusion, expected) => {
    expect(mapWorkflowRunStatus(status, conclusion)).toBe(expected);
  });
});

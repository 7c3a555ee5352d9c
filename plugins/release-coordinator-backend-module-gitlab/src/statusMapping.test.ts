import {
  mapGitlabDeploymentStatus,
  mapGitlabPipelineStatus,
} from './statusMapping';

describe('mapGitlabDeploymentStatus', () => {
  it.each([
    ['created', 'queued'],
    ['blocked', 'queued'],
    ['running', 'in_progress'],
    ['success', 'succeeded'],
    ['failed', 'failed'],
    ['canceled', 'cancelled'],
    ['skipped', 'cancelled'],
  ])('maps GitLab %s to %s', (gitlab, expected) => {
    expect(mapGitlabDeploymentStatus(gitlab)).toBe(expected);
  });

  it('maps a status GitLab may add later to queued, the lowest status', () => {
    expect(mapGitlabDeploymentStatus('waiting_for_approval')).toBe('queued');
  });
});

describe('mapGitlabPipelineStatus', () => {
  it.each([
    ['created', 'queued'],
    ['waiting_for_resource', 'queued'],
    ['preparing', 'queued'],
    ['pending', 'queued'],
    ['scheduled', 'queued'],
    ['manual', 'queued'],
    ['running', 'in_progress'],
    ['canceling', 'in_progress'],
    ['success', 'succeeded'],
    ['failed', 'failed'],
    ['canceled', 'cancelled'],
    ['skipped', 'cancelled'],
    ['something_new', 'queued'],
  ])('maps GitLab %s to %s', (gitlab, expected) => {
    expect(mapGitlabPipelineStatus(gitlab)).toBe(expected);
  });
});

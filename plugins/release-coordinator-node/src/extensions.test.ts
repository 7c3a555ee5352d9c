import {
  DeploymentProvider,
  releaseCoordinatorCostProvidersExtensionPoint,
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  releaseCoordinatorIncidentProvidersExtensionPoint,
  releaseCoordinatorWebhookHandlersExtensionPoint,
  supportsRollback,
} from './extensions';

describe('extension points', () => {
  it('use the release-coordinator.<name> ids', () => {
    expect(
      [
        releaseCoordinatorDeploymentProvidersExtensionPoint,
        releaseCoordinatorIncidentProvidersExtensionPoint,
        releaseCoordinatorCostProvidersExtensionPoint,
        releaseCoordinatorWebhookHandlersExtensionPoint,
      ].map(point => point.id),
    ).toEqual([
      'release-coordinator.deployment-providers',
      'release-coordinator.incident-providers',
      'release-coordinator.cost-providers',
      'release-coordinator.webhook-handlers',
    ]);
  });
});

describe('supportsRollback', () => {
  const pullOnly: DeploymentProvider = {
    id: 'pull-only',
    pull: async () => ({ deployments: [] }),
  };

  it('is false for a provider that only pulls', () => {
    expect(supportsRollback(pullOnly)).toBe(false);
  });

  it('is true for a provider that can roll back', () => {
    const withRollback: DeploymentProvider = {
      ...pullOnly,
      id: 'with-rollback',
      rollback: async () => ({ externalId: 'run-1', status: 'queued' }),
    };
    expect(supportsRollback(withRollback)).toBe(true);
  });
});

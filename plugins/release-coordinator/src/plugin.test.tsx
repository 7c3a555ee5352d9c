import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { releaseCoordinatorApiRef, ReleaseCoordinatorClient } from './api';
import {
  EntityReleaseReadinessContent,
  EntityReleaseStatusCard,
  releaseCoordinatorPlugin,
} from './plugin';
import { Route, Routes } from 'react-router-dom';
import { annotatedComponent, withApiAndEntity } from './__testUtils__/fixtures';

describe('releaseCoordinatorPlugin', () => {
  it('has the plugin id and registers the client factory', () => {
    expect(releaseCoordinatorPlugin.getId()).toBe('release-coordinator');
    const factory = [...releaseCoordinatorPlugin.getApis()].find(
      f => f.api.id === releaseCoordinatorApiRef.id,
    );
    const client = factory?.factory({
      discoveryApi: { getBaseUrl: async () => 'http://localhost' },
      fetchApi: { fetch: jest.fn() },
    });
    expect(client).toBeInstanceOf(ReleaseCoordinatorClient);
  });

  it('lazy-loads the Release readiness tab', async () => {
    await renderInTestApp(
      withApiAndEntity(
        { listReleases: async () => ({ items: [] }) },
        annotatedComponent,
        <Routes>
          <Route path="/" element={<EntityReleaseReadinessContent />} />
        </Routes>,
      ),
    );

    expect(
      await screen.findByText('No releases yet for Payments API'),
    ).toBeInTheDocument();
  });

  it('lazy-loads the Release status card (legacy export of the index)', async () => {
    const { EntityReleaseStatusCard: exported } = await import('./index');
    expect(exported).toBe(EntityReleaseStatusCard);
    await renderInTestApp(
      withApiAndEntity(
        {
          getEnvironments: async () => ({ items: [], sync: [] }),
          listReleases: async () => ({ items: [] }),
          listRollbacks: async () => ({ items: [] }),
        },
        annotatedComponent,
        <EntityReleaseStatusCard />,
      ),
    );

    expect(await screen.findByText('Release status')).toBeInTheDocument();
    expect(await screen.findByText('No deployments yet')).toBeInTheDocument();
  });
});

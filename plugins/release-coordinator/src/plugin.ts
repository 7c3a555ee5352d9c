import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { releaseCoordinatorApiRef, ReleaseCoordinatorClient } from './api';
import {
  deliveryMetricsRouteRef,
  deliveryOverviewRouteRef,
  deploymentsRouteRef,
  releaseReadinessRouteRef,
} from './routes';

/**
 * The Release Coordinator frontend plugin (legacy frontend system).
 *
 * @public
 */
export const releaseCoordinatorPlugin = createPlugin({
  id: 'release-coordinator',
  apis: [
    createApiFactory({
      api: releaseCoordinatorApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ReleaseCoordinatorClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    releaseReadiness: releaseReadinessRouteRef,
    deployments: deploymentsRouteRef,
    deliveryMetrics: deliveryMetricsRouteRef,
    deliveryOverview: deliveryOverviewRouteRef,
  },
});

/**
 * Entity tab "Release readiness": the entity's releases, their gates and approvals.
 *
 * @public
 */
export const EntityReleaseReadinessContent = releaseCoordinatorPlugin.provide(
  createRoutableExtension({
    name: 'EntityReleaseReadinessContent',
    component: () =>
      import('./components/ReleaseReadinessContent').then(
        m => m.ReleaseReadinessContent,
      ),
    mountPoint: releaseReadinessRouteRef,
  }),
);

/**
 * Entity tab "Deployments": deployment history per environment and rollback.
 *
 * @public
 */
export const EntityDeploymentsContent = releaseCoordinatorPlugin.provide(
  createRoutableExtension({
    name: 'EntityDeploymentsContent',
    component: () =>
      import('./components/DeploymentsContent').then(m => m.DeploymentsContent),
    mountPoint: deploymentsRouteRef,
  }),
);

/**
 * Entity tab "Delivery metrics": delivery, reliability and cost metrics.
 *
 * @public
 */
export const EntityDeliveryMetricsContent = releaseCoordinatorPlugin.provide(
  createRoutableExtension({
    name: 'EntityDeliveryMetricsContent',
    component: () =>
      import('./components/DeliveryMetricsContent').then(
        m => m.DeliveryMetricsContent,
      ),
    mountPoint: deliveryMetricsRouteRef,
  }),
);

/**
 * Group and System tab "Delivery overview": metrics rolled up over owned entities.
 *
 * @public
 */
export const EntityDeliveryOverviewContent = releaseCoordinatorPlugin.provide(
  createRoutableExtension({
    name: 'EntityDeliveryOverviewContent',
    component: () =>
      import('./components/DeliveryOverviewContent').then(
        m => m.DeliveryOverviewContent,
      ),
    mountPoint: deliveryOverviewRouteRef,
  }),
);

/**
 * Overview card "Release status": what runs in each environment, the
 * production release awaiting approval and the last rollback.
 *
 * @public
 */
export const EntityReleaseStatusCard = releaseCoordinatorPlugin.provide(
  createComponentExtension({
    name: 'EntityReleaseStatusCard',
    component: {
      lazy: () =>
        import('./components/ReleaseStatusCard').then(m => m.ReleaseStatusCard),
    },
  }),
);

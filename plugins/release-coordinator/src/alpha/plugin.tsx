import {
  compatWrapper,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { releaseCoordinatorApiRef, ReleaseCoordinatorClient } from '../api';
import {
  isDeliveryOverviewAvailable,
  isReleaseCoordinatorAvailable,
} from '../isReleaseCoordinatorAvailable';
import {
  deliveryMetricsRouteRef,
  deliveryOverviewRouteRef,
  deploymentsRouteRef,
  releaseReadinessRouteRef,
} from '../routes';

/**
 * The Release Coordinator API client.
 *
 * @alpha
 */
export const releaseCoordinatorApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: releaseCoordinatorApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ReleaseCoordinatorClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * Entity tab "Release readiness".
 *
 * @alpha
 */
export const entityReleaseReadinessContent = EntityContentBlueprint.make({
  name: 'release-readiness',
  params: {
    path: '/release-readiness',
    title: 'Release readiness',
    filter: isReleaseCoordinatorAvailable,
    routeRef: convertLegacyRouteRef(releaseReadinessRouteRef),
    loader: () =>
      import('../components/ReleaseReadinessContent').then(m =>
        compatWrapper(<m.ReleaseReadinessContent />),
      ),
  },
});

/**
 * Entity tab "Deployments".
 *
 * @alpha
 */
export const entityDeploymentsContent = EntityContentBlueprint.make({
  name: 'deployments',
  params: {
    path: '/deployments',
    title: 'Deployments',
    filter: isReleaseCoordinatorAvailable,
    routeRef: convertLegacyRouteRef(deploymentsRouteRef),
    loader: () =>
      import('../components/DeploymentsContent').then(m =>
        compatWrapper(<m.DeploymentsContent />),
      ),
  },
});

/**
 * Entity tab "Delivery metrics".
 *
 * @alpha
 */
export const entityDeliveryMetricsContent = EntityContentBlueprint.make({
  name: 'delivery-metrics',
  params: {
    path: '/delivery-metrics',
    title: 'Delivery metrics',
    filter: isReleaseCoordinatorAvailable,
    routeRef: convertLegacyRouteRef(deliveryMetricsRouteRef),
    loader: () =>
      import('../components/DeliveryMetricsContent').then(m =>
        compatWrapper(<m.DeliveryMetricsContent />),
      ),
  },
});

/**
 * Group and System tab "Delivery overview".
 *
 * @alpha
 */
export const entityDeliveryOverviewContent = EntityContentBlueprint.make({
  name: 'delivery-overview',
  params: {
    path: '/delivery-overview',
    title: 'Delivery overview',
    filter: isDeliveryOverviewAvailable,
    routeRef: convertLegacyRouteRef(deliveryOverviewRouteRef),
    loader: () =>
      import('../components/DeliveryOverviewContent').then(m =>
        compatWrapper(<m.DeliveryOverviewContent />),
      ),
  },
});

/**
 * Overview card "Release status": what runs in each environment, the
 * production release awaiting approval and the last rollback.
 *
 * @alpha
 */
export const entityReleaseStatusCard = EntityCardBlueprint.make({
  name: 'release-status',
  params: {
    // A summary: in the Overview's side column, next to About.
    type: 'info',
    filter: isReleaseCoordinatorAvailable,
    loader: () =>
      import('../components/ReleaseStatusCard').then(m =>
        compatWrapper(<m.ReleaseStatusCard />),
      ),
  },
});

/**
 * The Release Coordinator plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'release-coordinator',
  title: 'Release Coordinator',
  info: { packageJson: () => import('../../package.json') },
  routes: {
    releaseReadiness: convertLegacyRouteRef(releaseReadinessRouteRef),
    deployments: convertLegacyRouteRef(deploymentsRouteRef),
    deliveryMetrics: convertLegacyRouteRef(deliveryMetricsRouteRef),
    deliveryOverview: convertLegacyRouteRef(deliveryOverviewRouteRef),
  },
  extensions: [
    releaseCoordinatorApi,
    entityReleaseReadinessContent,
    entityDeploymentsContent,
    entityDeliveryMetricsContent,
    entityDeliveryOverviewContent,
    entityReleaseStatusCard,
  ],
});

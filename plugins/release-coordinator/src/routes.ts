import { createRouteRef } from '@backstage/core-plugin-api';

/** Mount point of the Release readiness entity tab. */
export const releaseReadinessRouteRef = createRouteRef({
  id: 'release-coordinator:release-readiness',
});

/** Mount point of the Deployments entity tab. */
export const deploymentsRouteRef = createRouteRef({
  id: 'release-coordinator:deployments',
});

/** Mount point of the Delivery metrics entity tab. */
export const deliveryMetricsRouteRef = createRouteRef({
  id: 'release-coordinator:delivery-metrics',
});

/** Mount point of the Delivery overview tab on Group and System pages. */
export const deliveryOverviewRouteRef = createRouteRef({
  id: 'release-coordinator:delivery-overview',
});

import {
  DeliveryMetrics,
  MetricsBreakdownResponse,
  MetricsResponse,
  MetricsSeriesResponse,
  MetricName,
  SeriesBucket,
} from '@release-coordinator/backstage-plugin-common';

/** The example metrics of METRICS.md "Response shape". */
export function makeDeliveryMetrics(
  overrides: Partial<DeliveryMetrics> = {},
): DeliveryMetrics {
  return {
    deploymentFrequency: { count: 42, perDay: 1.4, tier: 'elite' },
    deploymentSuccessRate: { value: 0.955, succeeded: 42, failed: 2 },
    leadTimeForChanges: { medianSeconds: 5400, count: 97, tier: 'elite' },
    changeFailureRate: {
      value: 0.071,
      failedDeployments: 3,
      deployments: 42,
      tier: 'high',
    },
    meanTimeToRecovery: {
      meanSeconds: 1800,
      medianSeconds: 1200,
      count: 3,
      tier: 'elite',
    },
    uptime: { value: 0.9991, downtimeSeconds: 2340 },
    deploymentDuration: { medianSeconds: 300, p95Seconds: 900, count: 44 },
    rollbackFrequency: { count: 2, perWeek: 0.467, perDeploy: 0.048 },
    infrastructureCost: {
      total: 1234.5,
      currency: 'USD',
      perDay: 41.15,
      perDeployment: 29.39,
      changeRatio: 0.12,
    },
    // 42 deploys + 2 rollbacks; the 2 rollbacks and 9 deploys are rework
    deploymentReworkRate: { value: 0.25, rework: 11, deployments: 44 },
    ...overrides,
  };
}

/** A window with no deployments, incidents or cost: every value null or 0. */
export function makeEmptyDeliveryMetrics(): DeliveryMetrics {
  return {
    deploymentFrequency: { count: 0, perDay: 0, tier: 'low' },
    deploymentSuccessRate: { value: null, succeeded: 0, failed: 0 },
    leadTimeForChanges: { medianSeconds: null, count: 0, tier: null },
    changeFailureRate: {
      value: null,
      failedDeployments: 0,
      deployments: 0,
      tier: null,
    },
    meanTimeToRecovery: {
      meanSeconds: null,
      medianSeconds: null,
      count: 0,
      tier: null,
    },
    uptime: { value: 1, downtimeSeconds: 0 },
    deploymentDuration: { medianSeconds: null, p95Seconds: null, count: 0 },
    rollbackFrequency: { count: 0, perWeek: 0, perDeploy: null },
    infrastructureCost: {
      total: null,
      currency: null,
      perDay: null,
      perDeployment: null,
      changeRatio: null,
    },
    deploymentReworkRate: { value: null, rework: 0, deployments: 0 },
  };
}

const window30 = {
  start: '2026-10-27T12:00:00.000Z',
  end: '2026-11-26T12:00:00.000Z',
  days: 30,
};

/** A metrics response for `entityRef` over 30 days. */
export function makeMetricsResponse(
  overrides: Partial<MetricsResponse> = {},
): MetricsResponse {
  return {
    entityRef: 'component:default/payments',
    environment: 'production',
    window: window30,
    definitionsVersion: 2,
    metrics: makeDeliveryMetrics(),
    previous: makeDeliveryMetrics({
      deploymentFrequency: { count: 30, perDay: 1, tier: 'elite' },
      changeFailureRate: {
        value: 0.1,
        failedDeployments: 3,
        deployments: 30,
        tier: 'high',
      },
    }),
    ...overrides,
  };
}

/** An empty series of `metric`. */
export function makeSeries(
  metric: MetricName,
  bucket: SeriesBucket,
  points: MetricsSeriesResponse['points'] = [],
): MetricsSeriesResponse {
  return {
    entityRef: 'component:default/payments',
    environment: 'production',
    metric,
    bucket,
    window: window30,
    points,
  };
}

/** A breakdown of team-a with two member components. */
export function makeBreakdown(): MetricsBreakdownResponse {
  return {
    entityRef: 'group:default/team-a',
    environment: 'production',
    window: window30,
    items: [
      {
        entityRef: 'component:default/payments',
        title: 'Payments API',
        metrics: makeDeliveryMetrics(),
      },
      {
        entityRef: 'component:default/ledger',
        metrics: makeDeliveryMetrics({
          deploymentFrequency: { count: 3, perDay: 0.1, tier: 'medium' },
          changeFailureRate: {
            value: 0.333,
            failedDeployments: 1,
            deployments: 3,
            tier: 'low',
          },
          infrastructureCost: {
            total: null,
            currency: null,
            perDay: null,
            perDeployment: null,
            changeRatio: null,
          },
        }),
      },
    ],
  };
}

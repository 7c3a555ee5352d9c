import { useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  useEntity,
  useEntityPresentation,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import { DeliveryMetrics } from '@release-coordinator/backstage-plugin-common';
import {
  bucketForWindow,
  useCostsSignal,
  useDeploymentsSignal,
  useMetrics,
  useMetricsSeries,
} from '../../hooks';
import { MetricsQuery } from '../../hooks/useMetrics';
import { CostPanel } from '../CostPanel';
import { DeliveryMetricList } from '../DeliveryMetricList';
import { EntityTabCard } from '../EntityTabCard';
import { MetricCardGrid } from '../MetricCard';
import { MetricsCharts } from '../MetricsCharts';
import {
  DEFAULT_METRICS_WINDOW_DAYS,
  WindowSelector,
  defaultMetricsEnvironment,
  metricsEnvironments,
} from '../WindowSelector';

/** The "Delivery metrics" entity tab: delivery, reliability and cost metrics. */
export function DeliveryMetricsContent() {
  return (
    <EntityTabCard title="Delivery metrics" requireAnnotation>
      <EntityDeliveryMetrics />
    </EntityTabCard>
  );
}

/** True when no deployment of any kind finished in the window. */
export function hasNoDeployments(metrics: DeliveryMetrics): boolean {
  const { succeeded, failed } = metrics.deploymentSuccessRate;
  return (
    metrics.deploymentFrequency.count === 0 &&
    succeeded + failed === 0 &&
    metrics.rollbackFrequency.count === 0
  );
}

function EntityDeliveryMetrics() {
  const { entity } = useEntity();
  const environments = metricsEnvironments(entity);
  const [windowDays, setWindowDays] = useState(DEFAULT_METRICS_WINDOW_DAYS);
  const [environment, setEnvironment] = useState(() =>
    defaultMetricsEnvironment(environments),
  );
  const query: MetricsQuery = {
    entityRef: stringifyEntityRef(entity),
    windowDays,
    environment,
  };

  return (
    <>
      <Box mb={2}>
        <WindowSelector
          windowDays={windowDays}
          onWindowDaysChange={setWindowDays}
          environments={environments}
          environment={environment}
          onEnvironmentChange={setEnvironment}
        />
      </Box>
      <EntityMetrics query={query} />
    </>
  );
}

function EntityMetrics(props: { query: MetricsQuery }) {
  const { query } = props;
  const metrics = useMetrics(query);
  const series = useMetricsSeries(query);
  // New cost changes the cost card: reload the metrics in place (the cost
  // panel below reloads itself).
  useCostsSignal(query.entityRef, metrics.retry);
  // New or changed deployments: the cards and the charts, in place.
  useDeploymentsSignal(query.entityRef, () => {
    metrics.retry();
    series.retry();
  });

  if (metrics.loading && !metrics.value) {
    return <Progress />;
  }
  if (metrics.error) {
    return <ResponseErrorPanel error={metrics.error} />;
  }
  if (!metrics.value) {
    return null;
  }
  if (hasNoDeployments(metrics.value.metrics)) {
    return <NoDeliveryData query={query} />;
  }

  return (
    <>
      <MetricCardGrid
        metrics={metrics.value.metrics}
        previous={metrics.value.previous}
        evidence={{
          entityRef: query.entityRef,
          windowDays: query.windowDays,
          environment: query.environment,
          end: metrics.value.window.end,
        }}
      />
      <Box mt={3}>
        {series.loading && !series.value && <Progress />}
        {series.error && <ResponseErrorPanel error={series.error} />}
        {series.value && (
          <MetricsCharts
            series={series.value}
            bucket={bucketForWindow(query.windowDays)}
          />
        )}
      </Box>
      <Box mt={3}>
        <CostPanel query={query} />
      </Box>
    </>
  );
}

function NoDeliveryData(props: { query: MetricsQuery }) {
  const { entity } = useEntity();
  const { primaryTitle } = useEntityPresentation(entity);
  const { windowDays, environment } = props.query;

  return (
    <EmptyState
      missing="data"
      title={`No deployments of ${primaryTitle} to ${environment} in the last ${windowDays} days`}
      description={
        <>
          Delivery metrics are computed from the deployments, incidents and
          daily cost the backend records for this entity. Deployments arrive
          from the provider modules that find this entity through its
          annotations (GitHub, GitLab, Argo CD), from their webhooks, or pushed
          to <code>/events/deployments</code>; incidents through PagerDuty,
          Alertmanager or <code>/events/incidents</code>; cost through the cost
          modules or <code>/events/costs</code>. Try a longer window or another
          environment, or check the Deployments tab for what has been recorded.
        </>
      }
      action={<DeliveryMetricList />}
    />
  );
}

import { EmptyState } from '@backstage/core-components';
import {
  useEntity,
  useEntityPresentation,
} from '@backstage/plugin-catalog-react';
import { DeliveryMetricList } from '../DeliveryMetricList';
import { EntityTabCard } from '../EntityTabCard';
import { RequireBackend } from '../RequireBackend';

/** The "Delivery metrics" entity tab: delivery, reliability and cost metrics. */
export function DeliveryMetricsContent() {
  return (
    <EntityTabCard title="Delivery metrics" requireAnnotation>
      <RequireBackend>
        <MetricsNotShownYet />
      </RequireBackend>
    </EntityTabCard>
  );
}

function MetricsNotShownYet() {
  const { entity } = useEntity();
  const { primaryTitle } = useEntityPresentation(entity);

  return (
    <EmptyState
      missing="info"
      title={`The delivery metrics of ${primaryTitle} will appear here`}
      description={
        <>
          This tab will show these nine metrics over a 7, 30 or 90 day window,
          each with its trend against the previous window and, where one
          applies, its DORA tier. They are computed from the deployments,
          incidents and daily cost records the backend collects for this entity
          through its provider modules and pushed events (
          <code>/events/deployments</code>, <code>/events/incidents</code>,{' '}
          <code>/events/costs</code>).
        </>
      }
      action={<DeliveryMetricList />}
    />
  );
}

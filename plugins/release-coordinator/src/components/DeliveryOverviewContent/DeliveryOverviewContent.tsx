import { EmptyState } from '@backstage/core-components';
import {
  useEntity,
  useEntityPresentation,
} from '@backstage/plugin-catalog-react';
import { DeliveryMetricList } from '../DeliveryMetricList';
import { EntityTabCard } from '../EntityTabCard';
import { RequireBackend } from '../RequireBackend';

/**
 * The "Delivery overview" tab of Group and System pages: the delivery metrics
 * rolled up over the entities they own.
 */
export function DeliveryOverviewContent() {
  return (
    <EntityTabCard title="Delivery overview">
      <RequireBackend>
        <OverviewNotShownYet />
      </RequireBackend>
    </EntityTabCard>
  );
}

function OverviewNotShownYet() {
  const { entity } = useEntity();
  const { primaryTitle } = useEntityPresentation(entity);
  const owned =
    entity.kind.toLocaleLowerCase('en-US') === 'system'
      ? 'the components and resources that are part of it'
      : 'the components and resources it owns, including through its sub-groups';

  return (
    <EmptyState
      missing="info"
      title={`The delivery overview of ${primaryTitle} will appear here`}
      description={`This tab will roll the delivery metrics up over ${owned}, and list those entities in a sortable table so teams and systems can be compared. Each entity contributes once it has Release Coordinator annotations and deployments, incidents or costs recorded.`}
      action={<DeliveryMetricList />}
    />
  );
}

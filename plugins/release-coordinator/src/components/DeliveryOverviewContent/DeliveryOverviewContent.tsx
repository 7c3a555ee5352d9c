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
import Typography from '@material-ui/core/Typography';
import { useCoalesced, useMetrics, useMetricsBreakdown } from '../../hooks';
import { MetricsQuery } from '../../hooks/useMetrics';
import { EntityTabCard } from '../EntityTabCard';
import { MemberMetricsTable } from '../MemberMetricsTable';
import { MetricCardGrid } from '../MetricCard';
import { MemberSignals } from './MemberSignals';
import {
  DEFAULT_METRICS_WINDOW_DAYS,
  WindowSelector,
  defaultMetricsEnvironment,
  metricsEnvironments,
} from '../WindowSelector';

/**
 * The "Delivery overview" tab of Group, System and Domain pages: the delivery
 * metrics rolled up over the entities they own, and one row per entity.
 */
export function DeliveryOverviewContent() {
  return (
    <EntityTabCard title="Delivery overview">
      <RollUp />
    </EntityTabCard>
  );
}

/** What a Group/System/Domain rolls up, in words. */
export function ownedEntitiesDescription(kind: string): string {
  switch (kind.toLocaleLowerCase('en-US')) {
    case 'system':
      return 'the components and resources that are part of it';
    case 'domain':
      return 'the components and resources of its systems';
    default:
      return 'the components and resources it owns, including through its sub-groups';
  }
}

function RollUp() {
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
      <RollUpMetrics query={query} />
    </>
  );
}

/** How long a roll-up waits after a member's signal before reloading. */
const RELOAD_DELAY_MS = 1000;

function RollUpMetrics(props: { query: MetricsQuery }) {
  const { query } = props;
  const { entity } = useEntity();
  const { primaryTitle } = useEntityPresentation(entity);
  const metrics = useMetrics(query);
  const breakdown = useMetricsBreakdown(query);
  // A member's new deployments or cost: reload both in place, once per
  // burst of signals.
  const reload = useCoalesced(() => {
    metrics.retry();
    breakdown.retry();
  }, RELOAD_DELAY_MS);

  if (
    (metrics.loading && !metrics.value) ||
    (breakdown.loading && !breakdown.value)
  ) {
    return <Progress />;
  }
  const error = metrics.error ?? breakdown.error;
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!metrics.value || !breakdown.value) {
    return null;
  }
  const owned = ownedEntitiesDescription(entity.kind);
  if (breakdown.value.items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title={`No entities to roll up for ${primaryTitle}`}
        description={`The overview rolls the delivery metrics up over ${owned}. None was found in the catalog; each entity contributes once it exists there and has Release Coordinator annotations and deployments, incidents or costs recorded.`}
      />
    );
  }

  return (
    <>
      <MemberSignals
        entityRefs={breakdown.value.items.map(item => item.entityRef)}
        onChange={reload}
      />
      <Typography variant="body2" color="textSecondary" paragraph>
        Rolled up over {owned}: {breakdown.value.items.length}{' '}
        {breakdown.value.items.length === 1 ? 'entity' : 'entities'}.
      </Typography>
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
        <MemberMetricsTable
          items={breakdown.value.items}
          csvFileName={`${entity.metadata.name}-delivery-${query.windowDays}d-${query.environment}`}
        />
      </Box>
    </>
  );
}

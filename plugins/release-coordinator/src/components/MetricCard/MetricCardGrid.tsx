import { useState } from 'react';
import Grid from '@material-ui/core/Grid';
import {
  DeliveryMetrics,
  MetricName,
} from '@release-coordinator/backstage-plugin-common';
import { EvidenceQuery, MetricEvidenceDialog } from '../MetricEvidence';
import { MetricCard } from './MetricCard';
import { metricCardModels } from './metricCardModels';

/** Why the cost card is empty: cost arrives with the cost modules (issue 7). */
export const COST_EMPTY_NOTE =
  'No cost recorded for this window (cost is per service, all environments). Cost appears once a cost module (AWS Cost Explorer, OpenCost or the demo module) or POST /events/costs records daily cost for this entity.';

/**
 * The metric cards of one window, with changes against the previous one;
 * with `evidence`, each card opens the rows behind its number.
 */
export function MetricCardGrid(props: {
  metrics: DeliveryMetrics;
  previous?: DeliveryMetrics;
  evidence?: EvidenceQuery;
}) {
  const { evidence } = props;
  const models = metricCardModels(props.metrics, props.previous);
  const [opened, setOpened] = useState<MetricName>();
  const openedModel = models.find(m => m.name === opened);
  return (
    <>
      <Grid container spacing={2}>
        {models.map(model => (
          <Grid item xs={12} sm={6} md={4} key={model.name}>
            <MetricCard
              model={model}
              emptyNote={
                model.name === 'infrastructureCost'
                  ? COST_EMPTY_NOTE
                  : undefined
              }
              onShowRows={evidence ? () => setOpened(model.name) : undefined}
            />
          </Grid>
        ))}
      </Grid>
      {evidence && openedModel && (
        <MetricEvidenceDialog
          open
          onClose={() => setOpened(undefined)}
          metric={openedModel.name}
          title={openedModel.title}
          query={evidence}
        />
      )}
    </>
  );
}

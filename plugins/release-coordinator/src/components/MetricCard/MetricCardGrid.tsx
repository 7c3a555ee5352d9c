import Grid from '@material-ui/core/Grid';
import { DeliveryMetrics } from '@release-coordinator/backstage-plugin-common';
import { MetricCard } from './MetricCard';
import { metricCardModels } from './metricCardModels';

/** Why the cost card is empty: cost arrives with the cost modules (issue 7). */
export const COST_EMPTY_NOTE =
  'No cost recorded for this window. Cost appears once a cost module (AWS Cost Explorer, OpenCost or the demo module) or POST /events/costs records daily cost for this entity.';

/** The metric cards of one window, with changes against the previous one. */
export function MetricCardGrid(props: {
  metrics: DeliveryMetrics;
  previous?: DeliveryMetrics;
}) {
  const models = metricCardModels(props.metrics, props.previous);
  return (
    <Grid container spacing={2}>
      {models.map(model => (
        <Grid item xs={12} sm={6} md={4} key={model.name}>
          <MetricCard
            model={model}
            emptyNote={
              model.name === 'infrastructureCost' ? COST_EMPTY_NOTE : undefined
            }
          />
        </Grid>
      ))}
    </Grid>
  );
}

import { useState } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { MetricsQuery } from '../../hooks/useMetrics';
import { useCostsSignal } from '../../hooks/useCostsSignal';
import {
  CostPanelData,
  RELEASE_COMPARISON_DAYS,
  useCostPanel,
} from '../../hooks/useCostPanel';
import { CostChart } from './CostChart';
import {
  costBeforeAfterReleases,
  currenciesOf,
  dailyCostPoints,
  sourceSplit,
  sourcesOf,
} from './costAnalysis';
import { ReleaseCostTable } from './ReleaseCostTable';
import { SourceSplitTable } from './SourceSplitTable';

/** Props of {@link CostPanel}. */
export interface CostPanelProps {
  query: MetricsQuery;
}

/**
 * The cost section of the Delivery metrics tab: daily cost by source with
 * the releases marked, cost before/after each release, and the split by
 * source. Loads its own data, so a cost failure never hides the metrics.
 */
export function CostPanel(props: CostPanelProps) {
  const state = useCostPanel(props.query);
  // New cost reloads the panel in place, without a progress flash.
  useCostsSignal(props.query.entityRef, state.retry);
  if (state.loading && !state.value) {
    return <Progress />;
  }
  if (state.error) {
    return (
      <ResponseErrorPanel error={state.error} title="Could not load the cost" />
    );
  }
  if (!state.value) {
    return null;
  }
  return <CostPanelView data={state.value} query={props.query} />;
}

/** The loaded panel (exported for tests and other layouts). */
export function CostPanelView(props: {
  data: CostPanelData;
  query: MetricsQuery;
}) {
  const { data, query } = props;
  const inWindow = data.records.filter(
    r => r.date >= data.from && r.date <= data.to,
  );
  const currencies = currenciesOf(inWindow);
  const [picked, setPicked] = useState<string | undefined>();
  const currency =
    picked && currencies.includes(picked) ? picked : currencies[0];

  if (!currency) {
    return (
      <EmptyState
        missing="data"
        title={`No cost recorded in the last ${query.windowDays} days`}
        description={
          <>
            Daily cost arrives from the cost modules (AWS Cost Explorer,
            OpenCost, demo) that find this entity through its annotations, or
            pushed to <code>/events/costs</code>.
          </>
        }
      />
    );
  }

  const records = data.records.filter(r => r.currency === currency);
  const windowRecords = records.filter(r => r.date >= data.from);
  return (
    <Paper variant="outlined">
      <Box p={2}>
        <Box display="flex" alignItems="center" mb={1}>
          <Typography variant="h6" style={{ flexGrow: 1 }}>
            Daily cost ({data.from} – {data.to})
          </Typography>
          {currencies.length > 1 && (
            <TextField
              select
              label="Currency"
              size="small"
              value={currency}
              onChange={e => setPicked(e.target.value)}
              helperText="Amounts of different currencies are not added"
            >
              {currencies.map(c => (
                <MenuItem key={c} value={c}>
                  {c}
                </MenuItem>
              ))}
            </TextField>
          )}
        </Box>
        <CostChart
          points={dailyCostPoints(windowRecords, data.from, data.to)}
          sources={sourcesOf(windowRecords)}
          currency={currency}
          releases={data.releases}
          environment={query.environment}
        />
        <Grid container spacing={2}>
          <Grid item xs={12} md={8}>
            <ReleaseCostTable
              rows={costBeforeAfterReleases({
                records,
                releases: data.releases,
                days: RELEASE_COMPARISON_DAYS,
              })}
              currency={currency}
              environment={query.environment}
              days={RELEASE_COMPARISON_DAYS}
            />
          </Grid>
          <Grid item xs={12} md={4}>
            <SourceSplitTable
              rows={sourceSplit(records, data.from, data.to)}
              currency={currency}
            />
          </Grid>
        </Grid>
      </Box>
    </Paper>
  );
}

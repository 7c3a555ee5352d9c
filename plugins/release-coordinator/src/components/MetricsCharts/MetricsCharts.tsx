import { ReactElement } from 'react';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import {
  MetricsSeriesResponse,
  SeriesBucket,
} from '@release-coordinator/backstage-plugin-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatDuration } from '../MetricCard';
import {
  deploymentBuckets,
  durationTrend,
  hasSamples,
  incidentBuckets,
} from './chartData';

const CHART_HEIGHT = 240;

const useStyles = makeStyles(theme => ({
  panel: { padding: theme.spacing(2) },
  empty: { height: CHART_HEIGHT, display: 'flex', alignItems: 'center' },
}));

/** The series the charts draw, one response per charted metric. */
export interface MetricsChartsSeries {
  deploymentFrequency: MetricsSeriesResponse;
  leadTimeForChanges: MetricsSeriesResponse;
  deploymentDuration: MetricsSeriesResponse;
  uptime: MetricsSeriesResponse;
}

/** Props of {@link MetricsCharts}. */
export interface MetricsChartsProps {
  series: MetricsChartsSeries;
  bucket: SeriesBucket;
}

/**
 * The Delivery metrics charts: deployments by status with rollback markers,
 * lead time and duration trends, and the incidents and downtime timeline.
 */
export function MetricsCharts(props: MetricsChartsProps) {
  const { series, bucket } = props;
  const theme = useTheme();
  const per = bucket === 'day' ? 'per day' : 'per week';
  const deployments = deploymentBuckets(series.deploymentFrequency);
  // The backend may not report cancelled deployments; no empty legend entry then.
  const hasCancelled = deployments.some(point => point.cancelled > 0);
  const leadTime = durationTrend(series.leadTimeForChanges);
  const duration = durationTrend(series.deploymentDuration);
  const incidents = incidentBuckets(series.uptime);
  const durationTick = (seconds: number) => formatDuration(seconds);
  const durationTooltip = (value: unknown) =>
    typeof value === 'number' ? formatDuration(value) : '—';

  return (
    <Grid container spacing={2}>
      <ChartPanel title={`Deployments ${per} by status`}>
        <ComposedChart data={deployments}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Bar
            dataKey="succeeded"
            name="Succeeded"
            stackId="status"
            fill={theme.palette.success.main}
          />
          <Bar
            dataKey="failed"
            name="Failed"
            stackId="status"
            fill={theme.palette.error.main}
          />
          {hasCancelled && (
            <Bar
              dataKey="cancelled"
              name="Cancelled"
              stackId="status"
              fill={theme.palette.grey[500]}
            />
          )}
          <Scatter
            dataKey="rollbackMarker"
            name="Rollback"
            fill={theme.palette.warning.dark}
            shape="triangle"
          />
        </ComposedChart>
      </ChartPanel>
      <ChartPanel title="Incidents and critical downtime">
        <BarChart data={incidents}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" />
          <YAxis yAxisId="count" allowDecimals={false} />
          <YAxis
            yAxisId="downtime"
            orientation="right"
            tickFormatter={durationTick}
          />
          <Tooltip
            formatter={(value, name) =>
              name === 'Downtime' ? durationTooltip(value) : String(value)
            }
          />
          <Legend />
          <Bar
            yAxisId="count"
            dataKey="incidents"
            name="Incidents"
            fill={theme.palette.warning.main}
          />
          <Bar
            yAxisId="downtime"
            dataKey="downtimeSeconds"
            name="Downtime"
            fill={theme.palette.error.main}
          />
        </BarChart>
      </ChartPanel>
      <ChartPanel
        title="Lead time for changes (median)"
        empty={!hasSamples(leadTime)}
      >
        <LineChart data={leadTime}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" />
          <YAxis tickFormatter={durationTick} width={80} />
          <Tooltip formatter={durationTooltip} />
          <Line
            dataKey="medianSeconds"
            name="Median lead time"
            stroke={theme.palette.primary.main}
            connectNulls={false}
          />
        </LineChart>
      </ChartPanel>
      <ChartPanel title="Deployment duration" empty={!hasSamples(duration)}>
        <LineChart data={duration}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" />
          <YAxis tickFormatter={durationTick} width={80} />
          <Tooltip formatter={durationTooltip} />
          <Legend />
          <Line
            dataKey="medianSeconds"
            name="Median"
            stroke={theme.palette.primary.main}
          />
          <Line
            dataKey="p95Seconds"
            name="p95"
            stroke={theme.palette.secondary.main}
            strokeDasharray="4 2"
          />
        </LineChart>
      </ChartPanel>
    </Grid>
  );
}

/** A titled half-width panel; the chart fills its width. */
function ChartPanel(props: {
  title: string;
  empty?: boolean;
  children: ReactElement;
}) {
  const classes = useStyles();
  return (
    <Grid item xs={12} md={6}>
      <Paper
        variant="outlined"
        className={classes.panel}
        role="figure"
        aria-label={props.title}
      >
        <Typography variant="subtitle2" component="h3">
          {props.title}
        </Typography>
        {props.empty ? (
          <Typography
            variant="body2"
            color="textSecondary"
            className={classes.empty}
          >
            No samples in this window.
          </Typography>
        ) : (
          <ResponsiveContainer
            width="100%"
            height={CHART_HEIGHT}
            initialDimension={{ width: 480, height: CHART_HEIGHT }}
          >
            {props.children}
          </ResponsiveContainer>
        )}
      </Paper>
    </Grid>
  );
}

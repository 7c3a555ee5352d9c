import { useTheme } from '@material-ui/core/styles';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatCurrency } from '../MetricCard';
import { DailyCostPoint, ReleaseMarker, utcDay } from './costAnalysis';

/** Props of {@link CostChart}. */
export interface CostChartProps {
  points: DailyCostPoint[];
  sources: string[];
  currency: string;
  releases: ReleaseMarker[];
  environment: string;
}

const HEIGHT = 260;

/** Daily cost stacked by source, with a marker on each release day. */
export function CostChart(props: CostChartProps) {
  const { points, sources, currency, releases, environment } = props;
  const theme = useTheme();
  const palette = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.success?.main ?? '#4caf50',
    theme.palette.warning?.main ?? '#ff9800',
    theme.palette.info?.main ?? '#2196f3',
  ];
  const data = points.map(p => ({ date: p.date, ...p.bySource }));
  const releaseDays = [...new Set(releases.map(r => utcDay(r.finishedAt)))];
  const money = (value: unknown) =>
    typeof value === 'number' ? formatCurrency(value, currency) : '—';

  return (
    <div
      role="img"
      aria-label={`Daily cost in ${currency} by source, with ${releaseDays.length} ${environment} release days marked`}
    >
      <ResponsiveContainer width="100%" height={HEIGHT}>
        <ComposedChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} />
          <YAxis tickFormatter={money} width={80} />
          <Tooltip formatter={money} />
          <Legend />
          {sources.map((source, i) => (
            <Bar
              key={source}
              dataKey={source}
              name={source}
              stackId="cost"
              fill={palette[i % palette.length]}
              isAnimationActive={false}
            />
          ))}
          {releaseDays.map(day => (
            <ReferenceLine
              key={day}
              x={day}
              stroke={theme.palette.text.secondary}
              strokeDasharray="4 2"
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

import { Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { formatCurrency, formatPercent } from '../MetricCard';
import { ReleaseCostChange } from './costAnalysis';

/** Props of {@link ReleaseCostTable}. */
export interface ReleaseCostTableProps {
  rows: ReleaseCostChange[];
  currency: string;
  environment: string;
  days: number;
}

function signed(text: string, value: number | null): string {
  return value !== null && value > 0 ? `+${text}` : text;
}

/** Mean daily cost before vs after each release, with the change. */
export function ReleaseCostTable(props: ReleaseCostTableProps) {
  const { rows, currency, environment, days } = props;
  const money = (value: number | null) => formatCurrency(value, currency);
  const columns: TableColumn<ReleaseCostChange & { id: string }>[] = [
    { title: 'Release', field: 'release.version' },
    { title: 'Day', field: 'day' },
    {
      title: `${days}-day mean before`,
      type: 'numeric',
      render: row =>
        `${money(row.before)}${
          row.beforeDays < days ? ` (${row.beforeDays} d)` : ''
        }`,
    },
    {
      title: `${days}-day mean after`,
      type: 'numeric',
      render: row =>
        `${money(row.after)}${
          row.afterDays < days ? ` (${row.afterDays} d)` : ''
        }`,
    },
    {
      title: 'Change',
      type: 'numeric',
      render: row => signed(money(row.delta), row.delta),
    },
    {
      title: 'Change %',
      type: 'numeric',
      render: row => signed(formatPercent(row.ratio), row.ratio),
    },
  ];
  return (
    <Table
      title={`Cost before and after each ${environment} release`}
      columns={columns}
      data={rows.map(row => ({ ...row, id: row.release.id }))}
      options={{
        paging: rows.length > 10,
        pageSize: 10,
        search: false,
        padding: 'dense',
      }}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2" color="textSecondary">
            No {environment} release in this window.
          </Typography>
        </Box>
      }
    />
  );
}

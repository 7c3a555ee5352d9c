import { ReactNode } from 'react';
import { Link, Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  DoraTier,
  MetricsBreakdownRow,
} from '@release-coordinator/backstage-plugin-common';
import {
  formatCurrency,
  formatDuration,
  formatPerDay,
  formatPercent,
} from '../MetricCard';
import { MemberCostTotal } from '../CostPanel';
import { TierChip } from '../TierChip';
import { downloadCsv } from './csv';
import {
  MemberRow,
  compareNullable,
  memberRows,
  memberRowsCsv,
} from './memberRows';

/** Props of {@link MemberMetricsTable}. */
export interface MemberMetricsTableProps {
  items: MetricsBreakdownRow[];
  /** Base of the CSV file name, e.g. `team-a-delivery-30d-production`. */
  csvFileName: string;
  title?: string;
}

function withTier(text: string, tier: DoraTier | null): ReactNode {
  return (
    <span style={{ display: 'inline-flex', gap: 6, alignItems: 'center' }}>
      {text}
      <TierChip tier={tier} />
    </span>
  );
}

/** Fields of a row that hold an optional number. */
type NumericField =
  | 'deploysPerDay'
  | 'successRate'
  | 'leadTimeSeconds'
  | 'changeFailureRate'
  | 'recoverySeconds'
  | 'uptime'
  | 'reworkRate'
  | 'costTotal';

/** A sortable numeric column whose nulls sort last. */
function numericColumn(
  title: string,
  field: NumericField,
  render: (row: MemberRow) => ReactNode,
): TableColumn<MemberRow> {
  return {
    title,
    field,
    type: 'numeric',
    render,
    customSort: (a, b, _type, direction?: 'asc' | 'desc') =>
      compareNullable(a[field], b[field], direction),
  };
}

const columns: TableColumn<MemberRow>[] = [
  {
    title: 'Entity',
    field: 'name',
    highlight: true,
    render: row => <Link to={row.metricsPath}>{row.name}</Link>,
  },
  numericColumn('Deploys', 'deploysPerDay', row =>
    withTier(formatPerDay(row.deploysPerDay), row.deploymentFrequencyTier),
  ),
  numericColumn('Success rate', 'successRate', row =>
    formatPercent(row.successRate),
  ),
  numericColumn('Lead time', 'leadTimeSeconds', row =>
    withTier(formatDuration(row.leadTimeSeconds), row.leadTimeTier),
  ),
  numericColumn('Change failure rate', 'changeFailureRate', row =>
    withTier(formatPercent(row.changeFailureRate), row.changeFailureRateTier),
  ),
  // DORA's name (METRICS.md); ours, time to recovery, is in the card's
  // definition.
  numericColumn('Failed deployment recovery time', 'recoverySeconds', row =>
    withTier(formatDuration(row.recoverySeconds), row.recoveryTier),
  ),
  numericColumn('Uptime', 'uptime', row => formatPercent(row.uptime, 2)),
  numericColumn('Rework rate', 'reworkRate', row =>
    formatPercent(row.reworkRate),
  ),
  numericColumn('Cost', 'costTotal', row =>
    row.costTotal === null && row.costByCurrency.length > 0
      ? row.costByCurrency
          .map(entry => formatCurrency(entry.total, entry.currency))
          .join(' · ')
      : formatCurrency(row.costTotal, row.costCurrency),
  ),
];

/**
 * The member entities of a Group/System/Domain with their key metrics and
 * tiers, sortable, each linking to its Delivery metrics tab; exports as CSV.
 */
export function MemberMetricsTable(props: MemberMetricsTableProps) {
  const rows = memberRows(props.items);
  return (
    <>
      <Box display="flex" justifyContent="flex-end" mb={1}>
        <Button
          variant="outlined"
          size="small"
          startIcon={<GetAppIcon />}
          disabled={rows.length === 0}
          onClick={() =>
            downloadCsv(`${props.csvFileName}.csv`, memberRowsCsv(rows))
          }
        >
          Export CSV
        </Button>
      </Box>
      <Table<MemberRow>
        title={props.title ?? 'Member entities'}
        columns={columns}
        data={rows}
        options={{
          paging: rows.length > 20,
          pageSize: 20,
          search: true,
          padding: 'dense',
        }}
        emptyContent={
          <Box p={2}>
            <Typography variant="body2" color="textSecondary">
              No member entities in this window.
            </Typography>
          </Box>
        }
      />
      <MemberCostTotal items={props.items} />
    </>
  );
}

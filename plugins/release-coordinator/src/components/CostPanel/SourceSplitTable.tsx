import { Table, TableColumn } from '@backstage/core-components';
import { formatCurrency, formatPercent } from '../MetricCard';
import { SourceShare } from './costAnalysis';

/** Props of {@link SourceSplitTable}. */
export interface SourceSplitTableProps {
  rows: SourceShare[];
  currency: string;
}

/** The window's cost per source, with its share. */
export function SourceSplitTable(props: SourceSplitTableProps) {
  const { rows, currency } = props;
  const columns: TableColumn<SourceShare & { id: string }>[] = [
    { title: 'Source', field: 'source' },
    {
      title: 'Total',
      type: 'numeric',
      render: row => formatCurrency(row.total, currency),
    },
    {
      title: 'Share',
      type: 'numeric',
      render: row => formatPercent(row.share),
    },
  ];
  return (
    <Table
      title="Cost by source"
      columns={columns}
      data={rows.map(row => ({ ...row, id: row.source }))}
      options={{ paging: false, search: false, padding: 'dense' }}
    />
  );
}

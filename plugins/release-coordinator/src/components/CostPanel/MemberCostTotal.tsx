import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { MetricsBreakdownRow } from '@release-coordinator/backstage-plugin-common';
import { formatCurrency } from '../MetricCard';
import { memberCostTotals } from './memberCostTotals';

/** "Total cost of these entities: $1,234.00 · €56.00" under the member table. */
export function MemberCostTotal(props: { items: MetricsBreakdownRow[] }) {
  const totals = memberCostTotals(props.items);
  if (totals.length === 0) {
    return null;
  }
  return (
    <Box mt={1} display="flex" justifyContent="flex-end">
      <Typography variant="body2">
        Total cost of these entities:{' '}
        <strong>
          {totals.map(t => formatCurrency(t.total, t.currency)).join(' · ')}
        </strong>
      </Typography>
    </Box>
  );
}

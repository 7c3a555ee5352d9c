import Chip from '@material-ui/core/Chip';
import { ReleaseState } from '@release-coordinator/backstage-plugin-common';

const colorByState: Record<ReleaseState, 'default' | 'primary' | 'secondary'> =
  {
    draft: 'default',
    ready: 'primary',
    approved: 'primary',
    deploying: 'primary',
    deployed: 'primary',
    rejected: 'secondary',
    failed: 'secondary',
    'rolled-back': 'secondary',
    superseded: 'default',
  };

/** The state of a release as a chip; outlined until the release is approved. */
export function ReleaseStateChip(props: { state: ReleaseState }) {
  const settled = ['approved', 'deploying', 'deployed'].includes(props.state);
  return (
    <Chip
      size="small"
      label={props.state}
      color={colorByState[props.state] ?? 'default'}
      variant={settled ? 'default' : 'outlined'}
    />
  );
}

import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { DoraTier } from '@release-coordinator/backstage-plugin-common';

const tierLabels: Record<DoraTier, string> = {
  elite: 'Elite',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

const useStyles = makeStyles(theme => ({
  chip: { fontWeight: theme.typography.fontWeightMedium as number, margin: 0 },
  elite: { backgroundColor: theme.palette.success.main, color: '#fff' },
  high: { backgroundColor: theme.palette.info.main, color: '#fff' },
  medium: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.getContrastText(theme.palette.warning.main),
  },
  low: { backgroundColor: theme.palette.error.main, color: '#fff' },
}));

/** The DORA performance tier of a metric as a coloured chip; nothing without a tier. */
export function TierChip(props: { tier: DoraTier | null | undefined }) {
  const classes = useStyles();
  if (!props.tier) {
    return null;
  }
  const label = tierLabels[props.tier];
  return (
    <Chip
      size="small"
      label={label}
      aria-label={`DORA tier: ${label}`}
      className={`${classes.chip} ${classes[props.tier]}`}
      data-tier={props.tier}
    />
  );
}

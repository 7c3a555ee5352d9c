import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ArrowDownwardIcon from '@material-ui/icons/ArrowDownward';
import ArrowUpwardIcon from '@material-ui/icons/ArrowUpward';
import InfoOutlinedIcon from '@material-ui/icons/InfoOutlined';
import RemoveIcon from '@material-ui/icons/Remove';
import { TierChip } from '../TierChip';
import { MetricChange } from './metricChange';
import { MetricCardModel } from './metricCardModels';

const useStyles = makeStyles(theme => ({
  card: { padding: theme.spacing(2), height: '100%' },
  title: { display: 'flex', alignItems: 'center', gap: theme.spacing(0.5) },
  info: { fontSize: 16, color: theme.palette.text.secondary, cursor: 'help' },
  valueRow: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
    margin: theme.spacing(1, 0),
  },
  change: { display: 'inline-flex', alignItems: 'center', fontSize: 14 },
  good: { color: theme.palette.success.main },
  bad: { color: theme.palette.error.main },
  neutral: { color: theme.palette.text.secondary },
}));

/** Props of {@link MetricCard}. */
export interface MetricCardProps {
  model: MetricCardModel;
  /** Shown instead of "not enough data" when the value is missing. */
  emptyNote?: string;
  /** Opens the rows behind the number (the drill-down); no action without it. */
  onShowRows?: () => void;
}

/** The label of a card's drill-down action. */
export function showRowsLabel(model: MetricCardModel): string {
  if (model.countedRows === undefined) return 'How is this counted?';
  return model.countedRows === 1
    ? 'Show the 1 row'
    : `Show the ${model.countedRows} rows`;
}

/**
 * One delivery metric: its value with unit, DORA tier, change against the
 * previous window, and its definition on hover.
 */
export function MetricCard(props: MetricCardProps) {
  const { model, emptyNote, onShowRows } = props;
  const classes = useStyles();

  return (
    <Paper
      variant="outlined"
      className={classes.card}
      role="group"
      aria-label={model.title}
    >
      <Tooltip title={model.definition}>
        <Typography
          variant="subtitle2"
          component="h3"
          className={classes.title}
        >
          {model.title}
          <InfoOutlinedIcon
            className={classes.info}
            aria-label={`How ${model.title.toLocaleLowerCase(
              'en-US',
            )} is computed`}
          />
        </Typography>
      </Tooltip>
      <div className={classes.valueRow}>
        <Typography variant="h5" component="p" data-testid="metric-value">
          {model.value}
        </Typography>
        <TierChip tier={model.tier} />
        {model.change && <ChangeIndicator change={model.change} />}
      </div>
      <Box>
        <Typography variant="body2" color="textSecondary">
          {model.missing ? emptyNote ?? 'not enough data' : model.detail}
        </Typography>
        {onShowRows && (
          <Button
            size="small"
            color="primary"
            onClick={onShowRows}
            aria-haspopup="dialog"
            aria-label={`${showRowsLabel(model)}: the rows behind ${
              model.title
            }`}
          >
            {showRowsLabel(model)}
          </Button>
        )}
      </Box>
    </Paper>
  );
}

const directionIcons = {
  up: ArrowUpwardIcon,
  down: ArrowDownwardIcon,
  flat: RemoveIcon,
};

/** An arrow and label coloured by whether the move is good for the metric. */
export function ChangeIndicator(props: { change: MetricChange }) {
  const { direction, label, verdict } = props.change;
  const classes = useStyles();
  const Icon = directionIcons[direction];
  return (
    <span
      className={`${classes.change} ${classes[verdict]}`}
      data-verdict={verdict}
      title={`${label} against the previous window`}
    >
      <Icon fontSize="inherit" aria-hidden />
      {label}
    </span>
  );
}

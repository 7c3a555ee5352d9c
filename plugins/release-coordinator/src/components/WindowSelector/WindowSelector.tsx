import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { makeStyles } from '@material-ui/core/styles';

/** Window lengths the Delivery metrics tab offers, in days. */
export const METRICS_WINDOW_DAYS = [7, 30, 90] as const;

/** The window shown first. */
export const DEFAULT_METRICS_WINDOW_DAYS = 30;

const useStyles = makeStyles(theme => ({
  row: { display: 'flex', gap: theme.spacing(2), flexWrap: 'wrap' },
  control: { minWidth: 160 },
}));

/** Props of {@link WindowSelector}. */
export interface WindowSelectorProps {
  windowDays: number;
  onWindowDaysChange(windowDays: number): void;
  /** Environments to choose from; no environment selector when absent. */
  environments?: string[];
  environment?: string;
  onEnvironmentChange?(environment: string): void;
}

/** The window (7/30/90 days) and environment selectors of the metrics tabs. */
export function WindowSelector(props: WindowSelectorProps) {
  const classes = useStyles();
  return (
    <div className={classes.row}>
      <FormControl className={classes.control} size="small">
        <InputLabel id="metrics-window-label">Window</InputLabel>
        <Select
          labelId="metrics-window-label"
          value={props.windowDays}
          onChange={event =>
            props.onWindowDaysChange(Number(event.target.value))
          }
        >
          {METRICS_WINDOW_DAYS.map(days => (
            <MenuItem key={days} value={days}>
              Last {days} days
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      {props.environments && props.onEnvironmentChange && (
        <FormControl className={classes.control} size="small">
          <InputLabel id="metrics-environment-label">Environment</InputLabel>
          <Select
            labelId="metrics-environment-label"
            value={props.environment ?? ''}
            onChange={event =>
              props.onEnvironmentChange?.(String(event.target.value))
            }
          >
            {props.environments.map(environment => (
              <MenuItem key={environment} value={environment}>
                {environment}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
      )}
    </div>
  );
}

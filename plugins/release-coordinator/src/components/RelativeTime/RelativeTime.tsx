import Tooltip from '@material-ui/core/Tooltip';
import { DateTime } from 'luxon';

/** A timestamp as "3 hours ago", with the full date and time on hover. */
export function RelativeTime(props: { timestamp: string }) {
  const time = DateTime.fromISO(props.timestamp);
  if (!time.isValid) {
    return <>{props.timestamp}</>;
  }
  return (
    <Tooltip title={time.toLocaleString(DateTime.DATETIME_FULL)}>
      <time dateTime={props.timestamp}>{time.toRelative()}</time>
    </Tooltip>
  );
}

import { DateTime } from 'luxon';

/** An ISO-8601 timestamp shown in the user's locale, with the exact time on hover. */
export function Timestamp(props: { iso: string }) {
  const time = DateTime.fromISO(props.iso);
  if (!time.isValid) {
    return <>{props.iso}</>;
  }
  return (
    <time dateTime={props.iso} title={props.iso}>
      {time.toLocaleString(DateTime.DATETIME_MED)}
    </time>
  );
}

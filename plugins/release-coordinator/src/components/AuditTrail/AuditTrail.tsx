import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { AuditEvent } from '@release-coordinator/backstage-plugin-common';
import { Timestamp } from '../Timestamp';

const columns: TableColumn<AuditEvent>[] = [
  {
    title: 'Time',
    field: 'createdAt',
    render: event => <Timestamp iso={event.createdAt} />,
  },
  { title: 'Actor', field: 'actor' },
  { title: 'Action', field: 'action' },
  { title: 'Reason', field: 'reason', emptyValue: '—' },
];

/** Props of {@link AuditTrail}. */
export interface AuditTrailProps {
  events?: AuditEvent[];
  loading: boolean;
  error?: Error;
}

/** Who changed what on a release, when and why. */
export function AuditTrail(props: AuditTrailProps) {
  if (props.loading && !props.events) {
    return <Progress />;
  }
  if (props.error) {
    return <ResponseErrorPanel error={props.error} />;
  }
  const events = props.events ?? [];
  if (events.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing recorded yet.
      </Typography>
    );
  }
  return (
    <Table<AuditEvent>
      title="Audit trail"
      columns={columns}
      data={events}
      options={{
        search: false,
        sorting: false,
        paging: events.length > 10,
        pageSize: 10,
        padding: 'dense',
        toolbar: false,
      }}
    />
  );
}

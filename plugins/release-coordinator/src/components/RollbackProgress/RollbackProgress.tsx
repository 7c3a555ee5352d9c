import {
  Link,
  StatusError,
  StatusOK,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { Rollback } from '@release-coordinator/backstage-plugin-common';
import { RelativeTime } from '../RelativeTime';
import { isRollbackActive, rollbackInitiatorName } from './rollbackInitiator';

/**
 * The newest rollback of an environment on its card: while it runs, its
 * target version and who started it; then its outcome (succeeded, or failed
 * with the provider's error).
 */
export function RollbackProgress(props: { rollback: Rollback }) {
  const { rollback } = props;
  const active = isRollbackActive(rollback);
  const who = rollbackInitiatorName(rollback.initiator);
  const when = rollback.finishedAt ?? rollback.createdAt;
  return (
    <Box width="100%" data-testid={`rollback-${rollback.id}`}>
      <Typography variant="body2" component="div">
        <RollbackStateLine rollback={rollback} />
      </Typography>
      {active && <LinearProgress aria-label="Rollback in progress" />}
      <Typography variant="caption" color="textSecondary" component="div">
        {active ? 'Started' : 'Requested'} by {who}{' '}
        <RelativeTime timestamp={active ? rollback.createdAt : when} />
        {rollback.automated && rollback.incidentId
          ? ` after incident ${rollback.incidentId}`
          : ''}
        {rollback.url && (
          <>
            {' · '}
            <Link to={rollback.url}>provider run</Link>
          </>
        )}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        Reason: {rollback.reason}
      </Typography>
    </Box>
  );
}

function RollbackStateLine(props: { rollback: Rollback }) {
  const { state, targetVersion, fromVersion, error } = props.rollback;
  const fromTo = fromVersion
    ? `from ${fromVersion} to ${targetVersion}`
    : `to ${targetVersion}`;
  switch (state) {
    case 'pending':
    case 'running':
      return (
        <StatusRunning>
          Rolling back {fromTo} ({state})
        </StatusRunning>
      );
    case 'succeeded':
      return <StatusOK>Rolled back {fromTo}</StatusOK>;
    case 'failed':
      return (
        <StatusError>
          Rollback {fromTo} failed{error ? `: ${error}` : ''}
        </StatusError>
      );
    default:
      return (
        <StatusWarning>
          Dry run: the automation would have rolled back {fromTo}
        </StatusWarning>
      );
  }
}

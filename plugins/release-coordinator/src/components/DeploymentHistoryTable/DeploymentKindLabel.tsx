import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { Deployment } from '@release-coordinator/backstage-plugin-common';
import { rollbackInitiatorName } from '../RollbackProgress';

/**
 * "Deploy", or a "Rollback" chip saying which deployment it rolled back (its
 * version, when that deployment is known on screen) and, when it was started
 * from Release Coordinator, who asked and why ("Automation" and the incident
 * for automated rollbacks).
 */
export function DeploymentKindLabel(props: {
  deployment: Deployment;
  rolledBack?: Deployment;
}) {
  if (props.deployment.kind !== 'rollback') {
    return <>Deploy</>;
  }
  const request = props.deployment.rollbackRequest;
  return (
    <>
      <Chip size="small" color="secondary" label="Rollback" />
      {props.rolledBack && (
        <Typography variant="caption" display="block">
          of {props.rolledBack.version}
        </Typography>
      )}
      {request && (
        <Typography
          variant="caption"
          display="block"
          data-testid={`rollback-request-${props.deployment.id}`}
        >
          by {rollbackInitiatorName(request.initiator)}
          {request.automated && request.incidentId
            ? ` after incident ${request.incidentId}`
            : ''}
          : “{request.reason}”
        </Typography>
      )}
    </>
  );
}

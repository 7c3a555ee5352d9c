import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { Deployment } from '@release-coordinator/backstage-plugin-common';

/**
 * "Deploy", or a "Rollback" chip saying which deployment it rolled back (its
 * version, when that deployment is known on screen).
 */
export function DeploymentKindLabel(props: {
  deployment: Deployment;
  rolledBack?: Deployment;
}) {
  if (props.deployment.kind !== 'rollback') {
    return <>Deploy</>;
  }
  return (
    <>
      <Chip size="small" color="secondary" label="Rollback" />
      {props.rolledBack && (
        <Typography variant="caption" display="block">
          of {props.rolledBack.version}
        </Typography>
      )}
    </>
  );
}

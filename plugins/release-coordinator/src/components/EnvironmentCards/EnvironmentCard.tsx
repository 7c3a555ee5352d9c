import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Card from '@material-ui/core/Card';
import CardActions from '@material-ui/core/CardActions';
import CardContent from '@material-ui/core/CardContent';
import CardHeader from '@material-ui/core/CardHeader';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import {
  Deployment,
  EnvironmentSummary,
} from '@release-coordinator/backstage-plugin-common';
import { CommitLink } from '../CommitLink';
import {
  DEPLOYMENT_STATUS_LABELS,
  DeploymentStatusLabel,
} from '../DeploymentStatusLabel';
import { RelativeTime } from '../RelativeTime';

/** Props of {@link EnvironmentCard}. */
export interface EnvironmentCardProps {
  summary: EnvironmentSummary;
  /** The staging deployment the current version was promoted from. */
  promotedFrom?: Deployment;
  /** Buttons for this environment (e.g. rollback), in the card's footer. */
  actions?: ReactNode;
}

/** One environment: the version that runs there now, and the latest attempt if it differs. */
export function EnvironmentCard(props: EnvironmentCardProps) {
  const { summary, promotedFrom, actions } = props;
  const { current, latest } = summary;
  const pendingLatest =
    latest && latest.id !== current?.id ? latest : undefined;

  return (
    <Card variant="outlined" data-testid={`environment-${summary.environment}`}>
      <CardHeader
        title={summary.environment}
        titleTypographyProps={{ variant: 'h6' }}
      />
      <CardContent>
        {current ? (
          <CurrentDeployment current={current} />
        ) : (
          <Typography variant="body2" color="textSecondary">
            No successful deployment yet
          </Typography>
        )}
        {pendingLatest && (
          <Box mt={1}>
            <Chip
              size="small"
              variant="outlined"
              label={
                <DeploymentStatusLabel
                  status={pendingLatest.status}
                  text={`${pendingLatest.version} ${
                    DEPLOYMENT_STATUS_LABELS[pendingLatest.status]
                  }`}
                />
              }
            />
          </Box>
        )}
        {promotedFrom && <PromotionHint promotedFrom={promotedFrom} />}
      </CardContent>
      {actions && <CardActions>{actions}</CardActions>}
    </Card>
  );
}

function CurrentDeployment(props: { current: Deployment }) {
  const { current } = props;
  const deployedAt = current.finishedAt ?? current.startedAt;
  return (
    <>
      <Typography variant="h5" component="p">
        {current.version}
        {current.kind === 'rollback' && (
          <Typography variant="caption" component="span">
            {' '}
            (rollback)
          </Typography>
        )}
      </Typography>
      {current.commitSha && (
        <Typography variant="body2">
          commit <CommitLink sha={current.commitSha} />
        </Typography>
      )}
      <Typography variant="body2" color="textSecondary">
        Deployed
        {deployedAt && (
          <>
            {' '}
            <RelativeTime timestamp={deployedAt} />
          </>
        )}
        {current.initiator && ` by ${current.initiator}`}
      </Typography>
    </>
  );
}

function PromotionHint(props: { promotedFrom: Deployment }) {
  const succeededAt =
    props.promotedFrom.finishedAt ?? props.promotedFrom.startedAt;
  return (
    <Typography variant="body2" color="textSecondary">
      Promoted from staging
      {succeededAt && (
        <>
          , where it succeeded <RelativeTime timestamp={succeededAt} />
        </>
      )}
    </Typography>
  );
}

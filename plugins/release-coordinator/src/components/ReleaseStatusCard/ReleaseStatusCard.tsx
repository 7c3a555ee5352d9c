import { ReactNode } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  EnvironmentSummary,
  Release,
  Rollback,
} from '@release-coordinator/backstage-plugin-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { releaseCoordinatorApiRef } from '../../api';
import { DeploymentStatusLabel } from '../DeploymentStatusLabel';
import { useReleaseLink } from '../DeploymentHistoryTable/useReleaseLink';
import { RelativeTime } from '../RelativeTime';

/** The environment whose releases need approval before they ship. */
const PRODUCTION = 'production';

/** States of a release that has not been approved (or rejected) yet. */
const AWAITING_APPROVAL: ReadonlyArray<Release['state']> = ['ready', 'draft'];

/** What the card shows, loaded from three endpoints of the backend. */
export interface ReleaseStatus {
  environments: EnvironmentSummary[];
  /** The newest production release that is ready or still a draft. */
  awaitingApproval?: Release;
  /** The newest rollback of any environment. */
  lastRollback?: Rollback;
}

/** Loads what runs where, the release awaiting approval and the last rollback. */
export function useReleaseStatus(entityRef: string) {
  const api = useApi(releaseCoordinatorApiRef);
  return useAsyncRetry(async (): Promise<ReleaseStatus> => {
    const [environments, releases, rollbacks] = await Promise.all([
      api.getEnvironments({ entityRef }),
      api.listReleases({ entityRef, environment: PRODUCTION }),
      api.listRollbacks({ entityRef, limit: 1 }),
    ]);
    // Both lists come newest first (docs/api.md).
    return {
      environments: environments.items,
      awaitingApproval: releases.items.find(
        release =>
          release.environment === PRODUCTION &&
          AWAITING_APPROVAL.includes(release.state),
      ),
      lastRollback: rollbacks.items[0],
    };
  }, [api, entityRef]);
}

/**
 * Overview card "Release status": the version in each environment, the
 * production release awaiting approval (linked to the Release readiness tab)
 * and the last rollback.
 */
export function ReleaseStatusCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const releaseLink = useReleaseLink();
  const { value, loading, error, retry } = useReleaseStatus(entityRef);

  let content: ReactNode;
  if (loading && !value) {
    content = <Progress />;
  } else if (error) {
    content = (
      <>
        <ResponseErrorPanel
          error={error}
          title="Could not load the release status"
        />
        <Box mt={1}>
          <Button variant="outlined" color="primary" onClick={retry}>
            Retry
          </Button>
        </Box>
      </>
    );
  } else if (
    value &&
    value.environments.length === 0 &&
    !value.awaitingApproval &&
    !value.lastRollback
  ) {
    content = (
      <EmptyState
        missing="data"
        title="No deployments yet"
        description="Nothing of this entity has been deployed or released through Release Coordinator."
      />
    );
  } else if (value) {
    content = (
      <>
        <Section title="Environments">
          {value.environments.length === 0 ? (
            <Typography variant="body2" color="textSecondary">
              No deployments yet
            </Typography>
          ) : (
            <Box component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
              {value.environments.map(summary => (
                <EnvironmentLine key={summary.environment} summary={summary} />
              ))}
            </Box>
          )}
        </Section>
        <Section title="Awaiting approval">
          {value.awaitingApproval ? (
            <Typography variant="body2">
              {releaseLink ? (
                <Link to={releaseLink(value.awaitingApproval.id)}>
                  {value.awaitingApproval.version}
                </Link>
              ) : (
                value.awaitingApproval.version
              )}{' '}
              to {value.awaitingApproval.environment},{' '}
              {value.awaitingApproval.state}, created{' '}
              <RelativeTime timestamp={value.awaitingApproval.createdAt} /> by{' '}
              {value.awaitingApproval.createdBy}
            </Typography>
          ) : (
            <Typography variant="body2" color="textSecondary">
              No production release awaiting approval
            </Typography>
          )}
        </Section>
        <Section title="Last rollback">
          {value.lastRollback ? (
            <RollbackLine rollback={value.lastRollback} />
          ) : (
            <Typography variant="body2" color="textSecondary">
              No rollbacks
            </Typography>
          )}
        </Section>
      </>
    );
  }

  return (
    <InfoCard title="Release status" variant="gridItem">
      <div data-testid="release-status-card">{content}</div>
    </InfoCard>
  );
}

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box mb={2} component="section" aria-label={props.title}>
      <Typography variant="subtitle2" component="h3">
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

function EnvironmentLine(props: { summary: EnvironmentSummary }) {
  const { environment, current, latest } = props.summary;
  const shown = current ?? latest;
  const when = shown && (shown.finishedAt ?? shown.startedAt);
  return (
    <Box component="li" data-testid={`release-status-${environment}`} mb={0.5}>
      <Typography variant="body2" component="div">
        <strong>{environment}</strong>:{' '}
        {shown ? (
          <>
            {shown.version} <DeploymentStatusLabel status={shown.status} />
            {when && (
              <>
                {' '}
                <RelativeTime timestamp={when} />
              </>
            )}
            {latest && current && latest.id !== current.id && (
              <>
                {' '}
                (latest: {latest.version}{' '}
                <DeploymentStatusLabel status={latest.status} />)
              </>
            )}
          </>
        ) : (
          'nothing deployed'
        )}
      </Typography>
    </Box>
  );
}

function RollbackLine(props: { rollback: Rollback }) {
  const { rollback } = props;
  const when = rollback.finishedAt ?? rollback.createdAt;
  return (
    <Typography variant="body2">
      {rollback.environment}: {rollback.fromVersion ?? 'unknown'} →{' '}
      {rollback.targetVersion}, {rollback.state},{' '}
      <RelativeTime timestamp={when} /> by {rollback.initiator} — “
      {rollback.reason}”
    </Typography>
  );
}

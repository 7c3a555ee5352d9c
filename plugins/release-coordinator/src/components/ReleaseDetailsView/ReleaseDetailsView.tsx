import { ReactNode, useCallback } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useAuditTrail } from '../../hooks/useAuditTrail';
import { useReleaseDetails } from '../../hooks/useReleaseDetails';
import { useReleasePermissions } from '../../hooks/useReleasePermissions';
import { ApprovalsPanel } from '../ApprovalsPanel';
import { AuditTrail } from '../AuditTrail';
import { ChecklistByStage } from '../ChecklistByStage';
import { NotifyTeamButton } from '../NotifyTeamButton';
import { PipelineStages } from '../PipelineStages';
import { ReleaseSummary } from '../ReleaseSummary';

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box component="section" aria-label={props.title} mt={3}>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

/**
 * One release in full: summary, pipeline stages, checklist by stage,
 * approvals and audit trail. Reloads after the user's own actions and when
 * the backend signals someone else's.
 */
export function ReleaseDetailsView(props: {
  releaseId: string;
  /** Called after the user changed the release (its state may have changed). */
  onChanged?: () => void;
}) {
  const details = useReleaseDetails(props.releaseId);
  const audit = useAuditTrail(props.releaseId);
  const permissions = useReleasePermissions();
  const { retry: retryDetails } = details;
  const { retry: retryAudit } = audit;
  const { onChanged } = props;
  const refresh = useCallback(() => {
    retryDetails();
    retryAudit();
    onChanged?.();
  }, [retryDetails, retryAudit, onChanged]);

  // Keep showing the previous value while a refresh runs.
  if (details.loading && !details.value) {
    return <Progress />;
  }
  if (details.error) {
    return <ResponseErrorPanel error={details.error} />;
  }
  if (!details.value) {
    return null;
  }
  const value = details.value;

  return (
    <>
      <ReleaseSummary release={value.release} />
      <Section title="Pipeline">
        <PipelineStages stages={value.stages} />
      </Section>
      <Grid container spacing={4}>
        <Grid item xs={12} md={7}>
          <Section title="Checklist">
            <NotifyTeamButton
              releaseId={value.release.id}
              alreadySent={value.checklist.some(
                item =>
                  item.id === 'team-communication-sent' &&
                  item.status === 'passed',
              )}
              permission={permissions.attest}
              onChanged={refresh}
            />
            <ChecklistByStage
              releaseId={value.release.id}
              checklist={value.checklist}
              permissions={permissions}
              onChanged={refresh}
            />
          </Section>
        </Grid>
        <Grid item xs={12} md={5}>
          <Section title="Approvals">
            <ApprovalsPanel
              details={value}
              permission={permissions.approve}
              overridePermission={permissions.overrideFreeze}
              onChanged={refresh}
            />
          </Section>
        </Grid>
      </Grid>
      <Section title="Audit trail">
        <AuditTrail
          events={audit.value}
          loading={audit.loading}
          error={audit.error}
        />
      </Section>
    </>
  );
}

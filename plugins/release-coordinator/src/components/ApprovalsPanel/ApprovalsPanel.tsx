import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { ReleaseDetails } from '@release-coordinator/backstage-plugin-common';
import { ActionPermission } from '../../hooks/useReleasePermissions';
import { Timestamp } from '../Timestamp';
import { ApprovalActions } from './ApprovalActions';
import { ApprovalDecisions } from './ApprovalDecisions';
import { ApproverList } from './ApproverList';

/** Props of {@link ApprovalsPanel}. */
export interface ApprovalsPanelProps {
  details: ReleaseDetails;
  permission: ActionPermission;
  /** Approving during a freeze (emergency override); denied when not given. */
  overridePermission?: ActionPermission;
  /** Called after a decision was recorded. */
  onChanged: () => void;
}

/** Approvals of a release: what is required and missing, decisions so far, freeze, and the approve / reject actions. */
export function ApprovalsPanel(props: ApprovalsPanelProps) {
  const { details } = props;
  const { environment } = details.release;
  const given = details.approvalsRequired - details.approvalsRemaining;
  // Authors no catalog user carries: they block whoever they may be.
  const unresolvedAuthors = details.release.unresolvedCommitAuthors ?? [];

  return (
    <Box>
      {details.activeFreeze && (
        <Alert severity="warning" style={{ marginBottom: 8 }}>
          Freeze window <strong>{details.activeFreeze.name}</strong> is in force
          for {environment} until <Timestamp iso={details.activeFreeze.end} />:
          approvals are blocked.
        </Alert>
      )}
      {details.approvalsRequired === 0 ? (
        <Typography variant="body2">
          No approval is required for {environment}.
        </Typography>
      ) : (
        <Typography variant="body2">
          {given} of {details.approvalsRequired} required approvals;{' '}
          <strong>{details.approvalsRemaining} remaining</strong>.
        </Typography>
      )}
      {details.approvalsRequired > 0 && details.approvers && (
        <ApproverList approvers={details.approvers} />
      )}
      {unresolvedAuthors.length > 0 && (
        <Alert
          severity="warning"
          style={{ marginTop: 8 }}
          aria-label="Unresolved commit authors"
        >
          Unresolved commit authors: {unresolvedAuthors.join(', ')} (no catalog
          user has this e-mail or login; nobody it may be can approve).
        </Alert>
      )}
      {details.databaseAdminApprovalMissing && (
        <Alert severity="info" style={{ marginTop: 8 }}>
          This release has database migrations: one approval must come from a
          member of the database-admin role.
        </Alert>
      )}
      <ApprovalDecisions approvals={details.approvals} />
      {details.approvalsRequired > 0 && (
        <ApprovalActions
          details={details}
          permission={props.permission}
          overridePermission={props.overridePermission}
          onChanged={props.onChanged}
        />
      )}
    </Box>
  );
}

import { useId, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  ApprovalRequest,
  ReleaseDetails,
} from '@release-coordinator/backstage-plugin-common';
import { releaseCoordinatorApiRef } from '../../api';
import { ActionPermission } from '../../hooks/useReleasePermissions';
import { useSubmitAction } from '../../hooks/useSubmitAction';
import { ActionDialog } from '../ActionDialog';
import { GuardedButton } from '../GuardedButton';
import { approvalBlocker, decisionBlocker } from './approvalBlockers';
import { FreezeOverrideApproval } from './FreezeOverrideApproval';

const DENIED =
  'You are not allowed to approve or reject releases of this entity';

/** Props of {@link ApprovalActions}. */
export interface ApprovalActionsProps {
  details: ReleaseDetails;
  permission: ActionPermission;
  /** Approving during a freeze; denied when not given. */
  overridePermission?: ActionPermission;
  /** Called after a decision was recorded. */
  onChanged: () => void;
}

/** Approve / Reject with an optional comment; reject asks for confirmation first. */
export function ApprovalActions(props: ApprovalActionsProps) {
  const api = useApi(releaseCoordinatorApiRef);
  const { details, permission } = props;
  const releaseId = details.release.id;
  const commentId = useId();
  const [comment, setComment] = useState('');
  const [confirmingReject, setConfirmingReject] = useState(false);
  const { submit, submitting, errorMessage } = useSubmitAction();

  const request = (decision: ApprovalRequest['decision']): ApprovalRequest => {
    const text = comment.trim();
    return text ? { decision, comment: text } : { decision };
  };
  const done = () => {
    setComment('');
    setConfirmingReject(false);
    props.onChanged();
  };
  const approve = async () => {
    if (await submit(() => api.submitApproval(releaseId, request('approve')))) {
      done();
    }
  };

  const approveBlocker = approvalBlocker(details);
  const rejectBlocker = decisionBlocker(details);
  const shownReason =
    !permission.loading && !permission.allowed ? DENIED : approveBlocker;

  return (
    <Box mt={2}>
      {errorMessage && (
        <Alert severity="error" style={{ marginBottom: 8 }}>
          {errorMessage}
        </Alert>
      )}
      <TextField
        id={commentId}
        label="Comment (optional)"
        value={comment}
        onChange={event => setComment(event.target.value)}
        fullWidth
        size="small"
        variant="outlined"
        disabled={!permission.allowed || rejectBlocker !== undefined}
      />
      <Box display="flex" gridGap={8} mt={1}>
        <GuardedButton
          variant="contained"
          color="primary"
          permission={permission}
          deniedReason={DENIED}
          unavailableReason={
            approveBlocker ?? (submitting ? 'Submitting…' : undefined)
          }
          onClick={approve}
        >
          Approve
        </GuardedButton>
        <GuardedButton
          variant="outlined"
          permission={permission}
          deniedReason={DENIED}
          unavailableReason={rejectBlocker}
          onClick={() => setConfirmingReject(true)}
        >
          Reject
        </GuardedButton>
        <FreezeOverrideApproval
          details={details}
          permission={
            props.overridePermission ?? { allowed: false, loading: false }
          }
          comment={comment}
          onDone={done}
        />
      </Box>
      {shownReason && (
        <Typography variant="caption" color="textSecondary" display="block">
          {shownReason}
        </Typography>
      )}
      {confirmingReject && (
        <ActionDialog
          title={`Reject ${details.release.version}?`}
          submitLabel="Reject"
          canSubmit
          onSubmit={() => api.submitApproval(releaseId, request('reject'))}
          onClose={() => setConfirmingReject(false)}
          onDone={done}
        >
          <Typography variant="body2">
            A reject is final: this release cannot be approved afterwards, and a
            new release is needed to ship {details.release.environment}.
          </Typography>
          {comment.trim() && (
            <Typography variant="body2">Comment: “{comment.trim()}”</Typography>
          )}
        </ActionDialog>
      )}
    </Box>
  );
}

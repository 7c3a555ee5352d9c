import { useId, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { ReleaseDetails } from '@release-coordinator/backstage-plugin-common';
import { releaseCoordinatorApiRef } from '../../api';
import { ActionPermission } from '../../hooks/useReleasePermissions';
import { ActionDialog } from '../ActionDialog';
import { GuardedButton } from '../GuardedButton';
import { overrideBlocker } from './approvalBlockers';

/** Props of {@link FreezeOverrideApproval}. */
export interface FreezeOverrideApprovalProps {
  details: ReleaseDetails;
  permission: ActionPermission;
  /** The approver's optional comment, sent along. */
  comment: string;
  /** Called after the approval was recorded. */
  onDone: () => void;
}

/**
 * "Approve with freeze override": an emergency approval during a freeze
 * window, for holders of the override permission, with a required reason
 * (audited by the backend). Only rendered while a freeze is in force.
 */
export function FreezeOverrideApproval(props: FreezeOverrideApprovalProps) {
  const api = useApi(releaseCoordinatorApiRef);
  const reasonId = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { details } = props;
  const freeze = details.activeFreeze;
  if (!freeze) {
    return null;
  }
  const comment = props.comment.trim();

  return (
    <>
      <GuardedButton
        variant="outlined"
        color="secondary"
        permission={props.permission}
        deniedReason="Only holders of the freeze override permission may approve during a freeze"
        unavailableReason={overrideBlocker(details)}
        onClick={() => setOpen(true)}
      >
        Approve with freeze override
      </GuardedButton>
      {open && (
        <ActionDialog
          title={`Override the freeze "${freeze.name}"?`}
          submitLabel="Approve with override"
          canSubmit={reason.trim() !== ''}
          onSubmit={() =>
            api.submitApproval(details.release.id, {
              decision: 'approve',
              ...(comment && { comment }),
              overrideFreeze: { reason: reason.trim() },
            })
          }
          onClose={() => setOpen(false)}
          onDone={() => {
            setOpen(false);
            setReason('');
            props.onDone();
          }}
        >
          <Typography variant="body2" paragraph>
            {details.release.environment} is frozen by {freeze.name}. An
            emergency override approves anyway; the reason is recorded in the
            audit trail.
          </Typography>
          <TextField
            id={reasonId}
            label="Reason for the override"
            required
            value={reason}
            onChange={event => setReason(event.target.value)}
            fullWidth
            multiline
            minRows={2}
            margin="dense"
          />
        </ActionDialog>
      )}
    </>
  );
}

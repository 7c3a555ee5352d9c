import { useId, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { ChecklistItem } from '@release-coordinator/backstage-plugin-common';
import { releaseCoordinatorApiRef } from '../../api';
import { ActionDialog } from '../ActionDialog';

/** Props of {@link WaiveDialog}. */
export interface WaiveDialogProps {
  releaseId: string;
  item: ChecklistItem;
  onClose: () => void;
  /** Called after the backend accepted the waiver. */
  onDone: () => void;
}

/** Waives a failed checklist item; a written reason is required and shown on the item afterwards. */
export function WaiveDialog(props: WaiveDialogProps) {
  const api = useApi(releaseCoordinatorApiRef);
  const fieldId = useId();
  const [reason, setReason] = useState('');
  const text = reason.trim();

  return (
    <ActionDialog
      title={`Waive: ${props.item.title}`}
      submitLabel="Waive"
      canSubmit={text !== ''}
      onSubmit={() =>
        api.updateChecklistItem(props.releaseId, props.item.id, {
          status: 'waived',
          comment: text,
        })
      }
      onClose={props.onClose}
      onDone={props.onDone}
    >
      <Typography variant="body2" paragraph>
        A waiver lets the release go ahead although this gate failed. The reason
        is shown on the item and recorded in the audit trail.
      </Typography>
      <TextField
        id={`${fieldId}-reason`}
        label="Reason"
        required
        value={reason}
        onChange={event => setReason(event.target.value)}
        fullWidth
        multiline
        minRows={3}
        margin="dense"
      />
    </ActionDialog>
  );
}

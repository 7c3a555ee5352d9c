import { useId, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  ChecklistItem,
  ChecklistItemUpdateRequest,
} from '@release-coordinator/backstage-plugin-common';
import { releaseCoordinatorApiRef } from '../../api';
import { ActionDialog } from '../ActionDialog';

/** Props of {@link AttestDialog}. */
export interface AttestDialogProps {
  releaseId: string;
  item: ChecklistItem;
  onClose: () => void;
  /** Called after the backend accepted the attestation. */
  onDone: () => void;
}

function isValidUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Attests a manual checklist item with an evidence URL, a comment, or both (at least one). */
export function AttestDialog(props: AttestDialogProps) {
  const api = useApi(releaseCoordinatorApiRef);
  const fieldId = useId();
  const [evidenceUrl, setEvidenceUrl] = useState('');
  const [comment, setComment] = useState('');

  const url = evidenceUrl.trim();
  const text = comment.trim();
  const urlInvalid = url !== '' && !isValidUrl(url);
  const canSubmit = (url !== '' || text !== '') && !urlInvalid;

  const onSubmit = () => {
    const body: ChecklistItemUpdateRequest = { status: 'passed' };
    if (url) {
      body.evidenceUrl = url;
    }
    if (text) {
      body.comment = text;
    }
    return api.updateChecklistItem(props.releaseId, props.item.id, body);
  };

  return (
    <ActionDialog
      title={`Attest: ${props.item.title}`}
      submitLabel="Attest"
      canSubmit={canSubmit}
      onSubmit={onSubmit}
      onClose={props.onClose}
      onDone={props.onDone}
    >
      <Typography variant="body2" paragraph>
        Give an evidence URL, a comment, or both.
        {props.item.requiredRole &&
          ` Only members of the ${props.item.requiredRole} role may attest this item.`}
      </Typography>
      <TextField
        id={`${fieldId}-url`}
        label="Evidence URL"
        value={evidenceUrl}
        onChange={event => setEvidenceUrl(event.target.value)}
        error={urlInvalid}
        helperText={urlInvalid ? 'Enter an http(s) URL' : undefined}
        fullWidth
        margin="dense"
      />
      <TextField
        id={`${fieldId}-comment`}
        label="Comment"
        value={comment}
        onChange={event => setComment(event.target.value)}
        fullWidth
        multiline
        minRows={3}
        margin="dense"
      />
    </ActionDialog>
  );
}

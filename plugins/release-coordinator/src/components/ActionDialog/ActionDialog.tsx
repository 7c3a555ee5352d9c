import { FormEvent, ReactNode, useId } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import { useSubmitAction } from '../../hooks/useSubmitAction';

/** Props of {@link ActionDialog}. */
export interface ActionDialogProps {
  title: string;
  submitLabel: string;
  /** Whether the form is complete enough to submit. */
  canSubmit: boolean;
  /** The call to the backend; a rejection keeps the dialog open with its message. */
  onSubmit: () => Promise<void>;
  /** Cancel: closes without doing anything. */
  onClose: () => void;
  /** Called after `onSubmit` succeeded. */
  onDone: () => void;
  children?: ReactNode;
}

/**
 * A dialog around one mutating call: submit is disabled until the form is
 * complete and while the call runs; when the backend refuses (403, 409, …)
 * its message is shown and the dialog stays open.
 */
export function ActionDialog(props: ActionDialogProps) {
  const titleId = useId();
  const { submit, submitting, errorMessage } = useSubmitAction();

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!props.canSubmit || submitting) {
      return;
    }
    if (await submit(props.onSubmit)) {
      props.onDone();
    }
  };

  return (
    <Dialog
      open
      onClose={props.onClose}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={handleSubmit} noValidate>
        <DialogTitle id={titleId}>{props.title}</DialogTitle>
        <DialogContent>
          {errorMessage && (
            <Alert severity="error" style={{ marginBottom: 16 }}>
              {errorMessage}
            </Alert>
          )}
          {props.children}
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={!props.canSubmit || submitting}
          >
            {props.submitLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

import { useId, useRef, useState } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  Deployment,
  Rollback,
  RollbackPlan,
} from '@release-coordinator/backstage-plugin-common';
import { DateTime } from 'luxon';
import useAsync from 'react-use/esm/useAsync';
import { releaseCoordinatorApiRef } from '../../api';
import { actionErrorMessage } from '../../hooks/useSubmitAction';
import { ActionDialog } from '../ActionDialog';
import { RollbackPlanDetails } from './RollbackPlanDetails';

/** Props of {@link RollbackDialog}. */
export interface RollbackDialogProps {
  entityRef: string;
  /** The plan with the backend's default target, as the button loaded it. */
  plan: RollbackPlan;
  onClose: () => void;
  /** Called with the accepted rollback (202). */
  onStarted: (rollback: Rollback) => void;
}

/**
 * Rolls one environment back: current → target version (the default target
 * or an earlier succeeded deployment the user picks), the commits that are
 * undone, the database migrations it crosses (to confirm), and a reason.
 *
 * One idempotency key per opening of the dialog: a retry after a network
 * error (the outcome is unknown) reuses it, so the backend never executes
 * the rollback twice; after a refusal (4xx) nothing ran and the next attempt
 * gets a fresh key, since the user changed the request.
 */
export function RollbackDialog(props: RollbackDialogProps) {
  const { entityRef, plan: defaultPlan } = props;
  const { environment } = defaultPlan;
  const api = useApi(releaseCoordinatorApiRef);
  const id = useId();
  const idempotencyKey = useRef(crypto.randomUUID());
  const started = useRef<Rollback>();
  const [targetId, setTargetId] = useState(defaultPlan.target?.id);
  const [reason, setReason] = useState('');
  const [reasonTouched, setReasonTouched] = useState(false);
  const [confirmed, setConfirmed] = useState(false);

  // The plan for a picked target; the default one needs no second request.
  const picked = useAsync(async () => {
    if (!targetId || targetId === defaultPlan.target?.id) {
      return defaultPlan;
    }
    return api.getRollbackPlan({
      entityRef,
      environment,
      targetDeploymentId: targetId,
    });
  }, [api, entityRef, environment, targetId, defaultPlan]);
  const plan = picked.loading ? undefined : picked.value;
  const target = plan?.target;
  const needsConfirmation = (plan?.migrations.length ?? 0) > 0;
  const reasonMissing = reason.trim() === '';
  const canSubmit = Boolean(
    plan &&
      target &&
      !plan.active &&
      plan.providerCanRollback &&
      !reasonMissing &&
      (!needsConfirmation || confirmed),
  );

  const submit = async () => {
    if (!plan || !target) {
      return;
    }
    try {
      started.current = await api.createRollback({
        entityRef,
        idempotencyKey: idempotencyKey.current,
        request: {
          environment,
          targetDeploymentId: target.id,
          reason: reason.trim(),
          ...(needsConfirmation ? { confirmMigrationRollback: true } : {}),
        },
      });
    } catch (error) {
      if (!(error instanceof ResponseError)) {
        throw new Error(
          `The request did not reach the backend (${networkErrorMessage(
            error,
          )}). Submitting again is safe: it is sent with the same idempotency key.`,
        );
      }
      if (error.statusCode < 500) {
        idempotencyKey.current = crypto.randomUUID();
      }
      throw error;
    }
  };

  // The default target first, then every other candidate, newest first.
  const candidates = [
    ...(defaultPlan.target ? [defaultPlan.target] : []),
    ...defaultPlan.candidates.filter(
      candidate => candidate.id !== defaultPlan.target?.id,
    ),
  ];

  return (
    <ActionDialog
      title={`Roll back ${environment}`}
      submitLabel="Roll back"
      canSubmit={canSubmit}
      onSubmit={submit}
      onClose={props.onClose}
      onDone={() => started.current && props.onStarted(started.current)}
    >
      {candidates.length > 1 && (
        <TextField
          select
          id={`${id}-target`}
          label="Target version"
          value={targetId ?? ''}
          onChange={event => {
            setTargetId(event.target.value);
            setConfirmed(false);
          }}
          SelectProps={{ native: true }}
          fullWidth
          margin="dense"
          helperText="The default is the latest healthy deployment that passed its gates"
        >
          {candidates.map(candidate => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.version}
              {candidate.id === defaultPlan.target?.id ? ' (default)' : ''}
              {deployedAt(candidate)}
            </option>
          ))}
        </TextField>
      )}
      {picked.loading && <Progress />}
      {picked.error && (
        <Alert severity="error">
          Could not load the plan for this target:{' '}
          {actionErrorMessage(picked.error)}
        </Alert>
      )}
      {plan && <RollbackPlanDetails plan={plan} />}
      {plan && needsConfirmation && (
        <FormControlLabel
          control={
            <Checkbox
              checked={confirmed}
              onChange={event => setConfirmed(event.target.checked)}
              color="primary"
            />
          }
          label="I have checked that the target version works with the migrated database"
        />
      )}
      <Box mt={1}>
        <TextField
          id={`${id}-reason`}
          label="Reason"
          required
          value={reason}
          onChange={event => {
            setReason(event.target.value);
            setReasonTouched(true);
          }}
          error={reasonTouched && reasonMissing}
          helperText={
            reasonTouched && reasonMissing
              ? 'A reason is required'
              : 'Shown in the history and the audit trail'
          }
          fullWidth
          multiline
          minRows={2}
          margin="dense"
        />
      </Box>
      <Typography variant="caption" color="textSecondary">
        The rollback runs through {plan?.provider ?? 'the provider'} and is
        recorded as a deployment of kind rollback.
      </Typography>
    </ActionDialog>
  );
}

/** " — deployed Nov 20, 2026, 10:04 AM" for a candidate, when its time is known. */
function deployedAt(deployment: Deployment): string {
  const timestamp = deployment.finishedAt ?? deployment.startedAt;
  return timestamp
    ? ` — deployed ${DateTime.fromISO(timestamp).toLocaleString(
        DateTime.DATETIME_MED,
      )}`
    : '';
}

/** The message of a fetch failure (a TypeError, possibly from another realm). */
function networkErrorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String(error.message);
  }
  return String(error);
}

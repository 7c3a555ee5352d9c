import { useId, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import TextField from '@material-ui/core/TextField';
import {
  DEPLOYMENT_STRATEGIES,
  DeploymentStrategy,
  ReleaseDetails,
} from '@release-coordinator/backstage-plugin-common';
import { releaseCoordinatorApiRef } from '../../api';
import { ActionDialog } from '../ActionDialog';
import {
  emptyNewReleaseForm,
  NewReleaseForm,
  toCreateReleaseRequest,
  validateNewRelease,
} from './newReleaseForm';

/** Props of {@link NewReleaseDialog}. */
export interface NewReleaseDialogProps {
  entityRef: string;
  /** Environment names to suggest, e.g. those of earlier releases. */
  environments: string[];
  onClose: () => void;
  /** Called with the created release. */
  onCreated: (details: ReleaseDetails) => void;
}

type PlanFlag = 'zeroDowntime' | 'hasDatabaseMigrations' | 'hasConfigChanges';

const planFlags: Array<{ field: PlanFlag; label: string }> = [
  { field: 'zeroDowntime', label: 'Zero downtime' },
  { field: 'hasDatabaseMigrations', label: 'Has database migrations' },
  { field: 'hasConfigChanges', label: 'Has configuration changes' },
];

/** Creates a release: version, environment, commit, digest and plan, validated like the backend does. */
export function NewReleaseDialog(props: NewReleaseDialogProps) {
  const api = useApi(releaseCoordinatorApiRef);
  const id = useId();
  const [form, setForm] = useState<NewReleaseForm>(emptyNewReleaseForm);
  const [touched, setTouched] = useState<Partial<Record<string, boolean>>>({});
  // Set by the submit and read by onDone in the same event: a ref, not state.
  const created = useRef<ReleaseDetails>();
  const errors = validateNewRelease(form);
  const canSubmit = Object.keys(errors).length === 0;

  const set = <K extends keyof NewReleaseForm>(
    field: K,
    value: NewReleaseForm[K],
  ) => {
    setForm(previous => ({ ...previous, [field]: value }));
    setTouched(previous => ({ ...previous, [field]: true }));
  };
  // Text fields complain once the user typed in them; rule violations between
  // plan fields (zero downtime + rolling) show at once.
  const errorOf = (field: keyof NewReleaseForm) =>
    touched[field] ? errors[field] : undefined;

  const text = (
    field: 'version' | 'environment' | 'commitSha' | 'artifactDigest' | 'notes',
    label: string,
    extra: { required?: boolean; helperText?: string; multiline?: boolean },
  ) => (
    <TextField
      id={`${id}-${field}`}
      label={label}
      required={extra.required}
      value={form[field]}
      onChange={event => set(field, event.target.value)}
      error={errorOf(field) !== undefined}
      helperText={errorOf(field) ?? extra.helperText}
      fullWidth
      margin="dense"
      multiline={extra.multiline}
      minRows={extra.multiline ? 2 : undefined}
      inputProps={
        field === 'environment' ? { list: `${id}-environments` } : undefined
      }
    />
  );

  return (
    <ActionDialog
      title="New release"
      submitLabel="Create"
      canSubmit={canSubmit}
      onSubmit={async () => {
        created.current = await api.createRelease(
          props.entityRef,
          toCreateReleaseRequest(form),
        );
      }}
      onClose={props.onClose}
      onDone={() => created.current && props.onCreated(created.current)}
    >
      {text('version', 'Version', { required: true })}
      {text('environment', 'Environment', {
        required: true,
        helperText: 'The environment the release is headed for',
      })}
      <datalist id={`${id}-environments`}>
        {props.environments.map(environment => (
          <option key={environment} value={environment} />
        ))}
      </datalist>
      {text('commitSha', 'Commit SHA', {
        helperText: 'Automatic checklist evidence is bound to this commit',
      })}
      {text('artifactDigest', 'Artifact digest', {})}
      <TextField
        id={`${id}-strategy`}
        select
        label="Strategy"
        value={form.strategy}
        onChange={event =>
          set('strategy', event.target.value as DeploymentStrategy)
        }
        SelectProps={{ native: true }}
        fullWidth
        margin="dense"
      >
        {DEPLOYMENT_STRATEGIES.map(strategy => (
          <option key={strategy} value={strategy}>
            {strategy}
          </option>
        ))}
      </TextField>
      {planFlags.map(flag => (
        <FormControlLabel
          key={flag.field}
          control={
            <Checkbox
              checked={form[flag.field]}
              onChange={event => set(flag.field, event.target.checked)}
            />
          }
          label={flag.label}
        />
      ))}
      {errors.zeroDowntime && (
        <FormHelperText error>{errors.zeroDowntime}</FormHelperText>
      )}
      {text('notes', 'Notes', { multiline: true })}
    </ActionDialog>
  );
}

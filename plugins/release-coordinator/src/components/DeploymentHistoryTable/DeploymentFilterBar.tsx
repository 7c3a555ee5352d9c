import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import { DEPLOYMENT_STATUSES } from '@release-coordinator/backstage-plugin-common';
import { DeploymentFilters } from '../../hooks';
import { DEPLOYMENT_STATUS_LABELS } from '../DeploymentStatusLabel';

/** The environment and status filters of the deployment history. */
export function DeploymentFilterBar(props: {
  /** The environments to offer. */
  environments: string[];
  filters: DeploymentFilters;
  onChange(filters: DeploymentFilters): void;
}) {
  const { environments, filters, onChange } = props;
  return (
    <Box display="flex" gridGap={16} mb={2}>
      <FilterSelect
        id="release-coordinator-deployments-environment"
        label="Environment"
        allLabel="All environments"
        value={filters.environment}
        options={environments.map(environment => ({
          value: environment,
          label: environment,
        }))}
        onChange={value =>
          onChange({ ...filters, environment: value || undefined })
        }
      />
      <FilterSelect
        id="release-coordinator-deployments-status"
        label="Status"
        allLabel="All statuses"
        value={filters.status}
        options={DEPLOYMENT_STATUSES.map(status => ({
          value: status,
          label: DEPLOYMENT_STATUS_LABELS[status],
        }))}
        onChange={value =>
          onChange({
            ...filters,
            status: DEPLOYMENT_STATUSES.find(status => status === value),
          })
        }
      />
    </Box>
  );
}

/** A labelled native select whose empty value means "no filter". */
function FilterSelect(props: {
  id: string;
  label: string;
  allLabel: string;
  value?: string;
  options: Array<{ value: string; label: string }>;
  onChange(value: string): void;
}) {
  return (
    <TextField
      select
      id={props.id}
      label={props.label}
      variant="outlined"
      size="small"
      value={props.value ?? ''}
      onChange={event => props.onChange(event.target.value)}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
    >
      <option value="">{props.allLabel}</option>
      {props.options.map(option => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </TextField>
  );
}

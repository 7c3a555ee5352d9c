import TextField from '@material-ui/core/TextField';
import { Release } from '@release-coordinator/backstage-plugin-common';
import { latestPerEnvironment } from './latestPerEnvironment';

/** Props of {@link ReleasePicker}. */
export interface ReleasePickerProps {
  /** The entity's releases, newest first. */
  releases: Release[];
  selectedReleaseId: string;
  onSelect: (releaseId: string) => void;
}

function optionLabel(release: Release): string {
  return `${release.environment} · ${release.version} (${release.state})`;
}

/** Picks the release the tab shows: the newest per environment first, then older ones. */
export function ReleasePicker(props: ReleasePickerProps) {
  const { latest, older } = latestPerEnvironment(props.releases);
  return (
    <TextField
      select
      label="Release"
      variant="outlined"
      size="small"
      value={props.selectedReleaseId}
      onChange={event => props.onSelect(event.target.value)}
      SelectProps={{ native: true }}
      inputProps={{ 'aria-label': 'Release' }}
    >
      <optgroup label="Latest per environment">
        {latest.map(release => (
          <option key={release.id} value={release.id}>
            {optionLabel(release)}
          </option>
        ))}
      </optgroup>
      {older.length > 0 && (
        <optgroup label="Older releases">
          {older.map(release => (
            <option key={release.id} value={release.id}>
              {optionLabel(release)}
            </option>
          ))}
        </optgroup>
      )}
    </TextField>
  );
}

import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/core-plugin-api';
import { releaseCoordinatorApiRef } from '../../api';
import { ActionPermission } from '../../hooks/useReleasePermissions';
import { useSubmitAction } from '../../hooks/useSubmitAction';
import { GuardedButton } from '../GuardedButton';

/**
 * The **Notify team** action: sends a Backstage notification about the
 * release to the entity's owner group, which passes the
 * `team-communication-sent` checklist item.
 */
export function NotifyTeamButton(props: {
  releaseId: string;
  /** Whether the item is already passed (the button then re-sends). */
  alreadySent: boolean;
  permission: ActionPermission;
  onChanged: () => void;
}) {
  const api = useApi(releaseCoordinatorApiRef);
  const { submit, submitting, errorMessage } = useSubmitAction();
  const { releaseId, onChanged } = props;

  const notify = async () => {
    if (await submit(() => api.notifyTeam(releaseId))) {
      onChanged();
    }
  };

  return (
    <Box display="flex" alignItems="center" flexWrap="wrap" mb={1}>
      <GuardedButton
        variant="outlined"
        color="primary"
        size="small"
        permission={props.permission}
        deniedReason="You may not notify the team about this release"
        unavailableReason={submitting ? 'Sending…' : undefined}
        onClick={notify}
      >
        {props.alreadySent ? 'Notify team again' : 'Notify team'}
      </GuardedButton>
      {errorMessage && (
        <Box ml={2}>
          <Typography role="alert" color="error" variant="body2">
            {errorMessage}
          </Typography>
        </Box>
      )}
    </Box>
  );
}

import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { ProviderSyncState } from '@release-coordinator/backstage-plugin-common';
import { RelativeTime } from '../RelativeTime';

/**
 * Whether the provider's last error is newer than its last successful sync,
 * i.e. the data it serves is not fresh.
 */
export function isFailing(state: ProviderSyncState): boolean {
  if (!state.lastError) {
    return false;
  }
  if (!state.lastSuccessAt || !state.lastErrorAt) {
    return true;
  }
  return Date.parse(state.lastErrorAt) >= Date.parse(state.lastSuccessAt);
}

/**
 * How fresh the data of each provider is for this entity: its last successful
 * sync, and its last error as a warning while it is failing.
 */
export function ProviderSyncStatus(props: { sync: ProviderSyncState[] }) {
  if (props.sync.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No provider pulls deployments for this entity; they arrive only when
        pushed.
      </Typography>
    );
  }
  return (
    <Box display="flex" flexDirection="column" gridGap={8}>
      {props.sync.map(state => (
        <Box key={state.providerId}>
          <Typography variant="body2" color="textSecondary">
            <strong>{state.providerId}</strong>:{' '}
            {state.lastSuccessAt ? (
              <>
                last synced <RelativeTime timestamp={state.lastSuccessAt} />
              </>
            ) : (
              'never synced successfully'
            )}
          </Typography>
          {isFailing(state) && (
            <Alert severity="warning">
              {state.providerId} sync failed
              {state.lastErrorAt && (
                <>
                  {' '}
                  <RelativeTime timestamp={state.lastErrorAt} />
                </>
              )}
              : {state.lastError}
            </Alert>
          )}
        </Box>
      ))}
    </Box>
  );
}

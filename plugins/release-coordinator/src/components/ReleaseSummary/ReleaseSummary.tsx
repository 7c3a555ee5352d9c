import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Release } from '@release-coordinator/backstage-plugin-common';
import { ReleaseStateChip } from '../ReleaseStateChip';
import { Timestamp } from '../Timestamp';

/** The heading of one release: version, environment, state, commit, who created it and when. */
export function ReleaseSummary(props: { release: Release }) {
  const { release } = props;
  return (
    <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={16}>
      <Typography variant="h5" component="h2">
        {release.version}
      </Typography>
      <Typography variant="subtitle1" color="textSecondary">
        to {release.environment}
      </Typography>
      <ReleaseStateChip state={release.state} />
      {release.commitSha && (
        <Typography variant="body2" title={release.commitSha}>
          commit <code>{release.commitSha.slice(0, 7)}</code>
        </Typography>
      )}
      <Typography variant="body2" color="textSecondary">
        created by {release.createdBy} on <Timestamp iso={release.createdAt} />
      </Typography>
    </Box>
  );
}

import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { RollbackPlan } from '@release-coordinator/backstage-plugin-common';
import { CommitLink } from '../CommitLink';

/**
 * What a rollback does: current → target version, the commits it undoes, and
 * a warning for the database migrations it crosses.
 */
export function RollbackPlanDetails(props: { plan: RollbackPlan }) {
  const { current, target, commitsUndone, migrations } = props.plan;
  if (!target) {
    return (
      <Alert severity="info">
        {props.plan.noTargetReason ?? 'There is no version to roll back to.'}
      </Alert>
    );
  }
  return (
    <>
      <Box my={1} data-testid="rollback-versions">
        <Typography variant="h6" component="p">
          {current?.version ?? 'nothing'} → {target.version}
        </Typography>
        {target.commitSha && (
          <Typography variant="body2" color="textSecondary">
            Target commit <CommitLink sha={target.commitSha} />
          </Typography>
        )}
      </Box>
      <Typography variant="subtitle2">
        {commitsUndone.length === 1
          ? '1 commit will be undone'
          : `${commitsUndone.length} commits will be undone`}
      </Typography>
      {commitsUndone.length > 0 && (
        <Box
          component="ul"
          mt={0}
          maxHeight={160}
          overflow="auto"
          aria-label="Commits undone"
        >
          {commitsUndone.map(commit => (
            <li key={commit.sha}>
              <Typography variant="body2">
                <CommitLink sha={commit.sha} />
              </Typography>
            </li>
          ))}
        </Box>
      )}
      {migrations.length > 0 && (
        <Alert severity="warning" style={{ marginTop: 8 }}>
          This rollback crosses database migrations, which it does not undo:
          <ul>
            {migrations.map(migration => (
              <li key={migration.releaseId}>
                Release {migration.version}
                {migration.notes ? `: ${migration.notes}` : ''}
              </li>
            ))}
          </ul>
        </Alert>
      )}
    </>
  );
}

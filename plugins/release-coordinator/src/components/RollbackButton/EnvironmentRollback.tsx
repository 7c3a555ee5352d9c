import Box from '@material-ui/core/Box';
import { RollbackProgress, useLatestRollback } from '../RollbackProgress';
import { RollbackButton } from './RollbackButton';
import { useRollbackPlan } from './useRollbackPlan';

/** Props of {@link EnvironmentRollback}. */
export interface EnvironmentRollbackProps {
  entityRef: string;
  environment: string;
  /** Changes when the tab refreshes (signal, new or settled rollback). */
  refreshKey?: number;
  /** A rollback started or finished: the tab should reload. */
  onChanged?: () => void;
  /** How often an active rollback is polled; defaults to a few seconds. */
  pollIntervalMs?: number;
}

/**
 * The rollback part of an environment card: the newest rollback's progress
 * or outcome, and the Rollback button.
 */
export function EnvironmentRollback(props: EnvironmentRollbackProps) {
  const { entityRef, environment, refreshKey, onChanged } = props;
  const plan = useRollbackPlan({ entityRef, environment, refreshKey });
  const latest = useLatestRollback({
    entityRef,
    environment,
    refreshKey,
    onSettled: onChanged,
    pollIntervalMs: props.pollIntervalMs,
  });

  return (
    <Box width="100%">
      {latest.rollback && (
        <Box mb={1}>
          <RollbackProgress rollback={latest.rollback} />
        </Box>
      )}
      <RollbackButton
        entityRef={entityRef}
        environment={environment}
        // A reload keeps the last plan (an open dialog stays open).
        plan={plan.value}
        planError={plan.loading ? undefined : plan.error}
        onStarted={rollback => {
          latest.track(rollback);
          onChanged?.();
        }}
      />
    </Box>
  );
}

import { useState } from 'react';
import { useEntityPermission } from '@backstage/plugin-catalog-react/alpha';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  deploymentRollbackPermission,
  Rollback,
  RollbackPlan,
} from '@release-coordinator/backstage-plugin-common';
import { actionErrorMessage } from '../../hooks/useSubmitAction';
import { GuardedButton } from '../GuardedButton';
import { RollbackDialog } from '../RollbackDialog';
import { rollbackUnavailableReason } from './rollbackUnavailableReason';

/** Props of {@link RollbackButton}. */
export interface RollbackButtonProps {
  entityRef: string;
  environment: string;
  /** The environment's plan (undefined while loading). */
  plan?: RollbackPlan;
  planError?: Error;
  /** Called with the rollback the backend accepted. */
  onStarted: (rollback: Rollback) => void;
}

/**
 * "Rollback" for one environment, guarded by the entity-scoped rollback
 * permission and disabled, with the reason beside it, while a rollback runs
 * or when there is nothing (or no provider) to roll back with.
 */
export function RollbackButton(props: RollbackButtonProps) {
  const { plan, planError, environment } = props;
  const permission = useEntityPermission(deploymentRollbackPermission);
  const [open, setOpen] = useState(false);

  let unavailableReason: string | undefined;
  if (planError) {
    unavailableReason = `The rollback plan could not be loaded: ${actionErrorMessage(
      planError,
    )}`;
  } else if (plan) {
    unavailableReason = rollbackUnavailableReason(plan);
  }
  const deniedReason = 'You are not allowed to roll back this entity';
  const shownReason =
    !permission.loading && !permission.allowed
      ? deniedReason
      : unavailableReason;

  return (
    <Box display="flex" alignItems="center" gridGap={8} flexWrap="wrap">
      <GuardedButton
        size="small"
        variant="outlined"
        color="secondary"
        aria-label={`Rollback ${environment}`}
        permission={{
          allowed: permission.allowed,
          loading: permission.loading || (!plan && !planError),
        }}
        deniedReason={deniedReason}
        unavailableReason={unavailableReason}
        onClick={() => setOpen(true)}
      >
        Rollback
      </GuardedButton>
      {shownReason && (
        <Typography
          variant="caption"
          color="textSecondary"
          data-testid={`rollback-unavailable-${environment}`}
        >
          {shownReason}
        </Typography>
      )}
      {open && plan && (
        <RollbackDialog
          entityRef={props.entityRef}
          plan={plan}
          onClose={() => setOpen(false)}
          onStarted={rollback => {
            setOpen(false);
            props.onStarted(rollback);
          }}
        />
      )}
    </Box>
  );
}

import Button, { ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { ActionPermission } from '../../hooks/useReleasePermissions';

/** Props of {@link GuardedButton}. */
export interface GuardedButtonProps extends Omit<ButtonProps, 'disabled'> {
  /** Whether the user may take the action at all. */
  permission: ActionPermission;
  /** Shown when the permission is denied, e.g. "You may not waive items". */
  deniedReason: string;
  /** Another reason the action is unavailable now, if any. */
  unavailableReason?: string;
}

/**
 * A button that is disabled, with a tooltip saying why, when the permission
 * policy denies its action or the action is unavailable for another reason.
 */
export function GuardedButton(props: GuardedButtonProps) {
  const { permission, deniedReason, unavailableReason, ...buttonProps } = props;
  let reason: string | undefined;
  if (!permission.loading && !permission.allowed) {
    reason = deniedReason;
  } else {
    reason = unavailableReason;
  }
  const disabled = permission.loading || reason !== undefined;

  if (!reason) {
    return <Button {...buttonProps} disabled={disabled} />;
  }
  // A disabled button fires no mouse events; the span carries the tooltip.
  return (
    <Tooltip title={reason}>
      <span>
        <Button {...buttonProps} disabled />
      </span>
    </Tooltip>
  );
}

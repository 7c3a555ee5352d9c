import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import { DeploymentStatus } from '@release-coordinator/backstage-plugin-common';

/** How each deployment status reads on screen. */
export const DEPLOYMENT_STATUS_LABELS: Record<DeploymentStatus, string> = {
  queued: 'queued',
  in_progress: 'in progress',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

const STATUS_ICONS = {
  queued: StatusPending,
  in_progress: StatusRunning,
  succeeded: StatusOK,
  failed: StatusError,
  cancelled: StatusAborted,
} as const;

/** A deployment status as Backstage's status icon and its label (or the given text). */
export function DeploymentStatusLabel(props: {
  status: DeploymentStatus;
  text?: string;
}) {
  const Icon = STATUS_ICONS[props.status];
  return <Icon>{props.text ?? DEPLOYMENT_STATUS_LABELS[props.status]}</Icon>;
}

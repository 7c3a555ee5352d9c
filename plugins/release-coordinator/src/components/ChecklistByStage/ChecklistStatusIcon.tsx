import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { ChecklistItemStatus } from '@release-coordinator/backstage-plugin-common';

/** The status of a checklist item as a Backstage status icon with its name. */
export function ChecklistStatusIcon(props: { status: ChecklistItemStatus }) {
  switch (props.status) {
    case 'passed':
      return <StatusOK>passed</StatusOK>;
    case 'failed':
      return <StatusError>failed</StatusError>;
    case 'waived':
      return <StatusWarning>waived</StatusWarning>;
    case 'expired':
      return <StatusAborted>expired</StatusAborted>;
    default:
      return <StatusPending>pending</StatusPending>;
  }
}

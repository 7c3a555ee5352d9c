import { ReleaseDetails } from '@release-coordinator/backstage-plugin-common';

/** Release states in which approvers may still decide. */
const OPEN_STATES = ['draft', 'ready'];

/** Why no decision can be taken on the release now, if so. */
export function decisionBlocker(details: ReleaseDetails): string | undefined {
  const { state } = details.release;
  if (!OPEN_STATES.includes(state)) {
    return `This release is ${state}; it takes no more decisions.`;
  }
  return undefined;
}

/** Why the release cannot be approved now, if so (the backend would answer 409). */
export function approvalBlocker(details: ReleaseDetails): string | undefined {
  const blocker = overrideBlocker(details);
  if (blocker) {
    return blocker;
  }
  if (details.activeFreeze) {
    return `The freeze window "${details.activeFreeze.name}" blocks approvals for ${details.release.environment}.`;
  }
  return undefined;
}

/** Why the release cannot be approved even with a freeze override, if so. */
export function overrideBlocker(details: ReleaseDetails): string | undefined {
  const blocker = decisionBlocker(details);
  if (blocker) {
    return blocker;
  }
  const open = details.openItemIds.length;
  if (open > 0) {
    return `${open} checklist ${
      open === 1 ? 'item is' : 'items are'
    } still open (${details.openItemIds.join(
      ', ',
    )}); every item must be passed or waived first.`;
  }
  return undefined;
}

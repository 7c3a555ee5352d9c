import { parseEntityRef } from '@backstage/catalog-model';
import {
  AUTOMATION_ACTOR,
  Rollback,
  RollbackState,
} from '@release-coordinator/backstage-plugin-common';

/** The states in which a rollback holds its environment's lock. */
const ACTIVE_STATES: readonly RollbackState[] = ['pending', 'running'];

/** Whether the rollback is still pending or running. */
export function isRollbackActive(rollback: Pick<Rollback, 'state'>): boolean {
  return ACTIVE_STATES.includes(rollback.state);
}

/**
 * Who started a rollback, as people read it: "Automation" for the automated
 * rollback, the user's name for `user:default/alice` ("alice"), and anything
 * else (a provider's actor, another namespace) as recorded.
 */
export function rollbackInitiatorName(initiator: string): string {
  if (initiator === AUTOMATION_ACTOR) {
    return 'Automation';
  }
  try {
    const ref = parseEntityRef(initiator, { defaultKind: 'user' });
    if (ref.kind.toLocaleLowerCase('en-US') === 'user') {
      return ref.namespace === 'default'
        ? ref.name
        : `${ref.namespace}/${ref.name}`;
    }
  } catch {
    // Not an entity ref: shown as recorded.
  }
  return initiator;
}

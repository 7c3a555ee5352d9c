import { RollbackPlan } from '@release-coordinator/backstage-plugin-common';
import { rollbackInitiatorName } from '../RollbackProgress';

/**
 * Why the environment cannot be rolled back now (besides permissions), or
 * undefined when it can: a rollback already runs, the provider cannot roll
 * back, or there is no version to go back to.
 */
export function rollbackUnavailableReason(
  plan: RollbackPlan,
): string | undefined {
  if (plan.active) {
    return `A rollback to ${
      plan.active.targetVersion
    } by ${rollbackInitiatorName(plan.active.initiator)} is already running`;
  }
  if (!plan.current) {
    return plan.noTargetReason ?? 'Nothing has been deployed here yet';
  }
  if (!plan.providerCanRollback) {
    return plan.provider
      ? `The ${plan.provider} provider that deployed ${plan.environment} cannot roll back`
      : `No provider that can roll back deployed ${plan.environment}`;
  }
  if (!plan.target) {
    return plan.noTargetReason ?? 'There is no earlier version to roll back to';
  }
  return undefined;
}

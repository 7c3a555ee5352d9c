import { ConflictError, InputError } from '@backstage/errors';
import {
  Approval,
  ChecklistItem,
  JsonValue,
  Release,
  ReleasePlan,
  ReleaseState,
} from '@release-coordinator/backstage-plugin-common';
import { StoredApproval } from '../database/ReleaseStore';

/** States in which the checklist of a release may still change. */
export const OPEN_STATES: ReleaseState[] = ['draft', 'ready'];

export function validatePlan(plan: ReleasePlan): void {
  if (plan.zeroDowntime && plan.strategy === 'rolling') {
    throw new InputError(
      "plan.strategy: a zero-downtime plan cannot use the 'rolling' strategy; use 'blue-green' or 'canary'",
    );
  }
}

export function assertChecklistOpen(release: Release): void {
  if (!OPEN_STATES.includes(release.state)) {
    throw new ConflictError(
      `Release ${release.id} is ${release.state}; its checklist can no longer change`,
    );
  }
}

export function assertSameArtifact(
  what: string,
  evidenceValue: string | undefined,
  releaseValue: string | undefined,
): void {
  if (evidenceValue !== undefined && evidenceValue !== releaseValue) {
    throw new ConflictError(
      `Evidence is for ${what} ${evidenceValue}, but the release is at ${what} ${
        releaseValue ?? '(none)'
      }`,
    );
  }
}

export function resetItem(item: ChecklistItem): ChecklistItem {
  const { evidence: _evidence, waiverReason: _waiver, ...rest } = item;
  return { ...rest, status: 'pending' };
}

export function withoutWaiver(item: ChecklistItem): ChecklistItem {
  const { waiverReason: _waiver, ...rest } = item;
  return rest;
}

/** What the audit trail records of a release's state. */
export function releaseSummary(
  release: Pick<
    Release,
    | 'version'
    | 'environment'
    | 'commitSha'
    | 'artifactDigest'
    | 'plan'
    | 'state'
  >,
): JsonValue {
  const { strategy, zeroDowntime, hasDatabaseMigrations, hasConfigChanges } =
    release.plan;
  return {
    version: release.version,
    environment: release.environment,
    commitSha: release.commitSha ?? null,
    artifactDigest: release.artifactDigest ?? null,
    plan: {
      strategy,
      zeroDowntime,
      hasDatabaseMigrations,
      hasConfigChanges,
      notes: release.plan.notes ?? null,
    },
    state: release.state,
  };
}

export function toApproval(approval: StoredApproval): Approval {
  const { databaseAdmin: _databaseAdmin, ...wire } = approval;
  return wire;
}

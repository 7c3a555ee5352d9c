import {
  ChecklistItem,
  Release,
  ReleaseDetails,
  ReleaseState,
} from '@release-coordinator/backstage-plugin-common';
import { findChecklistDefinition } from '../releases/ChecklistBuilder';
import { releaseReadinessLink } from '../releases/ReleaseEvents';

/**
 * The gate decision of a release, as an agent needs it:
 * - `approved`: approved, may be deployed;
 * - `ready-to-deploy`: all items pass and the environment needs no approval;
 * - `awaiting-approval`: all items pass, approvals are missing;
 * - `frozen`: all items pass, but a freeze window blocks approval unless
 *   overridden with a reason;
 * - `blocked`: checklist items are still open;
 * - `rejected`: a reject is final;
 * - `closed`: deploying, deployed, failed, rolled back or superseded;
 * - `no-open-release`: nothing headed for the environment.
 */
export type GateDecision =
  | 'approved'
  | 'ready-to-deploy'
  | 'awaiting-approval'
  | 'frozen'
  | 'blocked'
  | 'rejected'
  | 'closed'
  | 'no-open-release';

/** States of a release that is still headed for its environment. */
export const PENDING_RELEASE_STATES: ReleaseState[] = [
  'draft',
  'ready',
  'approved',
];

/** One checklist item as the readiness answer lists it. */
export interface ReadinessItem {
  itemId: string;
  title: string;
  status: string;
  /** `evidence` (CI, reports) or `attestation` (a person, by role). */
  setBy: 'evidence' | 'attestation';
  requiredRole?: string;
  source?: string;
  recordedBy?: string;
  url?: string;
  waiverReason?: string;
}

/** The answer of the readiness action (docs/agents.md). */
export interface ReleaseReadinessAnswer {
  entityRef: string;
  environment: string;
  decision: GateDecision;
  /** Why, in sentences an agent can repeat. */
  reasons: string[];
  release: {
    id: string;
    version: string;
    state: ReleaseState;
    commitSha?: string;
    createdBy: string;
    createdAt: string;
    /** Path of the Release readiness tab opened on the release. */
    link: string;
  } | null;
  passed: ReadinessItem[];
  waived: ReadinessItem[];
  missing: ReadinessItem[];
  approvals: {
    required: number;
    remaining: number;
    databaseAdminApprovalMissing: boolean;
    given: Array<{
      approver: string;
      decision: string;
      decidedAt: string;
      comment?: string;
    }>;
  };
  approvers: {
    /** Groups whose members may decide (the `owner` rule resolved). */
    groups: string[];
    /** The environment's approver rules as configured. */
    rules: string[];
    /** Groups of the database-admin role, when one approval must be theirs. */
    databaseAdminGroups: string[];
    /** Who may not decide: the creator and the commit authors. */
    excluded: string[];
  };
  activeFreeze?: { name: string; start: string; end: string };
}

function item(checklistItem: ChecklistItem): ReadinessItem {
  const definition = findChecklistDefinition(checklistItem.id);
  return {
    itemId: checklistItem.id,
    title: checklistItem.title,
    status: checklistItem.status,
    setBy: definition?.acceptsEvidence ? 'evidence' : 'attestation',
    ...(checklistItem.requiredRole && {
      requiredRole: checklistItem.requiredRole,
    }),
    ...(checklistItem.evidence?.source && {
      source: checklistItem.evidence.source,
    }),
    ...(checklistItem.evidence?.recordedBy && {
      recordedBy: checklistItem.evidence.recordedBy,
    }),
    ...(checklistItem.evidence?.url && { url: checklistItem.evidence.url }),
    ...(checklistItem.waiverReason && {
      waiverReason: checklistItem.waiverReason,
    }),
  };
}

/** The answer when no release is headed for the environment. */
export function noOpenRelease(
  entityRef: string,
  environment: string,
  latest: Release | undefined,
): ReleaseReadinessAnswer {
  return {
    entityRef,
    environment,
    decision: 'no-open-release',
    reasons: [
      latest
        ? `No release of ${entityRef} is headed for ${environment}; the latest (${latest.version}) is ${latest.state}`
        : `${entityRef} has no release for ${environment}`,
    ],
    release: null,
    passed: [],
    waived: [],
    missing: [],
    approvals: {
      required: 0,
      remaining: 0,
      databaseAdminApprovalMissing: false,
      given: [],
    },
    approvers: {
      groups: [],
      rules: [],
      databaseAdminGroups: [],
      excluded: [],
    },
  };
}

/**
 * Where a release stands against its gates: what passes, what is missing,
 * who may still approve and why, and the decision that follows. Computed
 * from the same details the Release readiness tab shows.
 */
export function readinessOf(
  details: ReleaseDetails,
  approverGroups: string[],
): ReleaseReadinessAnswer {
  const { release } = details;
  const open = new Set(details.openItemIds);
  const applicable = details.checklist.filter(i => i.status !== 'expired');
  const missing = details.checklist.filter(i => open.has(i.id)).map(item);
  const passed = applicable.filter(i => i.status === 'passed').map(item);
  const waived = applicable.filter(i => i.status === 'waived').map(item);
  const excluded = details.approvers?.excluded ?? [
    release.createdBy,
    ...release.commitAuthors,
  ];

  const reasons: string[] = [];
  let decision: GateDecision;
  if (release.state === 'approved') {
    decision = 'approved';
    reasons.push(`Release ${release.version} is approved for ${release.environment}`);
  } else if (release.state === 'rejected') {
    decision = 'rejected';
    reasons.push(`Release ${release.version} was rejected; a reject is final`);
  } else if (!PENDING_RELEASE_STATES.includes(release.state)) {
    decision = 'closed';
    reasons.push(`Release ${release.version} is ${release.state}`);
  } else if (missing.length > 0) {
    decision = 'blocked';
    reasons.push(
      `${missing.length} checklist item(s) are not passed or waived: ${missing
        .map(m => `${m.itemId} (${m.status})`)
        .join(', ')}`,
    );
  } else if (details.approvalsRemaining > 0 && details.activeFreeze) {
    decision = 'frozen';
    reasons.push(
      `${release.environment} is frozen by '${details.activeFreeze.name}' until ${details.activeFreeze.end}; approving needs a freeze override with a reason`,
    );
  } else if (details.approvalsRemaining > 0) {
    decision = 'awaiting-approval';
  } else {
    decision = 'ready-to-deploy';
    reasons.push(
      `All checklist items pass and ${release.environment} needs no approval`,
    );
  }
  if (
    PENDING_RELEASE_STATES.includes(release.state) &&
    release.state !== 'approved' &&
    details.approvalsRemaining > 0
  ) {
    reasons.push(
      `${details.approvalsRemaining} of ${
        details.approvalsRequired
      } approval(s) missing; members of ${
        approverGroups.join(', ') || 'no group'
      } may approve${
        excluded.length > 0
          ? `, except ${excluded.join(', ')} (creator and commit authors: separation of duties)`
          : ''
      }`,
    );
    if (details.databaseAdminApprovalMissing) {
      reasons.push(
        `One approval must come from the database-admin role (${(
          details.approvers?.databaseAdminGroups ?? []
        ).join(', ')}): the release migrates the database`,
      );
    }
  }

  return {
    entityRef: release.entityRef,
    environment: release.environment,
    decision,
    reasons,
    release: {
      id: release.id,
      version: release.version,
      state: release.state,
      ...(release.commitSha && { commitSha: release.commitSha }),
      createdBy: release.createdBy,
      createdAt: release.createdAt,
      link: releaseReadinessLink(release),
    },
    passed,
    waived,
    missing,
    approvals: {
      required: details.approvalsRequired,
      remaining: details.approvalsRemaining,
      databaseAdminApprovalMissing: details.databaseAdminApprovalMissing,
      given: details.approvals.map(a => ({
        approver: a.approver,
        decision: a.decision,
        decidedAt: a.decidedAt,
        ...(a.comment && { comment: a.comment }),
      })),
    },
    approvers: {
      groups: approverGroups,
      rules: details.approvers?.rules ?? [],
      databaseAdminGroups: details.approvers?.databaseAdminGroups ?? [],
      excluded,
    },
    ...(details.activeFreeze && { activeFreeze: details.activeFreeze }),
  };
}

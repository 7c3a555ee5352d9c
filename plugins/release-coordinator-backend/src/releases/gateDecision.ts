import {
  GateReason,
  GateResponse,
  Release,
  ReleaseState,
} from '@release-coordinator/backstage-plugin-common';
import { OWNER_APPROVER } from './config';

/*
 * The one gate decision (docs/gates.md): whether a deploy of a version to an
 * environment may start now. Pure, so that every answerer (the gate route,
 * the command-line client through it, and later the GitHub and GitLab
 * answerers) decides the same way from the same facts.
 */

/** What is asked: a version (and maybe its commit or digest) for an environment. */
export interface GateQuery {
  environment: string;
  version: string;
  commitSha?: string;
  artifactDigest?: string;
}

/** One release of the asked version, with what the gate needs of it. */
export interface GateCandidate {
  release: Release;
  /** Approvals still missing (0 once approved). */
  approvalsRemaining: number;
  /** Whether a database admin must still approve. */
  databaseAdminApprovalMissing: boolean;
  /** Ids of attested checklist items that are expired now. */
  expiredItemIds: string[];
  /** Freeze windows for which an emergency override was recorded. */
  freezeOverrides: string[];
}

/** The facts of one gate question. */
export interface GateFacts {
  entityRef: string;
  query: GateQuery;
  /** The environment's approval rule. */
  rule: {
    requiredApprovals: number;
    /** `owner` and/or group refs whose members may approve. */
    approvers: string[];
    /** Groups of the database-admin role. */
    databaseAdminGroups: string[];
  };
  /** The freeze window that blocks the environment now, if any. */
  activeFreeze?: { name: string; end: string };
  /** Releases of the entity for the environment and version, newest first. */
  candidates: GateCandidate[];
}

/** States in which a release may be deployed (again, after a failure). */
export const DEPLOYABLE_STATES: ReleaseState[] = [
  'approved',
  'deploying',
  'deployed',
  'failed',
];

function who(rule: GateFacts['rule'], entityRef: string): string {
  const names = rule.approvers.map(approver =>
    approver === OWNER_APPROVER ? `the owner group of ${entityRef}` : approver,
  );
  return names.length > 0 ? names.join(' or ') : 'nobody (no approver rule)';
}

function identityMismatch(
  query: GateQuery,
  release: Release,
): GateReason | undefined {
  if (
    query.commitSha &&
    release.commitSha &&
    query.commitSha.toLowerCase() !== release.commitSha.toLowerCase()
  ) {
    return {
      code: 'commit-mismatch',
      message: `Release ${release.version} (${release.id}) is for commit ${release.commitSha}, not ${query.commitSha}: deploy that commit, or create a release of this commit in Release Coordinator`,
    };
  }
  if (
    query.artifactDigest &&
    release.artifactDigest &&
    query.artifactDigest !== release.artifactDigest
  ) {
    return {
      code: 'digest-mismatch',
      message: `Release ${release.version} (${release.id}) is for artifact ${release.artifactDigest}, not ${query.artifactDigest}: deploy that artifact, or create a release of this one in Release Coordinator`,
    };
  }
  return undefined;
}

/**
 * The gate's answer: allowed only when a release of the version (with the
 * asked commit and digest, when both sides have one) is approved for the
 * environment, no freeze window blocks it now unless an override was
 * recorded for it, and no attested item expired since the approval. An
 * environment without an approval rule is allowed, saying so.
 */
export function decideGate(facts: GateFacts): GateResponse {
  const { entityRef, query, rule, activeFreeze } = facts;
  const env = query.environment;
  const matching = facts.candidates.filter(
    c => identityMismatch(query, c.release) === undefined,
  );
  const chosen =
    matching.find(c => DEPLOYABLE_STATES.includes(c.release.state)) ??
    matching[0];
  const release = chosen
    ? {
        id: chosen.release.id,
        state: chosen.release.state,
        version: chosen.release.version,
      }
    : null;

  if (rule.requiredApprovals === 0) {
    return {
      allowed: true,
      release,
      reasons: [
        {
          code: 'no-approval-rule',
          message: `${env} has no approval rule in Release Coordinator (releaseCoordinator.environments): any version may be deployed there`,
        },
      ],
    };
  }

  if (!chosen) {
    const other = facts.candidates[0];
    if (other) {
      return {
        allowed: false,
        release: null,
        reasons: [identityMismatch(query, other.release)!],
      };
    }
    return {
      allowed: false,
      release: null,
      reasons: [
        {
          code: 'no-release',
          message: `No release of ${entityRef} version ${
            query.version
          } for ${env}: create one in Release Coordinator (Release readiness tab, or \`release-coordinator release create\`), then ${who(
            rule,
            entityRef,
          )} must approve it`,
        },
      ],
    };
  }

  const reasons: GateReason[] = [];
  const current = chosen.release;
  const name = `Release ${current.version} (${current.id})`;
  switch (current.state) {
    case 'draft':
    case 'ready': {
      const missing: string[] = [];
      if (current.state === 'draft') {
        missing.push(
          'its checklist has open items (its owners must complete or waive them)',
        );
      }
      if (chosen.approvalsRemaining > 0) {
        missing.push(
          `${chosen.approvalsRemaining} more approval(s) from members of ${who(
            rule,
            entityRef,
          )}`,
        );
      }
      if (chosen.databaseAdminApprovalMissing) {
        missing.push(
          `an approval from a database admin (${
            rule.databaseAdminGroups.join(', ') ||
            'no database-admin group configured'
          })`,
        );
      }
      reasons.push({
        code: 'not-approved',
        message: `${name} is ${
          current.state
        }, not approved for ${env}: it needs ${
          missing.join('; ') || 'an approval'
        }`,
      });
      break;
    }
    case 'rejected':
      reasons.push({
        code: 'rejected',
        message: `${name} was rejected for ${env}; a rejection is final: create a new release to try again`,
      });
      break;
    case 'rolled-back':
    case 'superseded':
      reasons.push({
        code: 'closed',
        message: `${name} is ${current.state}; it can no longer be deployed: create a new release`,
      });
      break;
    default:
      break;
  }

  if (activeFreeze && !chosen.freezeOverrides.includes(activeFreeze.name)) {
    reasons.push({
      code: 'frozen',
      message: `${env} is frozen by '${activeFreeze.name}' until ${
        activeFreeze.end
      }: wait for the end of the freeze, or an eligible approver (${who(
        rule,
        entityRef,
      )}) records a freeze override with a reason when approving`,
    });
  }

  if (chosen.expiredItemIds.length > 0) {
    reasons.push({
      code: 'item-expired',
      message: `${name}: the attestation of ${chosen.expiredItemIds.join(
        ', ',
      )} expired since the approval, and an approved release's checklist no longer changes: its owners must create a new release and attest it again`,
    });
  }

  if (reasons.length > 0) {
    return { allowed: false, release, reasons };
  }
  return {
    allowed: true,
    release,
    reasons: [
      {
        code: 'approved',
        message: `${name} is ${
          current.state === 'approved'
            ? 'approved'
            : `approved and ${current.state}`
        } for ${env}`,
      },
    ],
  };
}

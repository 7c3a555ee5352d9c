import {
  ApproverInfo,
  Release,
} from '@release-coordinator/backstage-plugin-common';
import { StoredApproval } from '../database/ReleaseStore';
import { DATABASE_ADMIN_ROLE } from './ChecklistBuilder';
import {
  EnvironmentSettings,
  OWNER_APPROVER,
  ReleaseReadinessSettings,
} from './config';

/** Who acts: a user with the refs they own or belong to, or a service. */
export interface Actor {
  type: 'user' | 'service';
  /** User entity ref (lower case) or service subject. */
  ref: string;
  /** The user's own ref and their groups' refs, lower case. */
  ownershipRefs: string[];
}

/** What an environment asks of a release before it may be deployed. */
export interface ApprovalRequirement {
  approvalsRequired: number;
  databaseAdminRequired: boolean;
}

/** How far the recorded approvals go towards the requirement. */
export interface ApprovalTally extends ApprovalRequirement {
  approvalsRemaining: number;
  databaseAdminApprovalMissing: boolean;
  satisfied: boolean;
}

/** Whether an actor may decide on a release, and in which capacity. */
export type Eligibility =
  | { eligible: true; databaseAdmin: boolean }
  | { eligible: false; reason: string };

/**
 * The approval rules of docs/product.md §4.3: who is eligible, separation of duties,
 * and when the recorded approvals are enough.
 */
export class ApprovalPolicy {
  constructor(private readonly settings: ReleaseReadinessSettings) {}

  /** The settings of an environment, or undefined when not configured. */
  environment(name: string): EnvironmentSettings | undefined {
    return this.settings.environments.find(env => env.name === name);
  }

  /** The groups (entity refs) configured for a role. */
  roleMembers(role: string): string[] {
    return this.settings.roles[role] ?? [];
  }

  /** Whether the actor belongs to a group configured for the role. */
  holdsRole(actor: Actor, role: string): boolean {
    const members = this.roleMembers(role);
    return actor.ownershipRefs.some(ref => members.includes(ref));
  }

  /** The approvals the release's environment and plan require. */
  requirement(release: Release): ApprovalRequirement {
    const approvalsRequired =
      this.environment(release.environment)?.requiredApprovals ?? 0;
    return {
      approvalsRequired,
      // Only where approvals are required at all: one of them must come from
      // a database admin when the plan migrates the database.
      databaseAdminRequired:
        approvalsRequired > 0 && release.plan.hasDatabaseMigrations,
    };
  }

  /** Counts the recorded approvals against the requirement. */
  tally(release: Release, approvals: StoredApproval[]): ApprovalTally {
    const requirement = this.requirement(release);
    const approved = approvals.filter(a => a.decision === 'approve');
    const approvalsRemaining = Math.max(
      0,
      requirement.approvalsRequired - approved.length,
    );
    const databaseAdminApprovalMissing =
      requirement.databaseAdminRequired && !approved.some(a => a.databaseAdmin);
    return {
      ...requirement,
      approvalsRemaining,
      databaseAdminApprovalMissing,
      satisfied: approvalsRemaining === 0 && !databaseAdminApprovalMissing,
    };
  }

  /** Who may decide on the release, for the approvals panel. */
  approverInfo(release: Release): ApproverInfo {
    return {
      rules: this.environment(release.environment)?.approvers ?? [],
      databaseAdminGroups: this.requirement(release).databaseAdminRequired
        ? this.roleMembers(DATABASE_ADMIN_ROLE)
        : [],
      excluded: [...new Set([release.createdBy, ...release.commitAuthors])],
    };
  }

  /**
   * Whether the actor may approve or reject the release. `ownerRef` is the
   * entity's owner (lower case), used for the `owner` approver rule.
   * `unresolvedMatches` are the release's unresolved commit authors (e-mails,
   * logins) the actor may be (see `unresolvedAuthorsMatching` in
   * commitAuthors.ts); any of them excludes the actor.
   */
  eligibility(
    release: Release,
    actor: Actor,
    ownerRef: string | undefined,
    unresolvedMatches: string[] = [],
  ): Eligibility {
    if (actor.type !== 'user') {
      return {
        eligible: false,
        reason: 'only users can approve or reject a release',
      };
    }
    if (actor.ref === release.createdBy) {
      return {
        eligible: false,
        reason: `${actor.ref} created this release and may not approve it (separation of duties)`,
      };
    }
    if (release.commitAuthors.includes(actor.ref)) {
      return {
        eligible: false,
        reason: `${actor.ref} authored commits of this release and may not approve it (separation of duties)`,
      };
    }
    if (unresolvedMatches.length > 0) {
      return {
        eligible: false,
        reason: `${
          actor.ref
        } may be the unresolved commit author ${unresolvedMatches.join(
          ', ',
        )} of this release and may not approve it (separation of duties); add the e-mail or login to their catalog entity`,
      };
    }
    const approverRefs = (
      this.environment(release.environment)?.approvers ?? []
    ).flatMap(rule => {
      if (rule !== OWNER_APPROVER) {
        return [rule];
      }
      return ownerRef ? [ownerRef] : [];
    });
    const databaseAdmin = this.holdsRole(actor, DATABASE_ADMIN_ROLE);
    if (actor.ownershipRefs.some(ref => approverRefs.includes(ref))) {
      return { eligible: true, databaseAdmin };
    }
    if (databaseAdmin && this.requirement(release).databaseAdminRequired) {
      return { eligible: true, databaseAdmin };
    }
    const who = approverRefs.length > 0 ? approverRefs.join(', ') : 'nobody';
    return {
      eligible: false,
      reason: `${actor.ref} is not an eligible approver for ${release.environment}; eligible are members of: ${who}`,
    };
  }
}

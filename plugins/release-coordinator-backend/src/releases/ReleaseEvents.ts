import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import { UpstreamServiceError } from '../service/upstreamErrors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  entityReleasesSignalChannel,
  Release,
  ReleaseDetails,
  ReleaseSignalAction,
  ReleaseSignalMessage,
  releaseSignalChannel,
  ReleaseState,
} from '@release-coordinator/backstage-plugin-common';
import { ApprovalPolicy } from './ApprovalPolicy';
import { DATABASE_ADMIN_ROLE } from './ChecklistBuilder';
import { OWNER_APPROVER } from './config';

/** The notification topic of everything the plugin sends. */
export const NOTIFICATION_TOPIC = 'release-coordinator';

/** What {@link ReleaseEvents} needs; signals and notifications are optional. */
export interface ReleaseEventsOptions {
  policy: ApprovalPolicy;
  /** The owner group (lower-case ref) of an entity, for the `owner` rule. */
  ownerOf: (entityRef: string) => Promise<string | undefined>;
  signals?: SignalsService;
  notifications?: NotificationService;
  logger?: LoggerService;
}

/**
 * The path of the entity's Release readiness tab, opened on one release.
 * Stored refs are lower case, which the catalog routes accept.
 */
export function releaseReadinessLink(release: Release): string {
  const { kind, namespace, name } = parseEntityRef(release.entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind,
  )}/${encodeURIComponent(name)}/release-readiness?release=${encodeURIComponent(
    release.id,
  )}`;
}

/** A one-paragraph summary of where a release stands. */
export function releaseSummaryText(details: ReleaseDetails): string {
  const { release } = details;
  const plan = release.plan;
  const artifact = release.commitSha
    ? `commit ${release.commitSha.slice(0, 12)}`
    : release.artifactDigest ?? 'no commit yet';
  const planParts = [
    plan.strategy,
    plan.zeroDowntime ? 'zero-downtime' : undefined,
    plan.hasDatabaseMigrations ? 'database migrations' : undefined,
    plan.hasConfigChanges ? 'config changes' : undefined,
  ].filter(Boolean);
  const open =
    details.openItemIds.length > 0
      ? `open items: ${details.openItemIds.join(', ')}`
      : 'all checklist items passed or waived';
  const approvals =
    details.approvalsRequired > 0
      ? `${details.approvalsRequired - details.approvalsRemaining} of ${
          details.approvalsRequired
        } approvals`
      : 'no approval required';
  return `Release ${release.version} of ${release.entityRef} to ${
    release.environment
  } (${artifact}) is ${release.state}; plan: ${planParts.join(
    ', ',
  )}; ${open}; ${approvals}.`;
}

/** States in which the approvers hold a notification about the release. */
const NOTIFIED_STATES: ReleaseState[] = ['ready', 'approved'];

/** The approvers' notification title for a release in `state`. */
function approverTitle(release: Release): string {
  const what = `Release ${release.version} of ${release.entityRef}`;
  switch (release.state) {
    case 'ready':
      return `${what} awaits approval for ${release.environment}`;
    case 'approved':
      return `${what} approved for ${release.environment}`;
    case 'rejected':
      return `${what} rejected for ${release.environment}`;
    case 'draft':
      return `${what} is no longer ready for ${release.environment}`;
    default:
      return `${what} is ${release.state} in ${release.environment}`;
  }
}

/**
 * What the world hears of a release change: a signal to open tabs after
 * every change; one notification per release to the eligible approvers,
 * sent when it becomes ready and updated in place as it moves on
 * (approved, rejected, back to draft, deployed…); and the team notification
 * of the **Notify team** action.
 */
/**
 * Longest notification title: the notifications backend stores titles in a
 * 255-character column and refuses longer ones.
 */
export const MAX_NOTIFICATION_TITLE = 255;

/** `title`, cut to {@link MAX_NOTIFICATION_TITLE} characters with an ellipsis. */
export function notificationTitle(title: string): string {
  if (title.length <= MAX_NOTIFICATION_TITLE) {
    return title;
  }
  let end = MAX_NOTIFICATION_TITLE - 1;
  // Never split a surrogate pair (an emoji in a version).
  if (/[\ud800-\udbff]/.test(title[end - 1])) end -= 1;
  return `${title.slice(0, end)}…`;
}

export class ReleaseEvents {
  constructor(private readonly options: ReleaseEventsOptions) {}

  /**
   * Announces a change. `previousState` (the state before the change, when
   * the change can make a release ready) decides whether approvers are
   * notified. Never throws: the change is stored; a missed signal or
   * notification is logged.
   */
  async changed(
    details: ReleaseDetails,
    action: ReleaseSignalAction,
    previousState?: ReleaseState,
  ): Promise<void> {
    await this.signal(details.release, action);
    const state = details.release.state;
    // A release the approvers were told about, or one that just became
    // ready: their one notification of it is sent or updated.
    if (
      previousState !== undefined &&
      previousState !== state &&
      (state === 'ready' || NOTIFIED_STATES.includes(previousState))
    ) {
      try {
        await this.notifyApprovers(details);
      } catch (error) {
        this.options.logger?.warn(
          `Could not notify the approvers of release ${details.release.id}: ${error}`,
        );
      }
    }
  }

  /** The groups whose members may approve the release, lower-case refs. */
  async approverGroups(release: Release): Promise<string[]> {
    const { policy, ownerOf } = this.options;
    const requirement = policy.requirement(release);
    if (requirement.approvalsRequired === 0) {
      return [];
    }
    const rules = policy.environment(release.environment)?.approvers ?? [];
    const refs: string[] = [];
    for (const rule of rules) {
      if (rule === OWNER_APPROVER) {
        const owner = await ownerOf(release.entityRef);
        if (owner) {
          refs.push(owner);
        }
      } else {
        refs.push(rule);
      }
    }
    if (requirement.databaseAdminRequired) {
      refs.push(...policy.roleMembers(DATABASE_ADMIN_ROLE));
    }
    return [...new Set(refs)];
  }

  /**
   * Notifies the eligible approvers of where a release stands: that it
   * awaits their decision, and later that it was approved, rejected or moved
   * on. One notification per release (its scope), which the notifications
   * backend updates and marks unread. The creator and commit authors, who
   * may not approve, are left out.
   */
  async notifyApprovers(details: ReleaseDetails): Promise<void> {
    const { notifications, logger } = this.options;
    const { release } = details;
    if (!notifications) {
      return;
    }
    const groups = await this.approverGroups(release);
    if (groups.length === 0) {
      logger?.info(
        `Release ${release.id} is ${release.state} and needs no approval in ${release.environment}; nobody to notify`,
      );
      return;
    }
    const excluded = [release.createdBy, ...release.commitAuthors].filter(ref =>
      ref.startsWith('user:'),
    );
    await notifications.send({
      recipients: {
        type: 'entity',
        entityRef: groups,
        ...(excluded.length > 0 && { excludeEntityRef: excluded }),
      },
      payload: {
        title: notificationTitle(approverTitle(release)),
        description: releaseSummaryText(details),
        link: releaseReadinessLink(release),
        topic: NOTIFICATION_TOPIC,
        severity: 'normal',
        scope: `release:${release.id}`,
      },
    });
  }

  /**
   * Sends the **Notify team** notification to the owner group. Throws
   * ServiceUnavailableError (503) without a notifications service and
   * UpstreamServiceError (502) when it fails, so the checklist item is not
   * passed for a message nobody got.
   */
  async notifyTeam(details: ReleaseDetails, ownerGroup: string): Promise<void> {
    const { notifications, logger } = this.options;
    const { release } = details;
    if (!notifications) {
      throw new ServiceUnavailableError(
        'Notifications are not available in this Backstage instance',
      );
    }
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: ownerGroup },
        payload: {
          title: notificationTitle(
            `Release ${release.version} of ${release.entityRef} to ${release.environment}`,
          ),
          description: releaseSummaryText(details),
          link: releaseReadinessLink(release),
          topic: NOTIFICATION_TOPIC,
          severity: 'normal',
          scope: `release:${release.id}:team`,
        },
      });
    } catch (error) {
      // Our own message with a 502: the upstream error is logged only.
      logger?.warn(
        `Could not notify ${ownerGroup} of release ${release.id}`,
        error as Error,
      );
      throw new UpstreamServiceError(
        `Could not notify ${ownerGroup}: the notifications service failed`,
      );
    }
  }

  private async signal(
    release: Release,
    action: ReleaseSignalAction,
  ): Promise<void> {
    const { signals, logger } = this.options;
    if (!signals) {
      return;
    }
    const message: ReleaseSignalMessage = {
      releaseId: release.id,
      entityRef: release.entityRef,
      state: release.state,
      action,
    };
    for (const channel of [
      releaseSignalChannel(release.id),
      entityReleasesSignalChannel(release.entityRef),
    ]) {
      try {
        await signals.publish({
          recipients: { type: 'broadcast' },
          channel,
          message: { ...message },
        });
      } catch (error) {
        // The change is stored; a missed signal only delays a reload.
        logger?.warn(`Could not signal ${action} on ${channel}: ${error}`);
      }
    }
  }
}

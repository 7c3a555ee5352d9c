import {
  AuditorService,
  AuditorServiceCreateEventOptions,
  AuditorServiceEventSeverityLevel,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import {
  ChecklistItem,
  Release,
  ReleaseDetails,
} from '@release-coordinator/backstage-plugin-common';
import {
  ReleaseStore,
  ReleaseTransaction,
  StoredApproval,
} from '../database/ReleaseStore';
import { Actor, ApprovalPolicy } from './ApprovalPolicy';
import { ChecklistBuilder } from './ChecklistBuilder';
import { ReleaseReadinessSettings } from './config';
import { FreezeCalendar } from './FreezeCalendar';
import { checklistAt, openItemIds, pipelineStages } from './readiness';
import { toApproval } from './releaseRules';

/** The HTTP request behind a call, so auditor events name the real caller. */
export type AuditRequest = AuditorServiceCreateEventOptions['request'];

/**
 * How a call reached the plugin, as every auditor event records it in
 * `meta.channel` (docs/agents.md): an HTTP route (with its request, so the
 * event names the caller, IP and URL), a registered action (an agent over
 * MCP, or any caller of the actions service; `meta.actionId` names it),
 * or the plugin itself (webhooks, automation). Missing means `internal`.
 */
export type CallChannel =
  | { channel: 'http'; request: AuditRequest }
  | { channel: 'action'; actionId: string }
  | { channel: 'internal' };

/** The `request` and `meta` an auditor event gets from a channel. */
export function auditChannel(via: CallChannel | undefined): {
  request: AuditRequest | undefined;
  meta: JsonObject;
} {
  if (via?.channel === 'http') {
    return { request: via.request, meta: { channel: 'http' } };
  }
  if (via?.channel === 'action') {
    return {
      request: undefined,
      meta: { channel: 'action', actionId: via.actionId },
    };
  }
  return { request: undefined, meta: { channel: 'internal' } };
}

/** Who acts, and how the call came in (for auditor events). */
export interface ActionContext {
  actor: Actor;
  via?: CallChannel;
}

/**
 * What the release readiness services share: settings, rules, the store,
 * the clock, and how a release's details are computed and audited.
 */
export class ReleaseReadiness {
  readonly checklistBuilder: ChecklistBuilder;
  readonly policy: ApprovalPolicy;
  readonly freezeCalendar: FreezeCalendar;

  constructor(
    readonly store: ReleaseStore,
    readonly settings: ReleaseReadinessSettings,
    readonly auditor: AuditorService,
    readonly now: () => Date,
  ) {
    this.checklistBuilder = new ChecklistBuilder(settings.checklist.titles);
    this.policy = new ApprovalPolicy(settings);
    this.freezeCalendar = new FreezeCalendar(settings.freezeWindows);
  }

  /** The release with this id; NotFoundError when there is none. */
  async getRelease(id: string): Promise<Release> {
    const release = await this.store.getRelease(id);
    if (!release) {
      throw new NotFoundError(`No release ${id}`);
    }
    return release;
  }

  /** Moves draft ↔ ready after the checklist changed. */
  async settleState(tx: ReleaseTransaction): Promise<void> {
    const open = openItemIds(this.checklistNow(await tx.listChecklistItems()));
    if (open.length === 0) {
      await tx.transitionState(['draft'], 'ready');
    } else {
      await tx.transitionState(['ready'], 'draft');
    }
  }

  checklistNow(items: ChecklistItem[]): ChecklistItem[] {
    return checklistAt(
      items,
      this.now(),
      this.settings.checklist.rollbackRehearsalMaxAgeDays,
    );
  }

  async detailsIn(tx: ReleaseTransaction): Promise<ReleaseDetails> {
    const [items, approvals] = await Promise.all([
      tx.listChecklistItems(),
      tx.listApprovals(),
    ]);
    return this.details(tx.release, items, approvals);
  }

  details(
    release: Release,
    storedItems: ChecklistItem[],
    approvals: StoredApproval[],
  ): ReleaseDetails {
    const checklist = this.checklistNow(storedItems);
    const open = openItemIds(checklist);
    const tally = this.policy.tally(release, approvals);
    const activeFreeze = this.freezeCalendar.activeFreeze(
      release.environment,
      this.now(),
    );
    return {
      // A ready release whose rehearsal expired since reads as draft again.
      release:
        release.state === 'ready' && open.length > 0
          ? { ...release, state: 'draft' }
          : release,
      checklist,
      approvals: approvals.map(toApproval),
      stages: pipelineStages(release, checklist),
      approvalsRequired: tally.approvalsRequired,
      approvalsRemaining:
        release.state === 'approved' ? 0 : tally.approvalsRemaining,
      databaseAdminApprovalMissing:
        release.state !== 'approved' && tally.databaseAdminApprovalMissing,
      openItemIds: open,
      ...(activeFreeze && { activeFreeze }),
      approvers: this.policy.approverInfo(release),
    };
  }

  /** Runs `work` as one auditor event, marked success or failure. */
  async audited<T>(
    eventId: string,
    severityLevel: AuditorServiceEventSeverityLevel,
    context: ActionContext,
    work: () => Promise<T>,
  ): Promise<T> {
    const channel = auditChannel(context.via);
    const event = await this.auditor.createEvent({
      eventId,
      severityLevel,
      request: channel.request,
      meta: { actor: context.actor.ref, ...channel.meta },
    });
    try {
      const result = await work();
      const meta: JsonObject = { ...channel.meta };
      if (isDetails(result)) {
        meta.releaseId = result.release.id;
        meta.entityRef = result.release.entityRef;
        meta.state = result.release.state;
      }
      await event.success({ meta });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }
}

function isDetails(value: unknown): value is ReleaseDetails {
  return typeof value === 'object' && value !== null && 'release' in value;
}

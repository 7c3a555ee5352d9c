import {
  AuditorService,
  AuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  AuditEvent,
  ChecklistItem,
  CreateReleaseRequest,
  GateResponse,
  JsonValue,
  Release,
  ReleaseDetails,
  ReleasePlan,
  ReleaseSignalAction,
  UpdateReleaseRequest,
} from '@release-coordinator/backstage-plugin-common';
import { ReleaseStore } from '../database/ReleaseStore';
import { toStoredEntityRef } from '../service/entityRefs';
import { Actor } from './ApprovalPolicy';
import { ApprovalService } from './ApprovalService';
import { findChecklistDefinition } from './ChecklistBuilder';
import { ChecklistService } from './ChecklistService';
import { CommitAuthorResolver } from './commitAuthors';
import { ReportSettings } from '../reports/config';
import { recordReport, RecordReportOptions } from '../reports/recordReport';
import { ReleaseReadinessSettings } from './config';
import { findEntityOwner } from './entityOwner';
import { ReleaseEvents } from './ReleaseEvents';
import type { ReleaseTransition } from './releaseLifecycle';
import { decideGate, GateCandidate, GateQuery } from './gateDecision';
import { checklistAt } from './readiness';
import { DATABASE_ADMIN_ROLE } from './ChecklistBuilder';
import { CallChannel, ReleaseReadiness } from './ReleaseReadiness';
import {
  OPEN_STATES,
  releaseSummary,
  resetItem,
  validatePlan,
} from './releaseRules';

/** What {@link ReleaseService} needs. */
export interface ReleaseServiceOptions {
  store: ReleaseStore;
  settings: ReleaseReadinessSettings;
  auditor: AuditorService;
  /** Looks up the owner of a release's entity for the `owner` approver rule. */
  catalog: CatalogService;
  auth: AuthService;
  /** Publishes a signal after every change, so open tabs reload. */
  signals?: SignalsService;
  /** Notifies approvers of ready releases, and teams (**Notify team**). */
  notifications?: NotificationService;
  logger?: LoggerService;
  now?: () => Date;
}

/** The checklist item the **Notify team** action passes. */
export const TEAM_COMMUNICATION_ITEM_ID = 'team-communication-sent';

/**
 * Release readiness (docs/product.md §4): creating and changing releases, and the entry
 * point to their checklist ({@link ChecklistService}) and approvals
 * ({@link ApprovalService}). Every change runs in a transaction that locks
 * the release row and leaves an audit row.
 */
export class ReleaseService {
  private readonly readiness: ReleaseReadiness;
  private readonly checklist: ChecklistService;
  private readonly approvals: ApprovalService;
  private readonly events: ReleaseEvents;
  private readonly commitAuthors: CommitAuthorResolver;
  private readonly ownerOf: (entityRef: string) => Promise<string | undefined>;
  private readonly logger?: LoggerService;

  constructor(options: ReleaseServiceOptions) {
    this.logger = options.logger;
    this.readiness = new ReleaseReadiness(
      options.store,
      options.settings,
      options.auditor,
      options.now ?? (() => new Date()),
    );
    this.checklist = new ChecklistService(this.readiness);
    this.commitAuthors = new CommitAuthorResolver(
      options.catalog,
      options.auth,
    );
    this.approvals = new ApprovalService(
      this.readiness,
      options.catalog,
      options.auth,
      this.commitAuthors,
    );
    this.ownerOf = entityRef =>
      findEntityOwner(options.catalog, options.auth, entityRef);
    this.events = new ReleaseEvents({
      policy: this.readiness.policy,
      ownerOf: this.ownerOf,
      signals: options.signals,
      notifications: options.notifications,
      logger: options.logger,
    });
  }

  /**
   * Runs a change and announces it (signals; approver notifications when
   * the release became ready). With `id`, the state before the change is
   * read first so a move to `ready` is noticed.
   */
  private async announced(
    id: string | undefined,
    action:
      | ReleaseSignalAction
      | ((details: ReleaseDetails) => ReleaseSignalAction),
    change: () => Promise<ReleaseDetails>,
  ): Promise<ReleaseDetails> {
    const previousState = id
      ? (await this.getDetails(id)).release.state
      : undefined;
    const details = await change();
    await this.events.changed(
      details,
      typeof action === 'function' ? action(details) : action,
      previousState,
    );
    return details;
  }

  /** Creates a release of an entity with its checklist built from the plan. */
  async createRelease(options: {
    entityRef: string;
    request: CreateReleaseRequest;
    actor: Actor;
    via?: CallChannel;
  }): Promise<ReleaseDetails> {
    const { entityRef, request, actor } = options;
    if (!request.version?.trim()) {
      throw new InputError('version: a release needs a version');
    }
    if (!this.readiness.policy.environment(request.environment)) {
      throw new InputError(
        `environment: '${
          request.environment
        }' is not a configured environment (${this.readiness.settings.environments
          .map(env => env.name)
          .join(', ')})`,
      );
    }
    validatePlan(request.plan);
    const authors = await this.commitAuthors.resolve(
      request.commitAuthors ?? [],
    );
    return this.announced(undefined, 'create', () =>
      this.readiness.audited('release-create', 'medium', options, async () => {
        const release = await this.readiness.store.createRelease({
          entityRef: toStoredEntityRef(parseEntityRef(entityRef)),
          environment: request.environment,
          version: request.version,
          commitSha: request.commitSha,
          artifactDigest: request.artifactDigest,
          plan: request.plan,
          createdBy: actor.ref,
          commitAuthors: authors.refs,
          unresolvedCommitAuthors: authors.unresolved,
          checklist: this.readiness.checklistBuilder.build(request.plan),
          audit: {
            actor: actor.ref,
            action: 'release.created',
            after: {
              ...(releaseSummary({ ...request, state: 'draft' }) as object),
              commitAuthors: authors.refs,
              unresolvedCommitAuthors: authors.unresolved,
            },
          },
        });
        return this.getDetails(release.id);
      }),
    );
  }

  /** The release with this id; NotFoundError when there is none. */
  getRelease(id: string): Promise<Release> {
    return this.readiness.getRelease(id);
  }

  /** The release with its checklist, stages, approvals and freeze. */
  async getDetails(id: string): Promise<ReleaseDetails> {
    const release = await this.readiness.getRelease(id);
    const [items, approvals] = await Promise.all([
      this.readiness.store.listChecklistItems(id),
      this.readiness.store.listApprovals(id),
    ]);
    return this.readiness.details(release, items, approvals);
  }

  /** The configured environments, in order. */
  environmentNames(): string[] {
    return this.readiness.settings.environments.map(env => env.name);
  }

  /**
   * The groups whose members may approve the release (the `owner` rule
   * resolved to the entity's owner group, the database-admin role's groups
   * when it must approve), lower-case refs; empty when none is required.
   */
  approverGroups(release: Release): Promise<string[]> {
    return this.events.approverGroups(release);
  }

  /**
   * The gate (docs/gates.md): whether a deploy of `query.version` of the
   * entity to `query.environment` may start now, decided by
   * {@link decideGate}. An unknown environment is a 400 naming the field.
   */
  async gate(entityRef: string, query: GateQuery): Promise<GateResponse> {
    const { policy, freezeCalendar, store, settings } = this.readiness;
    const environment = policy.environment(query.environment);
    if (!environment) {
      throw new InputError(
        `environment: unknown environment '${
          query.environment
        }'; configured are ${this.environmentNames().join(', ')}`,
      );
    }
    const now = this.readiness.now();
    const releases = (
      await store.listReleases({
        entityRef,
        environment: query.environment,
      })
    ).filter(release => release.version === query.version);
    const candidates: GateCandidate[] = [];
    for (const release of releases) {
      const [items, approvals, freezeOverrides] = await Promise.all([
        store.listChecklistItems(release.id),
        store.listApprovals(release.id),
        store.listFreezeOverrides(release.id),
      ]);
      const tally = policy.tally(release, approvals);
      const approved = release.state !== 'draft' && release.state !== 'ready';
      candidates.push({
        release,
        approvalsRemaining: approved ? 0 : tally.approvalsRemaining,
        databaseAdminApprovalMissing:
          !approved && tally.databaseAdminApprovalMissing,
        expiredItemIds: checklistAt(
          items,
          now,
          settings.checklist.rollbackRehearsalMaxAgeDays,
        )
          .filter(item => item.status === 'expired')
          .map(item => item.id),
        freezeOverrides,
      });
    }
    const freeze = freezeCalendar.activeFreeze(query.environment, now);
    return decideGate({
      entityRef,
      query,
      rule: {
        requiredApprovals: environment.requiredApprovals,
        approvers: environment.approvers,
        databaseAdminGroups: policy.roleMembers(DATABASE_ADMIN_ROLE),
      },
      ...(freeze && { activeFreeze: { name: freeze.name, end: freeze.end } }),
      candidates,
    });
  }

  /**
   * Announces release moves that deployments caused (docs/gates.md), once
   * stored with their audit rows: one auditor event each, a signal to open
   * tabs, and the approvers' notification updated in place. Register with
   * `DeploymentService.addReleaseTransitionListener`.
   */
  readonly onDeploymentTransitions = async (
    transitions: ReleaseTransition[],
  ): Promise<void> => {
    for (const transition of transitions) {
      const event = await this.readiness.auditor.createEvent({
        eventId: 'release-deployment-transition',
        severityLevel: 'medium',
        meta: {
          channel: 'internal',
          releaseId: transition.releaseId,
          entityRef: transition.entityRef,
          environment: transition.environment,
          version: transition.version,
          from: transition.from,
          to: transition.to,
          deploymentId: transition.deploymentId,
        },
      });
      await event.success();
    }
    // One signal per release, with its state as it is now.
    for (const releaseId of new Set(transitions.map(t => t.releaseId))) {
      const first = transitions.find(t => t.releaseId === releaseId)!;
      try {
        await this.events.changed(
          await this.getDetails(releaseId),
          'deployment',
          first.from,
        );
      } catch (error) {
        this.logger?.warn(
          `Could not announce the deployment of release ${releaseId}: ${error}`,
        );
      }
    }
  };

  /** The audit trail of a release, oldest first. */
  async getAuditTrail(id: string): Promise<AuditEvent[]> {
    await this.readiness.getRelease(id);
    return this.readiness.store.listAuditEvents(id);
  }

  /**
   * Changes commit, digest or plan. A new commit or digest resets automatic
   * items; any change invalidates approvals (what was approved changed) and
   * sends the release back to draft; a new plan recomputes the checklist.
   */
  async updateRelease(options: {
    id: string;
    request: UpdateReleaseRequest;
    actor: Actor;
    via?: CallChannel;
  }): Promise<ReleaseDetails> {
    const { id, request, actor } = options;
    if (request.plan) {
      validatePlan(request.plan);
    }
    return this.announced(id, 'update', () =>
      this.readiness.audited('release-update', 'medium', options, () =>
        this.readiness.store.inReleaseTransaction(id, async tx => {
          const before = tx.release;
          if (!['draft', 'ready', 'approved'].includes(before.state)) {
            throw new ConflictError(
              `Release ${id} is ${before.state} and can no longer change`,
            );
          }
          const artifactChanged =
            (request.commitSha !== undefined &&
              request.commitSha !== before.commitSha) ||
            (request.artifactDigest !== undefined &&
              request.artifactDigest !== before.artifactDigest);
          const planChanged =
            request.plan !== undefined &&
            JSON.stringify(request.plan) !== JSON.stringify(before.plan);
          if (!artifactChanged && !planChanged) {
            return this.readiness.detailsIn(tx);
          }
          const after = await tx.updateRelease(request);
          const previousItems = await tx.listChecklistItems();
          let items = previousItems;
          if (artifactChanged) {
            items = items.map(item =>
              item.kind === 'automatic' ? resetItem(item) : item,
            );
          }
          if (planChanged) {
            items = this.readiness.checklistBuilder.rebuild(after.plan, items);
          }
          const gatesRemoved = planChanged
            ? removedGates(before.plan, after.plan)
            : [];
          let attestationsInvalidated: ChecklistItem[] = [];
          if (gatesRemoved.length > 0) {
            // The attestations about the plan were given for the plan with
            // the gate; they no longer vouch for this one.
            attestationsInvalidated = items.filter(
              item =>
                item.status !== 'pending' &&
                findChecklistDefinition(item.id)?.coversPlan,
            );
            items = items.map(item =>
              attestationsInvalidated.includes(item) ? resetItem(item) : item,
            );
          }
          await tx.replaceChecklist(items);
          await tx.appendAuditEvent({
            actor: actor.ref,
            action: 'release.updated',
            before: releaseSummary(before),
            after: releaseSummary(after),
          });
          if (gatesRemoved.length > 0) {
            const kept = new Set(items.map(item => item.id));
            const dropped = previousItems.filter(item => !kept.has(item.id));
            await tx.appendAuditEvent({
              actor: actor.ref,
              action: 'release.gate-removed',
              before: {
                gates: Object.fromEntries(
                  gatesRemoved.map(gate => [gate, true]),
                ),
                items: [...dropped, ...attestationsInvalidated].map(
                  auditedItem,
                ),
              },
              after: {
                gates: Object.fromEntries(
                  gatesRemoved.map(gate => [gate, false]),
                ),
                removedItems: dropped.map(item => item.id),
                resetItems: attestationsInvalidated.map(item => item.id),
              },
              reason: `plan change removes ${gatesRemoved.join(', ')}`,
            });
          }
          const invalidated = await tx.deleteApprovals();
          if (invalidated.length > 0) {
            await tx.appendAuditEvent({
              actor: actor.ref,
              action: 'approvals.invalidated',
              before: invalidated.map(approval => ({
                approver: approval.approver,
                decision: approval.decision,
                decidedAt: approval.decidedAt,
              })),
              reason: invalidationReason(artifactChanged, gatesRemoved),
            });
          }
          await tx.transitionState(['ready', 'approved'], 'draft');
          await this.readiness.settleState(tx);
          return this.readiness.detailsIn(tx);
        }),
      ),
    );
  }

  /** Records evidence for automatic items; see {@link ChecklistService}. */
  recordEvidence(
    options: Parameters<ChecklistService['recordEvidence']>[0],
  ): Promise<ReleaseDetails> {
    return this.announced(options.id, 'evidence', () =>
      this.checklist.recordEvidence(options),
    );
  }

  /** Evidence from an uploaded report; see src/reports/recordReport.ts. */
  recordReport(
    settings: ReportSettings,
    options: RecordReportOptions,
  ): Promise<ReleaseDetails> {
    return this.announced(options.id, 'evidence', () =>
      recordReport(this.readiness, settings, options),
    );
  }

  /** Attests or waives an item; see {@link ChecklistService}. */
  updateChecklistItem(
    options: Parameters<ChecklistService['updateChecklistItem']>[0],
  ): Promise<ReleaseDetails> {
    return this.announced(
      options.id,
      options.request.status === 'waived' ? 'waive' : 'attest',
      () => this.checklist.updateChecklistItem(options),
    );
  }

  /** Approves or rejects; see {@link ApprovalService}. */
  decide(
    options: Parameters<ApprovalService['decide']>[0],
  ): Promise<ReleaseDetails> {
    const { request } = options;
    // The state before the decision, so the approvers' notification of the
    // release is updated when it becomes approved or rejected.
    return this.announced(
      options.id,
      details => {
        if (request.decision === 'reject') {
          return 'reject';
        }
        return request.overrideFreeze && details.activeFreeze
          ? 'override'
          : 'approve';
      },
      () => this.approvals.decide(options),
    );
  }

  /**
   * The **Notify team** action: sends the release summary to the entity's
   * owner group through Backstage notifications, then passes
   * `team-communication-sent` with the notification as evidence (audited).
   * 409 for a rejected or deployed release, or an entity without owner;
   * 502 when the notifications service fails, 503 when there is none
   * (nothing is recorded then).
   */
  async notifyTeam(options: {
    id: string;
    actor: Actor;
    via?: CallChannel;
  }): Promise<ReleaseDetails> {
    const { id, actor } = options;
    return this.announced(id, 'notify', () =>
      this.readiness.audited(
        'release-notify-team',
        'low',
        options,
        async () => {
          const current = await this.getDetails(id);
          assertNotifiable(current.release);
          const ownerGroup = await this.ownerOf(current.release.entityRef);
          if (!ownerGroup) {
            throw new ConflictError(
              `${current.release.entityRef} names no owner group to notify`,
            );
          }
          // Sent before the transaction: no row lock is held during the call.
          await this.events.notifyTeam(current, ownerGroup);
          return this.readiness.store.inReleaseTransaction(id, async tx => {
            assertNotifiable(tx.release);
            const checklistOpen = OPEN_STATES.includes(tx.release.state);
            const item = (await tx.listChecklistItems()).find(
              i => i.id === TEAM_COMMUNICATION_ITEM_ID,
            );
            let updated: ChecklistItem | undefined;
            if (item && checklistOpen) {
              const { waiverReason: _waiver, ...rest } = item;
              updated = {
                ...rest,
                status: 'passed',
                evidence: {
                  source: 'notification',
                  value: `notified ${ownerGroup}`,
                  recordedBy: actor.ref,
                  recordedAt: this.readiness.now().toISOString(),
                },
              };
              await tx.updateChecklistItem(updated);
            }
            await tx.appendAuditEvent({
              actor: actor.ref,
              action: 'team.notified',
              ...(item && {
                before: { itemId: item.id, status: item.status },
              }),
              after: {
                group: ownerGroup,
                ...(updated && { itemId: updated.id, status: updated.status }),
              },
            });
            if (checklistOpen) {
              await this.readiness.settleState(tx);
            }
            return this.readiness.detailsIn(tx);
          });
        },
      ),
    );
  }
}

/** Why a change invalidated the approvals, for the audit trail. */
function invalidationReason(
  artifactChanged: boolean,
  gatesRemoved: string[],
): string {
  if (artifactChanged) {
    return 'new commit or artifact digest';
  }
  return gatesRemoved.length > 0
    ? `new plan without ${gatesRemoved.join(', ')}`
    : 'new plan';
}

/** The plan's gates that were on before and are off after. */
function removedGates(
  before: ReleasePlan,
  after: ReleasePlan,
): Array<'hasDatabaseMigrations' | 'hasConfigChanges'> {
  return (['hasDatabaseMigrations', 'hasConfigChanges'] as const).filter(
    gate => before[gate] && !after[gate],
  );
}

/** What the audit trail keeps of an item whose status a change discarded. */
function auditedItem(item: ChecklistItem): JsonValue {
  return {
    itemId: item.id,
    status: item.status,
    recordedBy: item.evidence?.recordedBy ?? null,
    recordedAt: item.evidence?.recordedAt ?? null,
    url: item.evidence?.url ?? null,
    waiverReason: item.waiverReason ?? null,
  };
}

function assertNotifiable(release: Release): void {
  if (release.state === 'rejected' || release.state === 'deployed') {
    throw new ConflictError(
      `Release ${release.id} is ${release.state}; there is nothing to tell the team`,
    );
  }
}

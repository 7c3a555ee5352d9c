import { AuthService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ApprovalRequest,
  ReleaseDetails,
} from '@release-coordinator/backstage-plugin-common';
import { ReleaseTransaction } from '../database/ReleaseStore';
import { Actor } from './ApprovalPolicy';
import {
  CommitAuthorResolver,
  unresolvedAuthorsMatching,
} from './commitAuthors';
import { findEntityOwner } from './entityOwner';
import { openItemIds } from './readiness';
import {
  auditChannel,
  CallChannel,
  ReleaseReadiness,
} from './ReleaseReadiness';
import { OPEN_STATES } from './releaseRules';

/**
 * Approve and reject decisions (docs/product.md §4.3): eligibility, separation of
 * duties, open gates, freeze windows and their override, and the move to
 * `approved` exactly once.
 */
export class ApprovalService {
  constructor(
    private readonly readiness: ReleaseReadiness,
    /** Looks up the owner of a release's entity for the `owner` approver rule. */
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly commitAuthors: CommitAuthorResolver,
  ) {}

  /**
   * Records an approve or reject decision. `overrideFreeze` may only be
   * passed once the caller holds the freeze override permission.
   */
  async decide(options: {
    id: string;
    request: ApprovalRequest;
    actor: Actor;
    via?: CallChannel;
  }): Promise<ReleaseDetails> {
    const { id, request, actor } = options;
    const approve = request.decision === 'approve';
    if (request.overrideFreeze && !request.overrideFreeze.reason?.trim()) {
      throw new InputError(
        'overrideFreeze.reason: overriding a freeze needs a written reason',
      );
    }
    // The catalog is asked outside the transaction so no row lock is held
    // during a network call.
    const current = await this.readiness.getRelease(id);
    const ownerRef = await this.ownerOf(current.entityRef);
    // Unresolved commit authors are matched against the approver's e-mail
    // and logins; they are read again in the transaction (they never change
    // after creation, so the identity looked up here stays valid).
    const approverIdentity =
      actor.type === 'user' && (current.unresolvedCommitAuthors ?? []).length
        ? await this.commitAuthors.identityOfUser(actor.ref)
        : undefined;
    return this.readiness.audited(
      approve ? 'release-approve' : 'release-reject',
      'medium',
      options,
      () =>
        this.readiness.store.inReleaseTransaction(id, async tx => {
          const release = tx.release;
          if (release.state === 'rejected') {
            throw new ConflictError(
              `Release ${id} was rejected; a reject is final`,
            );
          }
          if (!OPEN_STATES.includes(release.state)) {
            throw new ConflictError(
              `Release ${id} is ${release.state}; it takes no more decisions`,
            );
          }
          const eligibility = this.readiness.policy.eligibility(
            release,
            actor,
            ownerRef,
            unresolvedAuthorsMatching(
              release.unresolvedCommitAuthors ?? [],
              approverIdentity,
            ),
          );
          if (!eligibility.eligible) {
            throw new NotAllowedError(eligibility.reason);
          }
          const earlier = (await tx.listApprovals()).find(
            a => a.approver === actor.ref,
          );
          if (earlier) {
            throw new ConflictError(
              `${actor.ref} already decided (${earlier.decision}) on release ${id}; a person counts once`,
            );
          }
          if (approve) {
            const open = openItemIds(
              this.readiness.checklistNow(await tx.listChecklistItems()),
            );
            if (open.length > 0) {
              throw new ConflictError(
                `Release ${id} has open checklist items: ${open.join(', ')}`,
              );
            }
            await this.checkFreeze(tx, options);
          }
          await tx.insertApproval({
            approver: actor.ref,
            decision: request.decision,
            comment: request.comment,
            databaseAdmin: eligibility.databaseAdmin,
          });
          await tx.appendAuditEvent({
            actor: actor.ref,
            action: approve ? 'release.approval' : 'release.rejected',
            after: { decision: request.decision },
            ...(request.comment && { reason: request.comment }),
          });
          if (!approve) {
            await tx.transitionState(OPEN_STATES, 'rejected');
          } else if (
            this.readiness.policy.tally(release, await tx.listApprovals())
              .satisfied &&
            (await tx.transitionState(OPEN_STATES, 'approved'))
          ) {
            await tx.appendAuditEvent({
              actor: actor.ref,
              action: 'release.approved',
              before: { state: release.state },
              after: { state: 'approved' },
            });
          }
          return this.readiness.detailsIn(tx);
        }),
    );
  }

  private async checkFreeze(
    tx: ReleaseTransaction,
    options: {
      request: ApprovalRequest;
      actor: Actor;
      via?: CallChannel;
    },
  ): Promise<void> {
    const { request, actor, via } = options;
    const freeze = this.readiness.freezeCalendar.activeFreeze(
      tx.release.environment,
      this.readiness.now(),
    );
    if (!freeze) {
      return;
    }
    if (!request.overrideFreeze) {
      throw new ConflictError(
        `${tx.release.environment} is frozen by '${freeze.name}' until ${freeze.end}; approving needs a freeze override with a reason`,
      );
    }
    const reason = request.overrideFreeze.reason.trim();
    await tx.insertFreezeOverride({
      actor: actor.ref,
      reason,
      windowName: freeze.name,
    });
    await tx.appendAuditEvent({
      actor: actor.ref,
      action: 'freeze.overridden',
      after: { window: freeze.name, start: freeze.start, end: freeze.end },
      reason,
    });
    const channel = auditChannel(via);
    const event = await this.readiness.auditor.createEvent({
      eventId: 'freeze-override',
      severityLevel: 'high',
      request: channel.request,
      meta: {
        ...channel.meta,
        releaseId: tx.release.id,
        entityRef: tx.release.entityRef,
        window: freeze.name,
        reason,
        actor: actor.ref,
      },
    });
    await event.success();
  }

  private ownerOf(entityRef: string): Promise<string | undefined> {
    return findEntityOwner(this.catalog, this.auth, entityRef);
  }
}

import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  ChecklistItem,
  ChecklistItemUpdateRequest,
  EvidenceRequest,
  ReleaseDetails,
} from '@release-coordinator/backstage-plugin-common';
import { Actor } from './ApprovalPolicy';
import { findChecklistDefinition } from './ChecklistBuilder';
import { CallChannel, ReleaseReadiness } from './ReleaseReadiness';
import {
  assertChecklistOpen,
  assertSameArtifact,
  withoutWaiver,
} from './releaseRules';

/**
 * The checklist of a release (docs/product.md §4.2): evidence for automatic items,
 * attestations of manual items by role, and waivers with a reason.
 */
export class ChecklistService {
  constructor(private readonly readiness: ReleaseReadiness) {}

  /** Records evidence for automatic items, bound to the release's commit. */
  async recordEvidence(options: {
    id: string;
    request: EvidenceRequest;
    actor: Actor;
    via?: CallChannel;
  }): Promise<ReleaseDetails> {
    const { id, request, actor } = options;
    return this.readiness.audited('checklist-evidence', 'low', options, () =>
      this.readiness.store.inReleaseTransaction(id, async tx => {
        const release = tx.release;
        assertChecklistOpen(release);
        const items = await tx.listChecklistItems();
        for (const [index, evidence] of request.items.entries()) {
          const field = `items[${index}]`;
          const item = items.find(i => i.id === evidence.itemId);
          if (!item) {
            throw new InputError(
              `${field}.itemId: '${evidence.itemId}' is not on the checklist of release ${id}`,
            );
          }
          if (!findChecklistDefinition(item.id)?.acceptsEvidence) {
            throw new InputError(
              `${field}.itemId: '${item.id}' is attested by a person, not set by evidence`,
            );
          }
          assertSameArtifact('commit', evidence.commitSha, release.commitSha);
          assertSameArtifact(
            'artifact digest',
            evidence.artifactDigest,
            release.artifactDigest,
          );
          const value =
            evidence.value === undefined ? undefined : String(evidence.value);
          const status =
            item.id === 'code-coverage'
              ? this.coverageStatus(value, `${field}.value`)
              : evidence.status;
          const updated: ChecklistItem = {
            ...withoutWaiver(item),
            status,
            evidence: {
              ...(evidence.url && { url: evidence.url }),
              ...(value !== undefined && { value }),
              source: evidence.source,
              recordedBy: actor.ref,
              recordedAt: this.readiness.now().toISOString(),
            },
          };
          await tx.updateChecklistItem(updated);
          await tx.appendAuditEvent({
            actor: actor.ref,
            action: 'checklist.evidence',
            before: { itemId: item.id, status: item.status },
            after: {
              itemId: item.id,
              status,
              source: evidence.source,
              ...(value !== undefined && { value }),
            },
          });
        }
        await this.readiness.settleState(tx);
        return this.readiness.detailsIn(tx);
      }),
    );
  }

  /**
   * Attests (`passed`/`failed`) a manual item, or waives (`waived`) any open
   * item with a reason. The router has checked the attest or waive permission.
   */
  async updateChecklistItem(options: {
    id: string;
    itemId: string;
    request: ChecklistItemUpdateRequest;
    actor: Actor;
    via?: CallChannel;
  }): Promise<ReleaseDetails> {
    const { id, itemId, request, actor } = options;
    const waive = request.status === 'waived';
    if (waive && !request.comment?.trim()) {
      throw new InputError('comment: waiving an item needs a written reason');
    }
    if (!waive && !request.evidenceUrl && !request.comment?.trim()) {
      throw new InputError(
        'evidenceUrl: an attestation needs an evidence URL or a comment',
      );
    }
    return this.readiness.audited(
      waive ? 'checklist-waive' : 'checklist-attest',
      waive ? 'high' : 'medium',
      options,
      () =>
        this.readiness.store.inReleaseTransaction(id, async tx => {
          assertChecklistOpen(tx.release);
          const stored = (await tx.listChecklistItems()).find(
            i => i.id === itemId,
          );
          if (!stored) {
            throw new NotFoundError(
              `No checklist item ${itemId} on release ${id}`,
            );
          }
          const [item] = this.readiness.checklistNow([stored]);
          const recorded = {
            recordedBy: actor.ref,
            recordedAt: this.readiness.now().toISOString(),
          };
          let updated: ChecklistItem;
          if (waive) {
            if (item.status === 'passed') {
              throw new ConflictError(
                `Checklist item ${itemId} has passed; there is nothing to waive`,
              );
            }
            updated = {
              ...item,
              status: 'waived',
              evidence: { ...item.evidence, ...recorded },
              waiverReason: request.comment!.trim(),
            };
          } else {
            this.assertMayAttest(item, actor);
            updated = {
              ...withoutWaiver(item),
              status: request.status,
              evidence: {
                ...(request.evidenceUrl && { url: request.evidenceUrl }),
                ...(request.comment && { value: request.comment }),
                source: 'user',
                ...recorded,
              },
            };
          }
          await tx.updateChecklistItem(updated);
          await tx.appendAuditEvent({
            actor: actor.ref,
            action: waive ? 'checklist.waived' : 'checklist.attested',
            before: { itemId, status: item.status },
            after: {
              itemId,
              status: updated.status,
              ...(request.evidenceUrl && { evidenceUrl: request.evidenceUrl }),
            },
            ...(request.comment && { reason: request.comment }),
          });
          await this.readiness.settleState(tx);
          return this.readiness.detailsIn(tx);
        }),
    );
  }

  private assertMayAttest(item: ChecklistItem, actor: Actor): void {
    if (!findChecklistDefinition(item.id)?.acceptsAttestation) {
      throw new InputError(
        `itemId: '${item.id}' is set by evidence (POST /releases/:id/evidence), not attested`,
      );
    }
    if (!item.requiredRole) {
      return;
    }
    const groups = this.readiness.policy.roleMembers(item.requiredRole);
    if (groups.length === 0) {
      throw new NotAllowedError(
        `Attesting ${item.id} needs the role ${item.requiredRole}, and no group holds it (releaseCoordinator.roles.${item.requiredRole})`,
      );
    }
    if (!this.readiness.policy.holdsRole(actor, item.requiredRole)) {
      throw new NotAllowedError(
        `Attesting ${item.id} needs the role ${
          item.requiredRole
        } (members of ${groups.join(', ')}); ${actor.ref} does not hold it`,
      );
    }
  }

  private coverageStatus(value: string | undefined, field: string) {
    const match = value?.trim().match(/^(\d+(?:\.\d+)?)\s*%?$/);
    if (!match) {
      throw new InputError(
        `${field}: code-coverage needs the coverage in percent, e.g. "84.5"`,
      );
    }
    return Number(match[1]) >=
      this.readiness.settings.checklist.coverageThreshold
      ? ('passed' as const)
      : ('failed' as const);
  }
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  isError,
  NotFoundError,
} from '@backstage/errors';
import { EvidenceRequest } from '@release-coordinator/backstage-plugin-common';
import { WebhookEvidenceInput } from '@release-coordinator/backstage-plugin-node';
import { ReleaseStore } from '../database/ReleaseStore';
import { toStoredEntityRef } from '../service/entityRefs';
import { parseInput } from '../service/validation';
import { Actor } from './ApprovalPolicy';
import { ReleaseService } from './ReleaseService';
import { OPEN_STATES } from './releaseRules';
import { evidenceSchema } from './validation';

/**
 * How many of an entity's newest releases are searched for the evidence's
 * commit. There is no index on `commit_sha`; the entity's releases are read
 * through the `entity_ref` index, newest first.
 */
export const RECENT_RELEASES_SEARCHED = 200;

/** What became of one evidence item for one release. */
export interface WebhookEvidenceOutcome {
  releaseId: string;
  itemId: string;
  outcome: 'recorded' | 'skipped';
  /** Why the release rejected the item. */
  reason?: string;
}

/**
 * Routes checklist evidence found in webhook deliveries (e.g. GitHub check
 * runs) to the releases it is for: the entity's releases at the evidence's
 * commit whose checklist is still open (draft/ready). Each item is recorded
 * exactly like `POST /releases/:id/evidence` (same validation, coverage
 * threshold, audit rows, signals, state recomputation), by the actor
 * `webhook:<source>`.
 */
export class WebhookEvidenceRecorder {
  private readonly releases: ReleaseService;
  private readonly store: ReleaseStore;
  private readonly logger: LoggerService;

  constructor(options: {
    releases: ReleaseService;
    store: ReleaseStore;
    logger: LoggerService;
  }) {
    this.releases = options.releases;
    this.store = options.store;
    this.logger = options.logger;
  }

  /**
   * The webhook evidence sink: groups the items by entity and commit and
   * records each group with {@link WebhookEvidenceRecorder.recordCommitEvidence}.
   */
  async recordWebhookEvidence(
    items: WebhookEvidenceInput[],
  ): Promise<WebhookEvidenceOutcome[]> {
    const groups = new Map<
      string,
      { entityRef: string; commitSha: string; items: WebhookEvidenceInput[] }
    >();
    for (const item of items) {
      const key = JSON.stringify([item.entityRef, item.commitSha]);
      const group = groups.get(key) ?? {
        entityRef: item.entityRef,
        commitSha: item.commitSha,
        items: [],
      };
      group.items.push(item);
      groups.set(key, group);
    }
    const outcomes: WebhookEvidenceOutcome[] = [];
    for (const group of groups.values()) {
      outcomes.push(...(await this.recordCommitEvidence(group)));
    }
    return outcomes;
  }

  /**
   * Records evidence produced for `commitSha` on the open releases of
   * `entityRef` at that commit. Evidence for a commit no open release has is
   * not stored. An item a release rejects (unknown or manual item, bad
   * value) is skipped with a warning; the others are still recorded. Store
   * failures are thrown, so the webhook delivery is retried.
   */
  async recordCommitEvidence(options: {
    entityRef: string;
    commitSha: string;
    items: WebhookEvidenceInput[];
  }): Promise<WebhookEvidenceOutcome[]> {
    const { commitSha, items } = options;
    let entityRef: string;
    try {
      entityRef = toStoredEntityRef(parseEntityRef(options.entityRef));
    } catch {
      this.logger.warn(
        `Skipped ${items.length} webhook evidence item(s): '${options.entityRef}' is not an entity ref`,
      );
      return [];
    }
    const releases = (
      await this.store.listReleases({
        entityRef,
        limit: RECENT_RELEASES_SEARCHED,
      })
    ).filter(
      release =>
        release.commitSha === commitSha && OPEN_STATES.includes(release.state),
    );
    if (releases.length === 0) {
      this.logger.debug(
        `No open release of ${entityRef} at commit ${commitSha}; ${items.length} webhook evidence item(s) not stored`,
      );
      return [];
    }
    const outcomes: WebhookEvidenceOutcome[] = [];
    for (const release of releases) {
      for (const item of items) {
        outcomes.push(await this.recordItem(release.id, item));
      }
    }
    return outcomes;
  }

  private async recordItem(
    releaseId: string,
    item: WebhookEvidenceInput,
  ): Promise<WebhookEvidenceOutcome> {
    const actor: Actor = {
      type: 'service',
      ref: `webhook:${item.source}`,
      ownershipRefs: [],
    };
    try {
      const request: EvidenceRequest = parseInput(
        evidenceSchema,
        {
          items: [
            {
              itemId: item.itemId,
              status: item.status,
              ...(item.value !== undefined && { value: item.value }),
              ...(item.url !== undefined && { url: item.url }),
              source: item.source,
              commitSha: item.commitSha,
            },
          ],
        },
        'body',
      );
      await this.releases.recordEvidence({ id: releaseId, request, actor });
      return { releaseId, itemId: item.itemId, outcome: 'recorded' };
    } catch (error) {
      // The release rejected the item, or moved on (no longer open, new
      // commit) since it was found: skip it and record the others.
      if (
        isError(error) &&
        (error.name === InputError.name ||
          error.name === ConflictError.name ||
          error.name === NotFoundError.name)
      ) {
        this.logger.warn(
          `Skipped webhook evidence ${item.itemId} from ${item.source} for release ${releaseId}: ${error.message}`,
        );
        return {
          releaseId,
          itemId: item.itemId,
          outcome: 'skipped',
          reason: error.message,
        };
      }
      throw error;
    }
  }
}

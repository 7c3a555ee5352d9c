import {
  ChecklistItem,
  PIPELINE_STAGES,
  Release,
  ReleaseStage,
} from '@release-coordinator/backstage-plugin-common';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The item whose attestation expires (docs/product.md §4.2). */
export const EXPIRING_ITEM_ID = 'rollback-procedure-tested';

/**
 * The checklist as it stands at `now`: a passed `rollback-procedure-tested`
 * whose attestation is older than `maxAgeDays` reads as `expired`. Computed
 * on read so no job has to flip it.
 */
export function checklistAt(
  items: ChecklistItem[],
  now: Date,
  maxAgeDays: number,
): ChecklistItem[] {
  return items.map(item => {
    const recordedAt = item.evidence?.recordedAt;
    if (
      item.id === EXPIRING_ITEM_ID &&
      item.status === 'passed' &&
      recordedAt &&
      now.getTime() - new Date(recordedAt).getTime() > maxAgeDays * DAY_MS
    ) {
      return { ...item, status: 'expired' };
    }
    return item;
  });
}

/** Ids of the items that are neither passed nor waived. */
export function openItemIds(items: ChecklistItem[]): string[] {
  return items
    .filter(item => item.status !== 'passed' && item.status !== 'waived')
    .map(item => item.id);
}

/**
 * The pipeline stages with their status: `failed` when an item of the stage
 * failed, `passed` when all of them are passed or waived, else `pending`.
 * The commit stage has no items; it passes once the commit or artifact is known.
 */
export function pipelineStages(
  release: Release,
  items: ChecklistItem[],
): ReleaseStage[] {
  return PIPELINE_STAGES.map(stage => {
    const stageItems = items.filter(item => item.stage === stage);
    const itemIds = stageItems.map(item => item.id);
    if (stageItems.length === 0) {
      const known =
        stage !== 'commit' ||
        Boolean(release.commitSha ?? release.artifactDigest);
      return { stage, status: known ? 'passed' : 'pending', itemIds };
    }
    if (stageItems.some(item => item.status === 'failed')) {
      return { stage, status: 'failed', itemIds };
    }
    return {
      stage,
      status: openItemIds(stageItems).length === 0 ? 'passed' : 'pending',
      itemIds,
    };
  });
}

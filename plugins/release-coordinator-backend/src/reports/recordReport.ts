import { ConflictError, InputError } from '@backstage/errors';
import {
  ChecklistItem,
  ReleaseDetails,
} from '@release-coordinator/backstage-plugin-common';
import { Actor } from '../releases/ApprovalPolicy';
import { findChecklistDefinition } from '../releases/ChecklistBuilder';
import { CallChannel, ReleaseReadiness } from '../releases/ReleaseReadiness';
import {
  assertChecklistOpen,
  assertSameArtifact,
  withoutWaiver,
} from '../releases/releaseRules';
import { ReportSettings } from './config';
import { assertSameImage, decide, itemForReport } from './evaluate';
import { ParsedReport } from './parseReport';

/**
 * A commit named inside a report (full SHA) against the release's (full or
 * abbreviated): the same when one is a prefix of the other.
 */
function assertSameCommit(reported: string, releaseCommit: string | undefined) {
  const a = reported.toLowerCase();
  const b = releaseCommit?.toLowerCase();
  if (!b || !(a.startsWith(b) || b.startsWith(a))) {
    throw new ConflictError(
      `The report is for commit ${reported}, but the release is at commit ${
        releaseCommit ?? '(none)'
      }`,
    );
  }
}

/** A parsed report for one release (`POST /releases/:id/reports`). */
export interface RecordReportOptions {
  id: string;
  parsed: ParsedReport;
  /** `?item=`: the item to decide; else the default for the report. */
  itemId?: string;
  /** `?commitSha=`: the commit the report was made for. */
  commitSha?: string;
  /** `?artifactDigest=`: the image an image scan was made for. */
  artifactDigest?: string;
  /** `?url=`: where the full report can be read (e.g. the CI run). */
  url?: string;
  /** `?source=`: who produced the report; default the format. */
  source?: string;
  actor: Actor;
  via?: CallChannel;
}

/**
 * Turns a parsed report into evidence for its item, in one release
 * transaction: the item's previous report (earlier test kinds) is read and
 * the new evidence written together, or nothing is (docs/evidence.md).
 */
export function recordReport(
  readiness: ReleaseReadiness,
  settings: ReportSettings,
  options: RecordReportOptions,
): Promise<ReleaseDetails> {
  const { id, parsed, actor } = options;
  return readiness.audited('checklist-report', 'low', options, () =>
    readiness.store.inReleaseTransaction(id, async tx => {
      const release = tx.release;
      assertChecklistOpen(release);
      const itemId = itemForReport(parsed, options.itemId, settings);
      const item = (await tx.listChecklistItems()).find(i => i.id === itemId);
      if (!item || !findChecklistDefinition(item.id)?.acceptsEvidence) {
        throw new InputError(
          `item: '${itemId}' is not an automatic item on the checklist of release ${id}`,
        );
      }
      assertSameArtifact('commit', options.commitSha, release.commitSha);
      if (parsed.type === 'findings') {
        for (const commit of parsed.findings.commits ?? []) {
          assertSameCommit(commit, release.commitSha);
        }
      }
      let artifactDigest: string | undefined;
      if (itemId === 'image-scanned' && parsed.type === 'findings') {
        artifactDigest = assertSameImage(
          parsed.findings,
          options.artifactDigest,
          release.artifactDigest,
        );
      } else {
        assertSameArtifact(
          'artifact digest',
          options.artifactDigest,
          release.artifactDigest,
        );
      }
      const decision = decide({
        parsed,
        itemId,
        settings,
        coverageThreshold: readiness.settings.checklist.coverageThreshold,
        previous: item.evidence?.report,
        artifactDigest,
      });
      const source = options.source ?? parsed.format;
      const updated: ChecklistItem = {
        ...withoutWaiver(item),
        status: decision.status,
        evidence: {
          ...(options.url && { url: options.url }),
          value: decision.value,
          report: decision.report,
          source,
          recordedBy: actor.ref,
          recordedAt: readiness.now().toISOString(),
        },
      };
      await tx.updateChecklistItem(updated);
      await tx.appendAuditEvent({
        actor: actor.ref,
        action: 'checklist.evidence',
        before: { itemId: item.id, status: item.status },
        after: {
          itemId: item.id,
          status: decision.status,
          source,
          value: decision.value,
          format: parsed.format,
        },
      });
      await readiness.settleState(tx);
      return readiness.detailsIn(tx);
    }),
  );
}

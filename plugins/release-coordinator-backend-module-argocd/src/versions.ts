import { Entity } from '@backstage/catalog-model';
import { ArgoCdApplication } from './types';

/** The revisions of a history entry or sync (several for multi-source apps). */
export function revisionsOf(item: {
  revision?: string;
  revisions?: string[];
}): string[] {
  if (item.revisions && item.revisions.length > 0) {
    return item.revisions;
  }
  return item.revision ? [item.revision] : [];
}

/** Whether a revision is a git commit sha (not a branch, tag or chart version). */
export const isCommitSha = (revision: string) =>
  /^[0-9a-f]{40}$/i.test(revision);

/** Short form of a revision: 7 characters of a commit sha, a chart version as is. */
export function shortRevision(revision: string): string {
  return isCommitSha(revision) ? revision.slice(0, 7) : revision;
}

/** The tag of an image reference (`registry:5000/team/app:1.2.3@sha256:…` → `1.2.3`). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/')
    ? withoutDigest.slice(colon + 1) || undefined
    : undefined;
}

function imageName(image: string): string {
  const withoutTag = image.split('@')[0].replace(/:[^/:]*$/, '');
  return withoutTag.slice(withoutTag.lastIndexOf('/') + 1);
}

/**
 * The image tag that names the running version, from `status.summary.images`
 * (which describes what runs now, so only the live deployment gets it): the
 * image named like the application or the entity, else the only image.
 */
export function liveImageTag(
  app: ArgoCdApplication,
  entity: Entity,
): string | undefined {
  const images = app.status?.summary?.images ?? [];
  const names = new Set([app.metadata.name, entity.metadata.name]);
  const image =
    images.find(candidate => names.has(imageName(candidate))) ??
    (images.length === 1 ? images[0] : undefined);
  return image ? imageTag(image) : undefined;
}

/** The version of a sync: its short revisions, `+`-joined. */
export function versionOf(revisions: string[]): string {
  // The backend stores at most 255 characters (long branch names).
  return revisions.length > 0
    ? revisions.map(shortRevision).join('+').slice(0, 255)
    : 'unknown';
}

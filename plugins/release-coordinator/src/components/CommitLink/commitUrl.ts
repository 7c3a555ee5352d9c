import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_GITHUB_PROJECT_SLUG,
  ANNOTATION_GITLAB_PROJECT_SLUG,
} from '@release-coordinator/backstage-plugin-common';

/** The first 7 characters of a commit sha, as git shows it. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/**
 * The web page of a commit in the entity's repository, when the entity names
 * its project on github.com or gitlab.com.
 */
export function commitUrl(entity: Entity, sha: string): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const githubSlug = annotations[ANNOTATION_GITHUB_PROJECT_SLUG];
  if (githubSlug) {
    return `https://github.com/${githubSlug}/commit/${encodeURIComponent(sha)}`;
  }
  const gitlabSlug = annotations[ANNOTATION_GITLAB_PROJECT_SLUG];
  if (gitlabSlug) {
    return `https://gitlab.com/${gitlabSlug}/-/commit/${encodeURIComponent(
      sha,
    )}`;
  }
  return undefined;
}

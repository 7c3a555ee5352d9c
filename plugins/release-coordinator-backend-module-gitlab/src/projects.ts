import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_GITLAB_PROJECT_ID,
  ANNOTATION_GITLAB_PROJECT_SLUG,
} from '@release-coordinator/backstage-plugin-common';

/**
 * The `:id` path parameter of the entity's GitLab project: the URL-encoded
 * `group/project` path of `gitlab.com/project-slug`, or the numeric
 * `gitlab.com/project-id`. Undefined when the entity names no project.
 */
export function gitlabProjectIdOf(entity: Entity): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const slug = annotations[ANNOTATION_GITLAB_PROJECT_SLUG]?.trim().replace(
    /^\/+|\/+$/g,
    '',
  );
  if (slug) {
    return encodeURIComponent(slug);
  }
  const id = annotations[ANNOTATION_GITLAB_PROJECT_ID]?.trim();
  if (id && /^\d+$/.test(id)) {
    return id;
  }
  return undefined;
}

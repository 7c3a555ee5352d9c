import { parseEntityRef } from '@backstage/catalog-model';

/**
 * The `/entities/:kind/:namespace/:name` part of the backend's entity routes,
 * each part URL-encoded; the namespace defaults to `default`.
 */
export function entityApiPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return ['entities', kind, namespace, name]
    .map(part => `/${encodeURIComponent(part)}`)
    .join('');
}

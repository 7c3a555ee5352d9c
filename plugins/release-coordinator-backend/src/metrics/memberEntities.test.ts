import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { isRollUpEntity, resolveMetricsMembers } from './memberEntities';

function group(name: string, namespace: string, children: string[]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace },
    spec: { type: 'team', children },
  };
}

function owned(kind: string, name: string, ownerRef: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default' },
    spec: { owner: ownerRef },
    relations: [{ type: 'ownedBy', targetRef: ownerRef }],
  };
}

describe('resolveMetricsMembers', () => {
  // a → b (same namespace by default) → c (explicit ref) → a (a cycle).
  const entities = [
    group('a', 'ops', ['b']),
    group('b', 'ops', ['group:default/c']),
    group('c', 'default', ['group:ops/a']),
    owned('Component', 'svc-a', 'group:ops/a'),
    owned('Resource', 'db-c', 'group:default/c'),
    owned('API', 'api-b', 'group:ops/b'),
    owned('Component', 'elsewhere', 'group:default/other'),
  ];
  const catalog = catalogServiceMock({ entities });
  const credentials = mockCredentials.user();

  it('walks spec.children through namespaces and cycles, keeping Components and Resources', async () => {
    const members = await resolveMetricsMembers({
      entity: entities[0],
      catalog,
      credentials,
    });
    expect(members.map(m => m.entityRef)).toEqual([
      'component:default/svc-a',
      'resource:default/db-c',
    ]);
  });

  it('a Component is its own only member', async () => {
    const members = await resolveMetricsMembers({
      entity: entities[3],
      catalog,
      credentials,
    });
    expect(members).toEqual([{ entityRef: 'component:default/svc-a' }]);
    expect(isRollUpEntity(entities[3])).toBe(false);
    expect(isRollUpEntity(entities[0])).toBe(true);
  });
});

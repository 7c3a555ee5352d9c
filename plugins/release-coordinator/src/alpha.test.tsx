import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import plugin, {
  entityDeliveryOverviewContent,
  entityReleaseReadinessContent,
  entityReleaseStatusCard,
} from './alpha';
import {
  annotatedComponent,
  group,
  plainComponent,
} from './__testUtils__/fixtures';

describe('release-coordinator /alpha', () => {
  it('default-exports the new-frontend-system plugin', () => {
    expect(plugin.$$type).toBe('@backstage/FrontendPlugin');
    expect(plugin.pluginId).toBe('release-coordinator');
  });

  it.each([
    'api:release-coordinator',
    'entity-content:release-coordinator/release-readiness',
    'entity-content:release-coordinator/deployments',
    'entity-content:release-coordinator/delivery-metrics',
    'entity-content:release-coordinator/delivery-overview',
    'entity-card:release-coordinator/release-status',
  ] as const)('provides the %s extension', id => {
    expect(plugin.getExtension(id)).toBeDefined();
  });

  it('shows the entity tabs only for annotated entities', () => {
    const tester = createExtensionTester(entityReleaseReadinessContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Release readiness',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(annotatedComponent)).toBe(true);
    expect(filter?.(plainComponent)).toBe(false);
  });

  it('shows the overview on groups and systems only', () => {
    const tester = createExtensionTester(entityDeliveryOverviewContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(group)).toBe(true);
    expect(filter?.(annotatedComponent)).toBe(false);
  });

  it('shows the Release status card on annotated entities only', () => {
    const tester = createExtensionTester(entityReleaseStatusCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(annotatedComponent)).toBe(true);
    expect(filter?.(plainComponent)).toBe(false);
    expect(filter?.(group)).toBe(false);
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('info');
  });
});

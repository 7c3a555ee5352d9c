import { ReleasePlan } from '@release-coordinator/backstage-plugin-common';
import { ChecklistBuilder } from './ChecklistBuilder';

const base: ReleasePlan = {
  strategy: 'canary',
  zeroDowntime: false,
  hasDatabaseMigrations: false,
  hasConfigChanges: false,
};

const ALWAYS = [
  'tests-passing',
  'code-coverage',
  'security-scan',
  'secrets-not-exposed',
  'image-scanned',
  'deployment-plan-documented',
  'rollback-procedure-tested',
  'monitoring-alerts-configured',
  'team-communication-sent',
];

describe('ChecklistBuilder', () => {
  it.each([
    ['no migrations, no config changes', {}, ALWAYS],
    [
      'database migrations',
      { hasDatabaseMigrations: true },
      [
        ...ALWAYS.slice(0, 5),
        'db-migration-tested',
        'migration-rollback-plan',
        ...ALWAYS.slice(5),
      ],
    ],
    [
      'config changes',
      { hasConfigChanges: true },
      [...ALWAYS.slice(0, 5), 'config-rollout-plan', ...ALWAYS.slice(5)],
    ],
    [
      'both',
      { hasDatabaseMigrations: true, hasConfigChanges: true },
      [
        ...ALWAYS.slice(0, 5),
        'db-migration-tested',
        'migration-rollback-plan',
        'config-rollout-plan',
        ...ALWAYS.slice(5),
      ],
    ],
  ])('builds the items for a plan with %s', (_name, plan, ids) => {
    const items = new ChecklistBuilder().build({ ...base, ...plan });
    expect(items.map(i => i.id)).toEqual(ids);
    expect(items.every(i => i.status === 'pending')).toBe(true);
  });

  it.each([
    ['tests-passing', 'tests', 'automatic', undefined],
    ['code-coverage', 'tests', 'automatic', undefined],
    ['security-scan', 'build', 'automatic', undefined],
    ['secrets-not-exposed', 'build', 'automatic', undefined],
    ['image-scanned', 'build', 'automatic', undefined],
    ['db-migration-tested', 'staging', 'manual', 'database-admin'],
    ['migration-rollback-plan', 'staging', 'manual', undefined],
    ['config-rollout-plan', 'staging', 'manual', undefined],
    ['deployment-plan-documented', 'staging', 'manual', undefined],
    ['rollback-procedure-tested', 'staging', 'manual', undefined],
    ['monitoring-alerts-configured', 'staging', 'manual', undefined],
    ['team-communication-sent', 'production', 'automatic', undefined],
  ])('%s is in stage %s, %s, role %s', (id, stage, kind, role) => {
    const item = new ChecklistBuilder()
      .build({ ...base, hasDatabaseMigrations: true, hasConfigChanges: true })
      .find(i => i.id === id);
    expect(item).toMatchObject({ stage, kind });
    expect(item?.requiredRole).toBe(role);
  });

  it('uses configured titles', () => {
    const items = new ChecklistBuilder({
      'tests-passing': 'CI is green',
    }).build(base);
    expect(items[0].title).toBe('CI is green');
    expect(items[1].title).toBe('Code coverage meets the threshold');
  });

  it('keeps the status of items that still apply when the plan changes', () => {
    const builder = new ChecklistBuilder();
    const previous = builder
      .build({ ...base, hasConfigChanges: true })
      .map(item =>
        item.id === 'config-rollout-plan' || item.id === 'tests-passing'
          ? {
              ...item,
              status: 'passed' as const,
              evidence: { url: 'https://ci/1' },
            }
          : item,
      );
    const rebuilt = builder.rebuild(
      { ...base, hasDatabaseMigrations: true },
      previous,
    );
    expect(rebuilt.find(i => i.id === 'tests-passing')).toMatchObject({
      status: 'passed',
      evidence: { url: 'https://ci/1' },
    });
    expect(rebuilt.find(i => i.id === 'config-rollout-plan')).toBeUndefined();
    expect(rebuilt.find(i => i.id === 'db-migration-tested')?.status).toBe(
      'pending',
    );
  });
});

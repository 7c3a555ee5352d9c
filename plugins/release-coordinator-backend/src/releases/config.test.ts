import { ConfigReader } from '@backstage/config';
import { readReleaseReadinessSettings } from './config';
import { testConfig } from './__testUtils__/fixtures';

function read(releaseCoordinator: object) {
  return readReleaseReadinessSettings(new ConfigReader({ releaseCoordinator }));
}

describe('readReleaseReadinessSettings', () => {
  it('defaults to staging without and production with one approval', () => {
    expect(readReleaseReadinessSettings(new ConfigReader({}))).toEqual({
      environments: [
        {
          name: 'staging',
          requiredApprovals: 0,
          approvers: ['owner'],
          watchWindow: { minutes: 60 },
        },
        {
          name: 'production',
          requiredApprovals: 1,
          approvers: ['owner'],
          watchWindow: { minutes: 60 },
        },
      ],
      roles: {},
      checklist: {
        coverageThreshold: 80,
        rollbackRehearsalMaxAgeDays: 30,
        titles: {},
      },
      freezeWindows: [],
    });
  });

  it('reads the example configuration, normalizing refs', () => {
    const settings = read({
      ...testConfig.releaseCoordinator,
      environments: [
        { name: 'staging' },
        {
          name: 'production',
          requiredApprovals: 2,
          approvers: ['owner', 'Group:default/SRE', 'platform'],
          watchWindow: { minutes: 30 },
        },
      ],
      checklist: {
        coverageThreshold: 75,
        titles: { 'tests-passing': 'Green CI' },
      },
    });
    expect(settings.environments[1]).toEqual({
      name: 'production',
      requiredApprovals: 2,
      approvers: ['owner', 'group:default/sre', 'group:default/platform'],
      watchWindow: { minutes: 30 },
    });
    expect(settings.roles).toEqual({ 'database-admin': ['group:default/dba'] });
    expect(settings.checklist).toEqual({
      coverageThreshold: 75,
      rollbackRehearsalMaxAgeDays: 30,
      titles: { 'tests-passing': 'Green CI' },
    });
    expect(settings.freezeWindows).toEqual([
      {
        name: 'year-end',
        environments: ['production'],
        kind: 'one-off',
        start: new Date('2026-12-20T00:00:00Z'),
        end: new Date('2027-01-04T00:00:00Z'),
      },
      {
        name: 'weekends',
        environments: ['production'],
        kind: 'recurring',
        cron: '0 0 * * SAT',
        durationMs: 48 * 3600 * 1000,
      },
    ]);
  });

  it.each([
    [
      { environments: [{ name: 'production', requiredApprovals: -1 }] },
      'releaseCoordinator.environments[0].requiredApprovals',
    ],
    [
      { environments: [{ name: 'production', requiredApprovals: 1.5 }] },
      'releaseCoordinator.environments[0].requiredApprovals',
    ],
    [
      { environments: [{ name: 'prod' }, { name: 'prod' }] },
      'releaseCoordinator.environments[1].name',
    ],
    [
      { environments: [{ name: 'production', approvers: ['group:'] }] },
      'releaseCoordinator.environments[0].approvers[0]',
    ],
    [
      { checklist: { coverageThreshold: 120 } },
      'releaseCoordinator.checklist.coverageThreshold',
    ],
    [
      { checklist: { rollbackRehearsalMaxAgeDays: -3 } },
      'releaseCoordinator.checklist.rollbackRehearsalMaxAgeDays',
    ],
    [
      { checklist: { titles: { 'no-such-item': 'x' } } },
      'releaseCoordinator.checklist.titles.no-such-item',
    ],
    [
      {
        freezeWindows: [
          {
            name: 'x',
            environments: ['qa'],
            start: '2026-01-01T00:00:00Z',
            end: '2026-01-02T00:00:00Z',
          },
        ],
      },
      'releaseCoordinator.freezeWindows[0].environments[0]',
    ],
    [
      {
        freezeWindows: [
          {
            name: 'x',
            environments: ['production'],
            start: 'tomorrow',
            end: '2026-01-02T00:00:00Z',
          },
        ],
      },
      'releaseCoordinator.freezeWindows[0].start',
    ],
    [
      {
        freezeWindows: [
          {
            name: 'x',
            environments: ['production'],
            start: '2026-01-02T00:00:00Z',
            end: '2026-01-01T00:00:00Z',
          },
        ],
      },
      'releaseCoordinator.freezeWindows[0].end',
    ],
    [
      {
        freezeWindows: [
          {
            name: 'x',
            environments: ['production'],
            start: '2026-01-02T00:00:00Z',
          },
        ],
      },
      'releaseCoordinator.freezeWindows[0]',
    ],
    [
      {
        freezeWindows: [
          {
            name: 'x',
            environments: ['production'],
            recurring: { cron: 'every saturday', duration: { hours: 1 } },
          },
        ],
      },
      'releaseCoordinator.freezeWindows[0].recurring.cron',
    ],
    [
      {
        freezeWindows: [
          {
            name: 'x',
            environments: ['production'],
            recurring: { cron: '0 0 * * SAT', duration: { fortnights: 1 } },
          },
        ],
      },
      'releaseCoordinator.freezeWindows[0].recurring.duration',
    ],
  ])('rejects %j naming %s', (config, key) => {
    expect(() => read(config)).toThrow(key);
  });
});

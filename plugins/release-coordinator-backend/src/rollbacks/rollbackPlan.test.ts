import {
  Deployment,
  Release,
} from '@release-coordinator/backstage-plugin-common';
import { migrationPlan, simplePlan } from '../releases/__testUtils__/fixtures';
import { resolveRollbackPlan, RollbackPlanFacts } from './rollbackPlan';

const entityRef = 'component:default/payments';

/** A succeeded production deploy that finished at 10:05 on the given day. */
function deploy(
  id: string,
  day: number,
  version: string,
  overrides: Partial<Deployment> = {},
): Deployment {
  return {
    id,
    entityRef,
    environment: 'production',
    source: 'ci',
    externalId: id,
    version,
    kind: 'deploy',
    status: 'succeeded',
    startedAt: `2026-11-${day}T10:00:00.000Z`,
    finishedAt: `2026-11-${day}T10:05:00.000Z`,
    commits: [],
    ...overrides,
  };
}

function release(
  id: string,
  version: string,
  overrides: Partial<Release> = {},
): Release {
  return {
    id,
    entityRef,
    environment: 'production',
    version,
    plan: simplePlan,
    state: 'deployed',
    createdBy: 'user:default/alice',
    commitAuthors: [],
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

function facts(
  succeeded: Deployment[],
  overrides: Partial<RollbackPlanFacts> = {},
): RollbackPlanFacts {
  return {
    entityRef,
    environment: 'production',
    succeeded,
    criticalIncidents: [],
    releaseOf: () => undefined,
    ...overrides,
  };
}

describe('resolveRollbackPlan', () => {
  it('counts each commit undone once, newest first, and keeps the target’s own', () => {
    const plan = resolveRollbackPlan(
      facts([
        deploy('d3', 22, '1.2.0', {
          commits: [
            { sha: 'c', committedAt: '2026-11-22T09:00:00.000Z' },
            { sha: 'b', committedAt: '2026-11-21T09:00:00.000Z' },
          ],
        }),
        deploy('d2', 21, '1.1.0', {
          commits: [
            { sha: 'b', committedAt: '2026-11-21T09:00:00.000Z' },
            { sha: 'a', committedAt: '2026-11-20T09:00:00.000Z' },
          ],
        }),
        deploy('d1', 20, '1.0.0', {
          commits: [{ sha: 'a', committedAt: '2026-11-20T09:00:00.000Z' }],
        }),
      ]),
    );
    expect(plan.target?.id).toBe('d2');
    expect(plan.commitsUndone.map(c => c.sha)).toEqual(['c']);
  });

  it('names each release with migrations once, across every deploy undone', () => {
    const releases = new Map([
      [
        '1.2.0',
        release('r3', '1.2.0', {
          plan: { ...migrationPlan, notes: 'adds a column' },
        }),
      ],
      ['1.1.0', release('r2', '1.1.0', { plan: migrationPlan })],
      ['1.0.0', release('r1', '1.0.0')],
    ]);
    const plan = resolveRollbackPlan(
      facts(
        [
          deploy('d4', 23, '1.2.0'),
          deploy('d3', 22, '1.2.0'),
          deploy('d2', 21, '1.1.0'),
          deploy('d1', 20, '1.0.0'),
        ],
        {
          releaseOf: d => releases.get(d.version),
          requested: { id: 'd1', deployment: deploy('d1', 20, '1.0.0') },
        },
      ),
    );
    expect(plan.migrations).toEqual([
      {
        releaseId: 'r3',
        version: '1.2.0',
        deploymentId: 'd4',
        notes: 'adds a column',
      },
      { releaseId: 'r2', version: '1.1.0', deploymentId: 'd2' },
    ]);
  });

  it('refuses a picked target older than the deployments it read', () => {
    const old = deploy('d0', 10, '0.9.0');
    expect(() =>
      resolveRollbackPlan(
        facts([deploy('d2', 21, '1.1.0'), deploy('d1', 20, '1.0.0')], {
          requested: { id: 'd0', deployment: old },
        }),
      ),
    ).toThrow('is older than the 2 latest succeeded deployments');
  });

  it('refuses a picked target of the version that runs now', () => {
    expect(() =>
      resolveRollbackPlan(
        facts([deploy('d2', 21, '1.1.0'), deploy('d1', 20, '1.1.0')], {
          requested: { id: 'd1', deployment: deploy('d1', 20, '1.1.0') },
        }),
      ),
    ).toThrow('has version 1.1.0, which already runs in production');
  });

  it('has no target, and says why, without deployments or with only rollbacks before current', () => {
    expect(resolveRollbackPlan(facts([])).noTargetReason).toBe(
      'Nothing has been deployed successfully to production',
    );
    const onlyRollback = resolveRollbackPlan(
      facts([
        deploy('d2', 21, '1.1.0'),
        deploy('r1', 20, '1.0.0', { kind: 'rollback' }),
      ]),
    );
    expect(onlyRollback.target).toBeUndefined();
    expect(onlyRollback.noTargetReason).toBe(
      'No earlier succeeded deployment in production to roll back to',
    );
    expect(onlyRollback.candidates.map(d => d.id)).toEqual(['r1']);
  });

  it('lists at most 20 candidates', () => {
    const history = Array.from({ length: 30 }, (_, i) =>
      deploy(`d${i}`, 29 - Math.floor(i / 2), `1.0.${30 - i}`, {
        finishedAt: new Date(
          Date.UTC(2026, 10, 25) - i * 3_600_000,
        ).toISOString(),
      }),
    );
    const plan = resolveRollbackPlan(facts(history));
    expect(plan.candidates).toHaveLength(20);
    expect(plan.candidates[0].id).toBe('d1');
  });
});

import { Release } from '@release-coordinator/backstage-plugin-common';
import { StoredApproval } from '../database/ReleaseStore';
import { ApprovalPolicy } from './ApprovalPolicy';
import {
  migrationPlan,
  people,
  simplePlan,
  testSettings,
} from './__testUtils__/fixtures';

const policy = new ApprovalPolicy(testSettings);
const owner = 'group:default/team-a';

function release(overrides: Partial<Release> = {}): Release {
  return {
    id: 'r1',
    entityRef: 'component:default/payments',
    environment: 'production',
    version: '1.0.0',
    plan: simplePlan,
    state: 'ready',
    createdBy: people.alice.ref,
    commitAuthors: [people.bob.ref],
    createdAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:00:00.000Z',
    ...overrides,
  };
}

function approval(approver: string, databaseAdmin = false): StoredApproval {
  return {
    id: approver,
    releaseId: 'r1',
    approver,
    decision: 'approve',
    decidedAt: '2026-11-26T10:00:00.000Z',
    databaseAdmin,
  };
}

describe('ApprovalPolicy', () => {
  it.each([
    ['owner group member', people.carol, release(), true, false],
    ['configured group member', people.dave, release(), true, false],
    ['creator', people.alice, release(), false, false],
    ['commit author', people.bob, release(), false, false],
    ['outsider', people.frank, release(), false, false],
    ['service', people.ci, release(), false, false],
    ['DBA without migrations', people.erin, release(), false, true],
    [
      'DBA with migrations',
      people.erin,
      release({ plan: migrationPlan }),
      true,
      true,
    ],
    [
      'DBA on staging (no approvals needed)',
      people.erin,
      release({ plan: migrationPlan, environment: 'staging' }),
      false,
      true,
    ],
  ])('%s: eligible %s', (_who, actor, subject, eligible, databaseAdmin) => {
    const result = policy.eligibility(subject, actor, owner);
    expect(result.eligible).toBe(eligible);
    expect(policy.holdsRole(actor, 'database-admin')).toBe(databaseAdmin);
  });

  it('does not treat the owner rule as anyone when the owner is unknown', () => {
    expect(policy.eligibility(release(), people.carol, undefined)).toEqual({
      eligible: false,
      reason: expect.stringContaining(
        'eligible are members of: group:default/sre',
      ),
    });
  });

  it.each([
    ['no approvals', simplePlan, [], 2, false, false],
    ['one approval', simplePlan, [approval('a')], 1, false, false],
    [
      'two approvals',
      simplePlan,
      [approval('a'), approval('b')],
      0,
      false,
      true,
    ],
    [
      'two approvals, migration without DBA',
      migrationPlan,
      [approval('a'), approval('b')],
      0,
      true,
      false,
    ],
    [
      'one DBA approval of two',
      migrationPlan,
      [approval('a'), approval('e', true)],
      0,
      false,
      true,
    ],
  ])(
    'tallies %s',
    (_what, plan, approvals, remaining, dbaMissing, satisfied) => {
      expect(policy.tally(release({ plan }), approvals)).toMatchObject({
        approvalsRequired: 2,
        approvalsRemaining: remaining,
        databaseAdminApprovalMissing: dbaMissing,
        satisfied,
      });
    },
  );

  it('does not count rejections as approvals', () => {
    const rejected = { ...approval('a'), decision: 'reject' as const };
    expect(policy.tally(release(), [rejected]).approvalsRemaining).toBe(2);
  });

  it('describes who may approve: rules, the DBA groups when needed, and who is excluded', () => {
    expect(policy.approverInfo(release())).toEqual({
      rules: ['owner', 'group:default/sre'],
      databaseAdminGroups: [],
      excluded: [people.alice.ref, people.bob.ref],
    });
    expect(
      policy.approverInfo(
        release({ plan: migrationPlan, commitAuthors: [people.alice.ref] }),
      ),
    ).toEqual({
      rules: ['owner', 'group:default/sre'],
      databaseAdminGroups: ['group:default/dba'],
      excluded: [people.alice.ref],
    });
  });
});

import { Release } from '@release-coordinator/backstage-plugin-common';
import { decideGate, GateCandidate, GateFacts } from './gateDecision';

const release = (overrides: Partial<Release> = {}): Release => ({
  id: 'r1',
  entityRef: 'component:default/payments',
  environment: 'production',
  version: '1.0.0',
  plan: {
    strategy: 'rolling',
    zeroDowntime: false,
    hasDatabaseMigrations: false,
    hasConfigChanges: false,
  },
  state: 'approved',
  createdBy: 'user:default/alice',
  commitAuthors: [],
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  ...overrides,
});

const candidate = (
  overrides: Partial<Release> = {},
  extra: Partial<GateCandidate> = {},
): GateCandidate => ({
  release: release(overrides),
  approvalsRemaining: 0,
  databaseAdminApprovalMissing: false,
  expiredItemIds: [],
  freezeOverrides: [],
  ...extra,
});

const facts = (extra: Partial<GateFacts> = {}): GateFacts => ({
  entityRef: 'component:default/payments',
  query: { environment: 'production', version: '1.0.0' },
  rule: {
    requiredApprovals: 1,
    approvers: ['owner'],
    databaseAdminGroups: ['group:default/dba'],
  },
  candidates: [],
  ...extra,
});

const codes = (f: GateFacts) => decideGate(f).reasons.map(r => r.code);

describe('decideGate', () => {
  it('allows an approved release, and one that is deploying or failed (a retry)', () => {
    for (const state of [
      'approved',
      'deploying',
      'deployed',
      'failed',
    ] as const) {
      const answer = decideGate(facts({ candidates: [candidate({ state })] }));
      expect([state, answer.allowed]).toEqual([state, true]);
    }
  });

  it('denies a digest mismatch and names both digests', () => {
    const answer = decideGate(
      facts({
        query: {
          environment: 'production',
          version: '1.0.0',
          artifactDigest: 'sha256:b',
        },
        candidates: [candidate({ artifactDigest: 'sha256:a' })],
      }),
    );
    expect(answer.allowed).toBe(false);
    expect(answer.reasons[0].code).toBe('digest-mismatch');
    expect(answer.reasons[0].message).toContain('sha256:a, not sha256:b');
  });

  it('names a missing database-admin approval and who gives it', () => {
    const answer = decideGate(
      facts({
        candidates: [
          candidate(
            { state: 'ready' },
            { approvalsRemaining: 1, databaseAdminApprovalMissing: true },
          ),
        ],
      }),
    );
    expect(answer.reasons).toEqual([
      {
        code: 'not-approved',
        message: expect.stringMatching(
          /1 more approval\(s\) from members of the owner group of component:default\/payments; an approval from a database admin \(group:default\/dba\)/,
        ),
      },
    ]);
  });

  it('refuses rolled-back and superseded releases', () => {
    expect(
      codes(facts({ candidates: [candidate({ state: 'superseded' })] })),
    ).toEqual(['closed']);
    expect(
      codes(facts({ candidates: [candidate({ state: 'rolled-back' })] })),
    ).toEqual(['closed']);
  });

  it('counts only an override of the window that blocks now, and lists every reason', () => {
    const answer = decideGate(
      facts({
        activeFreeze: { name: 'year-end', end: '2027-01-04T00:00:00Z' },
        candidates: [
          candidate(
            {},
            {
              freezeOverrides: ['weekends'],
              expiredItemIds: ['rollback-procedure-tested'],
            },
          ),
        ],
      }),
    );
    expect(answer.allowed).toBe(false);
    expect(answer.reasons.map(r => r.code)).toEqual(['frozen', 'item-expired']);
  });

  it('matches a commit case-insensitively and ignores it when either side has none', () => {
    const query = {
      environment: 'production',
      version: '1.0.0',
      commitSha: 'ABCDEF1',
    };
    expect(
      decideGate(
        facts({ query, candidates: [candidate({ commitSha: 'abcdef1' })] }),
      ).allowed,
    ).toBe(true);
    expect(
      decideGate(facts({ query, candidates: [candidate()] })).allowed,
    ).toBe(true);
  });
});

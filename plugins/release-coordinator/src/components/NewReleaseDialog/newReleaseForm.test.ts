import {
  emptyNewReleaseForm,
  NewReleaseForm,
  toCreateReleaseRequest,
  validateNewRelease,
} from './newReleaseForm';

const valid: NewReleaseForm = {
  ...emptyNewReleaseForm,
  version: '2.0.0',
  environment: 'production',
};

describe('validateNewRelease', () => {
  it.each<[string, Partial<NewReleaseForm>, Record<string, string>]>([
    ['a complete form', {}, {}],
    ['a blank version', { version: '  ' }, { version: 'Enter the version' }],
    [
      'a blank environment',
      { environment: '' },
      { environment: 'Enter the environment' },
    ],
    [
      'a 64-character environment',
      { environment: 'e'.repeat(64) },
      { environment: 'At most 63 characters' },
    ],
    ['a 7-digit commit', { commitSha: 'ABCDEF1' }, {}],
    [
      'a 6-digit commit',
      { commitSha: 'abcdef' },
      { commitSha: 'A commit SHA has 7 to 64 hexadecimal digits' },
    ],
    [
      'a non-hex commit',
      { commitSha: 'main-branch' },
      { commitSha: 'A commit SHA has 7 to 64 hexadecimal digits' },
    ],
    [
      'zero downtime with rolling',
      { zeroDowntime: true, strategy: 'rolling' },
      {
        zeroDowntime:
          'A zero-downtime release needs the blue-green or canary strategy',
      },
    ],
    [
      'zero downtime with canary',
      { zeroDowntime: true, strategy: 'canary' },
      {},
    ],
  ])('%s', (_name, change, expected) => {
    expect(validateNewRelease({ ...valid, ...change })).toEqual(expected);
  });
});

describe('toCreateReleaseRequest', () => {
  it('trims the fields and leaves out empty optional ones', () => {
    expect(
      toCreateReleaseRequest({
        ...valid,
        version: ' 2.0.0 ',
        commitSha: '  ',
        notes: '',
      }),
    ).toEqual({
      version: '2.0.0',
      environment: 'production',
      plan: {
        strategy: 'rolling',
        zeroDowntime: false,
        hasDatabaseMigrations: false,
        hasConfigChanges: false,
      },
    });
  });

  it('carries commit, digest, plan flags and notes', () => {
    expect(
      toCreateReleaseRequest({
        ...valid,
        commitSha: 'abc1234',
        artifactDigest: 'sha256:0f0f',
        strategy: 'blue-green',
        zeroDowntime: true,
        hasDatabaseMigrations: true,
        hasConfigChanges: true,
        notes: 'migrates the ledger table',
      }),
    ).toEqual({
      version: '2.0.0',
      environment: 'production',
      commitSha: 'abc1234',
      artifactDigest: 'sha256:0f0f',
      plan: {
        strategy: 'blue-green',
        zeroDowntime: true,
        hasDatabaseMigrations: true,
        hasConfigChanges: true,
        notes: 'migrates the ledger table',
      },
    });
  });
});

import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ApprovalPolicy } from './ApprovalPolicy';
import {
  CommitAuthorResolver,
  identityOf,
  parseCommitAuthor,
  unresolvedAuthorsMatching,
} from './commitAuthors';
import { people, simplePlan, testSettings } from './__testUtils__/fixtures';

function user(name: string, email?: string, annotations = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default', annotations },
    spec: email ? { profile: { email } } : {},
  };
}

describe('parseCommitAuthor', () => {
  it.each([
    [' user:default/Carol ', { kind: 'ref', ref: 'user:default/carol' }],
    ['carol', { kind: 'ref', ref: 'user:default/carol' }],
    ['user:ops/carol', { kind: 'ref', ref: 'user:ops/carol' }],
    ['Carol@Example.com', { kind: 'email', email: 'carol@example.com' }],
    [
      'Carol Example <carol@example.com>',
      { kind: 'email', email: 'carol@example.com' },
    ],
    ['github:Carol-GH', { kind: 'login', scm: 'github', login: 'carol-gh' }],
    ['gitlab:carol.gl', { kind: 'login', scm: 'gitlab', login: 'carol.gl' }],
  ])('reads %p', (raw, parsed) => {
    expect(parseCommitAuthor(raw)).toEqual(parsed);
  });

  it.each([
    '',
    '  ',
    'group:default/team-a',
    'component:default/payments',
    'user:default/',
    'user:default/carol@example.com',
    'carol@',
    '@example.com',
    'carol@example',
    'github:',
    'gitlab:-x',
    'a b c',
  ])('refuses %p with a 400 naming it', raw => {
    expect(() => parseCommitAuthor(raw)).toThrow(InputError);
    expect(() => parseCommitAuthor(raw)).toThrow(`'${raw}'`);
  });
});

describe('identityOf', () => {
  it('reads the e-mail and both logins, lower case; a GitLab profile URL counts by its last segment', () => {
    expect(
      identityOf(
        user('Carol', ' Carol@Example.com ', {
          'github.com/user-login': 'Carol-GH',
          'gitlab.com/user-login': 'https://gitlab.example.com/carol.gl',
        }),
      ),
    ).toEqual({
      ref: 'user:default/carol',
      emails: ['carol@example.com'],
      logins: ['github:carol-gh', 'gitlab:carol.gl'],
    });
  });
});

describe('CommitAuthorResolver', () => {
  const resolver = new CommitAuthorResolver(
    catalogServiceMock({
      entities: [
        user('carol', 'carol@example.com', {
          'github.com/user-login': 'carol-gh',
        }),
        user('dave', 'dave@example.com'),
        // Two accounts share one address: both are authors.
        user('dave-admin', 'dave@example.com'),
      ],
    }),
    mockServices.auth(),
  );

  it('resolves refs, e-mails and logins; keeps the rest as unresolved', async () => {
    const resolved = await resolver.resolve([
      ' User:Default/Bob',
      'CAROL@example.com',
      'github:carol-gh',
      'dave@example.com',
      'zoe@example.com',
      'gitlab:zoe',
    ]);
    expect(resolved.refs.sort()).toEqual([
      'user:default/bob',
      'user:default/carol',
      'user:default/dave',
      'user:default/dave-admin',
    ]);
    expect(resolved.unresolved).toEqual(['zoe@example.com', 'gitlab:zoe']);
  });

  it('refuses the whole list for one malformed author', async () => {
    await expect(
      resolver.resolve(['carol@example.com', 'group:default/x']),
    ).rejects.toThrow("commitAuthors: 'group:default/x' names a group");
  });
});

describe('unresolved authors and eligibility', () => {
  const policy = new ApprovalPolicy(testSettings);
  const release = {
    id: 'r1',
    entityRef: 'component:default/payments',
    environment: 'production',
    version: '1',
    plan: simplePlan,
    state: 'ready' as const,
    createdBy: 'external:ci',
    commitAuthors: [],
    unresolvedCommitAuthors: ['carol@example.com', 'github:carol-gh'],
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
  };
  const carol = identityOf(user('carol', 'carol@example.com'));

  it('matches by e-mail or login; an approver without an entity matches all', () => {
    expect(
      unresolvedAuthorsMatching(release.unresolvedCommitAuthors, carol),
    ).toEqual(['carol@example.com']);
    expect(
      unresolvedAuthorsMatching(
        release.unresolvedCommitAuthors,
        identityOf(
          user('carol', undefined, { 'github.com/user-login': 'Carol-GH' }),
        ),
      ),
    ).toEqual(['github:carol-gh']);
    expect(
      unresolvedAuthorsMatching(
        release.unresolvedCommitAuthors,
        identityOf(user('dave', 'dave@example.com')),
      ),
    ).toEqual([]);
    expect(
      unresolvedAuthorsMatching(release.unresolvedCommitAuthors, undefined),
    ).toEqual(release.unresolvedCommitAuthors);
  });

  it('makes a matching approver ineligible, naming the author', () => {
    const decision = policy.eligibility(
      release,
      people.carol,
      'group:default/team-a',
      unresolvedAuthorsMatching(release.unresolvedCommitAuthors, carol),
    );
    expect(decision).toEqual({
      eligible: false,
      reason: expect.stringContaining(
        'unresolved commit author carol@example.com',
      ),
    });
    expect(
      policy.eligibility(release, people.carol, 'group:default/team-a', []),
    ).toEqual({ eligible: true, databaseAdmin: false });
  });
});

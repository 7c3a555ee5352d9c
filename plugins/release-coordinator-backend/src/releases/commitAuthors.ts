import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  makeValidator,
  parseEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { toStoredEntityRef } from '../service/entityRefs';
import { callUpstream } from '../service/upstreamErrors';

/**
 * The user-entity annotations that carry SCM logins: the ones the GitHub and
 * GitLab org entity providers of the catalog write, and the GitHub sign-in
 * resolver `usernameMatchingUserEntityAnnotation` reads. A `github:<login>`
 * or `gitlab:<login>` commit author is resolved through them.
 * See docs/identities.md.
 */
export const SCM_LOGIN_ANNOTATIONS = {
  github: 'github.com/user-login',
  gitlab: 'gitlab.com/user-login',
} as const;

/** An SCM whose logins resolve to users. */
export type ScmName = keyof typeof SCM_LOGIN_ANNOTATIONS;

/** One commit author as given, in its normalized form. */
export type ParsedCommitAuthor =
  | { kind: 'ref'; ref: string }
  | { kind: 'email'; email: string }
  | { kind: 'login'; scm: ScmName; login: string };

/** The commit authors of a release after resolution. */
export interface ResolvedCommitAuthors {
  /** User entity refs (lower case). */
  refs: string[];
  /**
   * E-mails (`carol@example.com`) and logins (`github:carol`) that no
   * catalog user carries, lower case. They block approval by any user whose
   * e-mail or login matches.
   */
  unresolved: string[];
}

const validator = makeValidator();
const EMAIL =
  /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
const LOGIN = /^[a-z0-9][a-z0-9._-]{0,254}$/;
const SCM_PREFIX = /^(github|gitlab):(.*)$/;
/** `Carol Example <carol@example.com>`, as git prints an author. */
const NAMED_ADDRESS = /^[^<>]*<([^<>]+)>$/;

function lowerCase(value: string): string {
  return value.toLocaleLowerCase('en-US');
}

function malformed(raw: string, why: string): InputError {
  return new InputError(`commitAuthors: '${raw}' ${why}`);
}

/**
 * Parses one commit author (trimmed, case-folded): a user entity ref
 * (`user:default/carol`, `carol`), an e-mail address (also as
 * `Name <address>`), or an SCM login (`github:carol`, `gitlab:carol`).
 * Anything else is a 400 naming the value.
 */
export function parseCommitAuthor(raw: string): ParsedCommitAuthor {
  let value = lowerCase(raw.trim());
  if (!value) {
    throw malformed(raw, 'is empty');
  }
  const named = NAMED_ADDRESS.exec(value);
  if (named) {
    value = named[1].trim();
  }
  const scm = SCM_PREFIX.exec(value);
  if (scm) {
    const login = scm[2].trim();
    if (!LOGIN.test(login)) {
      throw malformed(raw, `is not a valid ${scm[1]} login`);
    }
    return { kind: 'login', scm: scm[1] as ScmName, login };
  }
  if (value.includes('@') && !value.includes(':') && !value.includes('/')) {
    if (!EMAIL.test(value)) {
      throw malformed(raw, 'is not a valid e-mail address');
    }
    return { kind: 'email', email: value };
  }
  let ref;
  try {
    ref = parseEntityRef(value, {
      defaultKind: 'user',
      defaultNamespace: 'default',
    });
  } catch {
    throw malformed(
      raw,
      'is not a user entity ref, an e-mail address or a github:/gitlab: login',
    );
  }
  if (ref.kind !== 'user') {
    throw malformed(raw, `names a ${ref.kind}, not a user`);
  }
  if (
    !validator.isValidNamespace(ref.namespace) ||
    !validator.isValidEntityName(ref.name)
  ) {
    throw malformed(
      raw,
      'is not a user entity ref, an e-mail address or a github:/gitlab: login',
    );
  }
  return { kind: 'ref', ref: toStoredEntityRef(ref) };
}

/** The stored form of an unresolved author: the e-mail, or `scm:login`. */
export function unresolvedKey(
  author: Exclude<ParsedCommitAuthor, { kind: 'ref' }>,
): string {
  return author.kind === 'email'
    ? author.email
    : `${author.scm}:${author.login}`;
}

/** What identifies a user besides their ref: e-mails and SCM logins. */
export interface UserIdentity {
  ref: string;
  emails: string[];
  /** `github:carol`, `gitlab:carol`. */
  logins: string[];
}

/** The e-mails and logins of a user entity, lower case. */
export function identityOf(entity: Entity): UserIdentity {
  const email = (entity.spec?.profile as { email?: unknown } | undefined)
    ?.email;
  const annotations = entity.metadata.annotations ?? {};
  const logins = Object.entries(SCM_LOGIN_ANNOTATIONS).flatMap(
    ([scm, annotation]) => {
      const login = annotations[annotation]?.trim();
      if (!login) {
        return [];
      }
      // The GitLab provider may store the profile URL; its last segment is
      // the login.
      const last = login.replace(/\/+$/, '').split('/').pop() ?? login;
      return [`${scm}:${lowerCase(last)}`];
    },
  );
  return {
    ref: toStoredEntityRef({
      kind: entity.kind,
      namespace: entity.metadata.namespace,
      name: entity.metadata.name,
    }),
    emails:
      typeof email === 'string' && email.trim()
        ? [lowerCase(email.trim())]
        : [],
    logins,
  };
}

/**
 * Resolves commit authors through the catalog (docs/product.md §3, docs/identities.md):
 * user entity refs stand for themselves; e-mails match `spec.profile.email`
 * and SCM logins the annotations of {@link SCM_LOGIN_ANNOTATIONS} of User
 * entities. An e-mail or login no user carries is kept as unresolved, never
 * dropped. The catalog is asked with the plugin's own credentials: identity
 * must not depend on what the caller may see.
 */
export class CommitAuthorResolver {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  async resolve(raw: string[]): Promise<ResolvedCommitAuthors> {
    const parsed = raw.map(parseCommitAuthor);
    const refs = new Set<string>();
    const lookups: Array<Exclude<ParsedCommitAuthor, { kind: 'ref' }>> = [];
    for (const author of parsed) {
      if (author.kind === 'ref') {
        refs.add(author.ref);
      } else {
        lookups.push(author);
      }
    }
    const unresolved = new Set<string>();
    if (lookups.length > 0) {
      const users = await this.findUsers(lookups);
      for (const author of lookups) {
        const key = unresolvedKey(author);
        const matches = users.filter(user =>
          author.kind === 'email'
            ? user.emails.includes(key)
            : user.logins.includes(key),
        );
        if (matches.length === 0) {
          unresolved.add(key);
        }
        // Several users with one e-mail: all of them are authors.
        matches.forEach(user => refs.add(user.ref));
      }
    }
    return { refs: [...refs], unresolved: [...unresolved] };
  }

  /** The identity of a user by ref, or undefined when not in the catalog. */
  async identityOfUser(ref: string): Promise<UserIdentity | undefined> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const entity = await callUpstream(
      'catalog',
      `Could not look up ${ref} in the catalog`,
      () => this.catalog.getEntityByRef(ref, { credentials }),
    );
    return entity ? identityOf(entity) : undefined;
  }

  private async findUsers(
    lookups: Array<Exclude<ParsedCommitAuthor, { kind: 'ref' }>>,
  ): Promise<UserIdentity[]> {
    const filter = lookups.map(author =>
      author.kind === 'email'
        ? { kind: 'User', 'spec.profile.email': author.email }
        : {
            kind: 'User',
            [`metadata.annotations.${SCM_LOGIN_ANNOTATIONS[author.scm]}`]:
              author.login,
          },
    );
    const credentials = await this.auth.getOwnServiceCredentials();
    const { items } = await callUpstream(
      'catalog',
      'Could not look up commit authors in the catalog',
      () =>
        this.catalog.getEntities(
          {
            filter,
            fields: [
              'kind',
              'metadata.name',
              'metadata.namespace',
              'metadata.annotations',
              'spec.profile.email',
            ],
          },
          { credentials },
        ),
    );
    return items.map(identityOf);
  }
}

/**
 * The unresolved commit authors the approver may be: their e-mail or login
 * matches. When the approver has no catalog entity, nothing can be ruled
 * out, so every unresolved author counts.
 */
export function unresolvedAuthorsMatching(
  unresolved: string[],
  approver: UserIdentity | undefined,
): string[] {
  if (!approver) {
    return unresolved;
  }
  return unresolved.filter(
    key => approver.emails.includes(key) || approver.logins.includes(key),
  );
}

// @ts-check

/**
 * Commit authors are identities, not strings (docs/identities.md): the
 * e-mails and SCM logins (`github:carol`) of a release's commit authors that
 * no catalog user carried when the release was created are kept in
 * `releases.unresolved_commit_authors` (a JSON array of strings, lower case).
 * They block approval by any user whose e-mail or login matches.
 *
 * Stored authors are repaired on the way: before, `commitAuthors` were parsed
 * as refs as given, so `carol@example.com` was stored as
 * `user:default/carol@example.com`, ` user:default/carol` kept its space
 * (and blocked nobody), and `github:carol` became `github:default/carol`.
 * Refs are trimmed; e-mails and github/gitlab logins move to the unresolved
 * list, where they block whoever carries them (the catalog cannot be asked
 * from a migration). The down migration keeps the repaired refs.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('releases', table => {
    table
      .text('unresolved_commit_authors')
      .notNullable()
      .defaultTo('[]')
      .comment(
        'JSON array of commit author e-mails and scm:logins no catalog user carries',
      );
  });
  const rows = await knex('releases')
    .whereNot('commit_authors', '[]')
    .select('id', 'commit_authors');
  for (const row of rows) {
    /** @type {unknown} */
    let stored;
    try {
      stored = JSON.parse(row.commit_authors);
    } catch {
      continue;
    }
    if (!Array.isArray(stored)) {
      continue;
    }
    const refs = new Set();
    const unresolved = new Set();
    for (const value of stored) {
      if (typeof value !== 'string') {
        continue;
      }
      const author = repairedAuthor(value);
      (author.unresolved ? unresolved : refs).add(author.value);
    }
    await knex('releases')
      .where({ id: row.id })
      .update({
        commit_authors: JSON.stringify([...refs]),
        unresolved_commit_authors: JSON.stringify([...unresolved]),
      });
  }
};

/**
 * One stored author as it should have been stored.
 *
 * @param {string} stored
 * @returns {{ value: string, unresolved: boolean }}
 */
function repairedAuthor(stored) {
  const value = stored.trim().toLocaleLowerCase('en-US');
  const match = /^\s*([^:]+):\s*([^/]+)\/(.*)$/.exec(value);
  if (!match) {
    return { value, unresolved: false };
  }
  const kind = match[1].trim();
  const name = match[3].trim();
  if ((kind === 'github' || kind === 'gitlab') && name) {
    return { value: `${kind}:${name}`, unresolved: true };
  }
  if (kind === 'user' && name.includes('@')) {
    return { value: name, unresolved: true };
  }
  return { value: `${kind}:${match[2].trim()}/${name}`, unresolved: false };
}

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('releases', table => {
    table.dropColumn('unresolved_commit_authors');
  });
};

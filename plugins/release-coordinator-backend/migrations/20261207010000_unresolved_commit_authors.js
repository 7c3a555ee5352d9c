// @ts-check

/**
 * Commit authors are identities, not strings (docs/identities.md): the
 * e-mails and SCM logins (`github:carol`) of a release's commit authors that
 * no catalog user carried when the release was created are kept in
 * `releases.unresolved_commit_authors` (a JSON array of strings, lower case).
 * They block approval by any user whose e-mail or login matches. Existing
 * releases have none.
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
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('releases', table => {
    table.dropColumn('unresolved_commit_authors');
  });
};

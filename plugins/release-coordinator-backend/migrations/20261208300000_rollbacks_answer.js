// @ts-check

/**
 * The answer a rollback request got, so that a retry with the same
 * Idempotency-Key gets that same answer (docs/product.md §5: an idempotency
 * key makes retries safe), never a 409 about its own rollback.
 *
 * `answer` is JSON: `{ "rollback": Rollback }` (the 202 body's rollback) or
 * `{ "error": { "name", "message" } }` (a 409 or 502), written by the request
 * that inserted the row once it answered; `{}` means "the rollback as
 * stored" (rows recorded in their final state: refusals and dry runs, and
 * rows from before this migration). NULL while the first request is still
 * running: a retry waits for it (bounded).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('rollbacks', table => {
    table
      .text('answer')
      .nullable()
      .comment(
        'JSON answer of the request that created it; NULL while it runs',
      );
  });
  await knex('rollbacks').update({ answer: '{}' });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('rollbacks', table => {
    table.dropColumn('answer');
  });
};

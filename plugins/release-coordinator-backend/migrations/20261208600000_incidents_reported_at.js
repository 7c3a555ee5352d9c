// @ts-check

/**
 * When the source observed the state of an incident's latest applied report
 * (e.g. a PagerDuty event's `occurred_at`). It orders reports by the
 * source's own clock rather than by arrival (docs/product.md §5): a newer
 * report decides whether the incident is resolved, so an open report
 * (triggered, acknowledged, reopened) after a resolution reopens it, while a
 * late redelivery of an older "triggered" cannot reopen a newer resolution.
 * NULL for reports without one (they keep the old rule: a resolved
 * incident stays resolved).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('incidents', table => {
    table
      .timestamp('reported_at', { useTz: true })
      .nullable()
      .comment('Source time of the latest applied report; NULL when unknown');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('incidents', table => {
    table.dropColumn('reported_at');
  });
};

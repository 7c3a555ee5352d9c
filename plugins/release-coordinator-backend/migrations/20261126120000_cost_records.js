// @ts-check

/**
 * Daily infrastructure cost per entity, one row per (entity, UTC day,
 * source); pushed through `POST /events/costs` or pulled by cost providers.
 *
 * `date` is the UTC day as a 'YYYY-MM-DD' string on both databases, so range
 * queries compare it as text in chronological order. `amount` is a double:
 * cost is reported, summed and displayed, never booked.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cost_records', table => {
    table.comment('Daily infrastructure cost of an entity from one source');
    table.string('entity_ref', 255).notNullable();
    table.string('date', 10).notNullable().comment('UTC day, YYYY-MM-DD');
    table
      .string('source', 63)
      .notNullable()
      .comment('The system that reported it, e.g. aws, gcp, demo');
    table.double('amount').notNullable();
    table.string('currency', 3).notNullable().comment('ISO 4217, e.g. USD');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    // Upsert key, and the metrics range scan (entity_ref = ? and date in [a, b)).
    table.primary(['entity_ref', 'date', 'source'], 'cost_records_pkey');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cost_records');
};

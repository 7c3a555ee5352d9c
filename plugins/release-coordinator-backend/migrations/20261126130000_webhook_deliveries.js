// @ts-check

/**
 * Webhook deliveries already accepted, per handler, so that a sender's
 * redelivery (GitHub `X-GitHub-Delivery`, PagerDuty `X-Webhook-Id`, ...) is
 * ingested once. The primary key is the dedupe: a delivery is claimed by
 * inserting its row, and a second insert of the same key loses, also when
 * both arrive at the same time.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('webhook_deliveries', table => {
    table.comment('Accepted webhook deliveries, for dropping redeliveries');
    table
      .string('handler_path', 63)
      .notNullable()
      .comment('Path of the webhook handler under /webhooks/, e.g. github');
    table
      .string('delivery_id', 255)
      .notNullable()
      .comment("The sender's id of the delivery");
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.primary(['handler_path', 'delivery_id'], 'webhook_deliveries_pkey');
    // For pruning old deliveries by age.
    table.index(['received_at'], 'webhook_deliveries_received_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('webhook_deliveries');
};

import { Knex } from 'knex';

/** Whether the knex client talks to PostgreSQL (else: SQLite). */
export function isPostgres(knex: Knex): boolean {
  const client = knex.client.config.client;
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}

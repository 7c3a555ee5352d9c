import { Knex } from 'knex';

/*
 * Batch statements for PostgreSQL: a batch's rows go to the server as one
 * array parameter per column (`SELECT * FROM unnest($1::text[], ...)`)
 * instead of one bind parameter per value. For 500 deployments that is 20
 * parameters instead of 10,000: knex does not build (and renumber) 10,000
 * placeholders, pg does not serialize 10,000 values, and the server neither
 * parses nor plans a statement of that size. SQLite keeps knex's multi-row
 * inserts (its bound values cost nothing comparable and it has no arrays).
 */

export { isPostgres } from '../database/client';

/**
 * The PostgreSQL array type each column's values are sent as; text also
 * serves varchar columns (the insert assigns text to varchar, checking the
 * length as for any other value).
 */
export type ColumnTypes<Row> = {
  [Column in keyof Row]-?: 'text' | 'timestamptz' | 'integer';
};

/**
 * Rows per unnest statement. The parameter count does not grow with the
 * rows; this only bounds one statement's size (a batch of 1000 deployments
 * is one statement, and so are up to 5000 of its commits).
 */
export const UNNEST_CHUNK_SIZE = 5000;

/**
 * `INSERT INTO <table> (<columns>) SELECT * FROM unnest(...)` of the rows,
 * in their order, to be completed with an `ON CONFLICT` clause.
 */
export function insertUnnest<Row extends object>(
  knex: Knex,
  table: string,
  rows: Row[],
  types: ColumnTypes<Row>,
): Knex.Raw {
  const columns = Object.keys(types) as Array<keyof Row & string>;
  // pg sends a JavaScript array, nulls included, as one array literal;
  // knex's binding types only know arrays without nulls.
  const arrays = columns.map(
    column => rows.map(row => row[column] ?? null) as unknown as Knex.Value,
  );
  return knex.raw(
    `INSERT INTO ?? (??) SELECT * FROM unnest(${columns
      .map(column => `?::${types[column]}[]`)
      .join(', ')})`,
    [table, columns, ...arrays],
  );
}

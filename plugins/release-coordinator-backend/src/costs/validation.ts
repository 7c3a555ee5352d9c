import { z } from 'zod';
import { entityRefSchema, text } from '../deployments/validation';

/*
 * Schemas of pushed cost records and of the cost queries. String limits
 * match the columns of migration 20261126120000_cost_records.js.
 */

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Largest cost amount accepted (docs/api.md, "Input limits"). */
export const MAX_COST_AMOUNT = 1e12;

/** True for a `YYYY-MM-DD` string naming a real calendar day. */
export function isCalendarDay(value: string): boolean {
  if (!DAY_PATTERN.test(value)) {
    return false;
  }
  const date = new Date(`${value}T00:00:00.000Z`);
  return (
    !Number.isNaN(date.getTime()) &&
    // PostgreSQL has no year 0; no cost is older than 1970.
    date.getUTCFullYear() >= 1970 &&
    date.toISOString().slice(0, 10) === value
  );
}

/** A UTC day `YYYY-MM-DD` that exists in the calendar (no 2026-02-30). */
export const daySchema = z
  .string()
  .refine(
    isCalendarDay,
    'must be a real calendar day as YYYY-MM-DD from 1970 on',
  );

/** A pushed daily cost record (docs/product.md §7 `POST /events/costs`). */
export const costRecordInputSchema = z
  .object({
    entityRef: entityRefSchema,
    date: daySchema,
    source: text(63),
    amount: z
      .number({ invalid_type_error: 'must be a number' })
      .finite('must be a finite number')
      .min(0, 'must not be negative')
      // Sums of larger amounts overflow to Infinity (a null total).
      .max(MAX_COST_AMOUNT, `must be at most ${MAX_COST_AMOUNT}`),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code of 3 upper-case letters'),
  })
  .strict();

/** Longest span `GET …/costs` returns, in days. */
export const MAX_COST_QUERY_DAYS = 366;

/** Query of `GET /entities/:kind/:namespace/:name/costs` (days inclusive). */
export const listCostsQuerySchema = z
  .object({
    from: daySchema.optional(),
    to: daySchema.optional(),
  })
  .strict();

/** Query of the Cost Insights `daily-cost` route. */
export const dailyCostQuerySchema = z
  .object({
    intervals: z.string().min(1, 'is required').max(64),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code of 3 upper-case letters')
      .optional(),
  })
  .strict();

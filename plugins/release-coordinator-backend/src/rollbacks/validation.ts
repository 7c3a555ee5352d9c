import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { MAX_REASON_LENGTH } from './RollbackService';

/*
 * Schemas of the rollback routes. Limits match the columns of the
 * migration, so that no input reaches the database in a shape it would
 * refuse (a 5xx).
 */

/** The header that makes retries of `POST .../rollbacks` safe. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

const environment = z.string().trim().min(1).max(63);

/** Body of `POST /entities/:kind/:namespace/:name/rollbacks`. */
export const createRollbackSchema = z
  .object({
    environment,
    targetDeploymentId: z.string().trim().min(1).max(36).optional(),
    reason: z
      .string()
      .trim()
      .min(1, 'is required and must not be blank')
      .max(MAX_REASON_LENGTH, `must be at most ${MAX_REASON_LENGTH} characters`)
      .refine(value => !value.includes('\0'), 'must not contain NUL'),
    confirmMigrationRollback: z.boolean().optional(),
  })
  .strict();

/** Query of `GET /entities/:kind/:namespace/:name/rollbacks`. */
export const listRollbacksQuerySchema = z
  .object({
    environment: environment.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).max(512).optional(),
  })
  .strict();

/** Query of `GET /entities/:kind/:namespace/:name/rollbacks/plan`. */
export const rollbackPlanQuerySchema = z
  .object({
    environment,
    targetDeploymentId: z.string().trim().min(1).max(36).optional(),
  })
  .strict();

/** Path of `GET /rollbacks/:id`. */
export const rollbackPathSchema = z.object({ id: z.string().min(1).max(36) });

/**
 * The `Idempotency-Key` header: 1-200 printable ASCII characters, not all
 * blank; a 400 naming the header otherwise.
 */
export function parseIdempotencyKey(value: string | undefined): string {
  if (
    value === undefined ||
    !/^[\x20-\x7e]{1,200}$/.test(value) ||
    value.trim() === ''
  ) {
    throw new InputError(
      `Invalid header: ${IDEMPOTENCY_KEY_HEADER} is required, 1-200 printable ASCII characters, so that a retried request is not executed twice`,
    );
  }
  return value;
}

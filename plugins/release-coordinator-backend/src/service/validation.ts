import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { assertValidText } from './inputGuard';

/** Path parameters of the entity routes (`/entities/:kind/:namespace/:name/...`). */
export const entityPathSchema = z.object({
  kind: z.string().min(1).max(63),
  namespace: z.string().min(1).max(63),
  name: z.string().min(1).max(253),
});

/** Query of `GET /entities/:kind/:namespace/:name/releases`. */
export const listReleasesQuerySchema = z
  .object({
    environment: z.string().min(1).max(63).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/**
 * Parses input with a schema, turning failures into a 400 `InputError` that
 * names the offending field.
 */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
  /** `input` for the input of an action. */
  where: 'path' | 'query' | 'body' | 'input',
): z.infer<T> {
  // Also here, not only in the router's inputGuard: path parameters are
  // known per route only, and code outside the router parses input too.
  assertValidText(input, where);
  const result = schema.safeParse(input);
  if (!result.success) {
    const details = result.error.issues
      .map(issue => {
        const field = issue.path.join('.');
        return field ? `${field}: ${issue.message}` : issue.message;
      })
      .join('; ');
    throw new InputError(`Invalid ${where}: ${details}`);
  }
  return result.data;
}

/**
 * A link shown to users (evidence, CI runs): `http` or `https` only, so no
 * stored link can run script (`javascript:`) or reach local files.
 */
export const httpUrlSchema = z
  .string()
  .max(2048)
  .refine(value => {
    try {
      const { protocol } = new URL(value);
      return protocol === 'https:' || protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

import {
  METRIC_NAMES,
  SeriesBucket,
} from '@release-coordinator/backstage-plugin-common';
import { z } from 'zod';

const MAX_WINDOW_DAYS = 365;

/** Bounds of `end` (docs/api.md, "Input limits"). */
const MIN_END = new Date('1970-01-01T00:00:00.000Z');
const MAX_END = new Date('9999-12-31T23:59:59.999Z');

/** `window=Nd` with 1 ≤ N ≤ 365 (METRICS.md "Window and scope"), as N. */
const windowSchema = z
  .string()
  .default('30d')
  .refine(value => {
    const match = /^(\d{1,3})d$/.exec(value);
    return (
      match !== null &&
      Number(match[1]) >= 1 &&
      Number(match[1]) <= MAX_WINDOW_DAYS
    );
  }, `must be Nd with 1 ≤ N ≤ ${MAX_WINDOW_DAYS}, e.g. 30d`)
  .transform(value => Number(value.slice(0, -1)));

const metricsQueryShape = {
  window: windowSchema,
  environment: z.string().min(1).max(63).default('production'),
  end: z
    .string()
    .datetime({ offset: true, message: 'must be an ISO-8601 date-time' })
    .transform(value => new Date(value))
    // Outside this range PostgreSQL answers "date out of range" (a 500).
    .refine(
      date => date >= MIN_END && date <= MAX_END,
      'must be between 1970-01-01 and 9999-12-31',
    )
    .optional(),
};

/** Query of `GET …/metrics` and `GET …/metrics/breakdown`. */
export const metricsQuerySchema = z.object(metricsQueryShape).strict();

const SERIES_BUCKETS: readonly [SeriesBucket, ...SeriesBucket[]] = [
  'day',
  'week',
];

/** Query of `GET …/metrics/series`. */
export const metricsSeriesQuerySchema = z
  .object({
    ...metricsQueryShape,
    metric: z.enum(METRIC_NAMES, {
      errorMap: () => ({
        message: `must be one of ${METRIC_NAMES.join(', ')}`,
      }),
    }),
    bucket: z
      .enum(SERIES_BUCKETS, {
        errorMap: () => ({ message: 'must be day or week' }),
      })
      .default('day'),
  })
  .strict();

/** Most rows of one page of `GET …/metrics/evidence`. */
export const EVIDENCE_MAX_LIMIT = 500;

/** An opaque page cursor of `GET …/metrics/evidence`: the offset, encoded. */
export function encodeEvidenceCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

const cursorSchema = z.string().transform((value, ctx) => {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString());
    if (Number.isInteger(parsed?.o) && parsed.o >= 0) {
      return parsed.o as number;
    }
  } catch {
    // reported below
  }
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message: 'must be a nextCursor of an earlier page',
  });
  return z.NEVER;
});

/** Query of `GET …/metrics/evidence` (docs/metrics.md, "Drill-down"). */
export const metricsEvidenceQuerySchema = z
  .object({
    ...metricsQueryShape,
    metric: z.enum(METRIC_NAMES, {
      errorMap: () => ({
        message: `must be one of ${METRIC_NAMES.join(', ')}`,
      }),
    }),
    bucket: z
      .enum(SERIES_BUCKETS, {
        errorMap: () => ({ message: 'must be day or week' }),
      })
      .optional(),
    bucketStart: z
      .string()
      .datetime({ offset: true, message: 'must be an ISO-8601 date-time' })
      .transform(value => new Date(value))
      .optional(),
    cursor: cursorSchema.optional(),
    limit: z
      .string()
      .regex(/^\d{1,4}$/, `must be an integer 1..${EVIDENCE_MAX_LIMIT}`)
      .transform(Number)
      .refine(
        n => n >= 1 && n <= EVIDENCE_MAX_LIMIT,
        `must be an integer 1..${EVIDENCE_MAX_LIMIT}`,
      )
      .default('100'),
    format: z
      .enum(['json', 'csv'], {
        errorMap: () => ({ message: 'must be json or csv' }),
      })
      .default('json'),
  })
  .strict();

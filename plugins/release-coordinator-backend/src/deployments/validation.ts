import { parseEntityRef } from '@backstage/catalog-model';
import {
  DEPLOYMENT_KINDS,
  DEPLOYMENT_STATUSES,
  INCIDENT_SEVERITIES,
} from '@release-coordinator/backstage-plugin-common';
import { z } from 'zod';
import { toStoredEntityRef } from '../service/entityRefs';

/*
 * Schemas of pushed events and of the deployment and incident list queries.
 * String limits match the column sizes of the migration, so that no input
 * reaches the database in a shape it would refuse (a 5xx).
 */

/** Most items one `POST /events/*` request may carry. */
export const MAX_EVENTS_PER_REQUEST = 1000;

/** A trimmed, non-empty string of at most `max` characters without NUL. */
export function text(max: number) {
  return (
    z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(max, `must be at most ${max} characters`)
      // PostgreSQL text cannot hold NUL.
      .refine(value => !value.includes('\0'), 'must not contain NUL')
  );
}

/**
 * An ISO-8601 time with a zone, normalised to UTC milliseconds. Years before
 * 1970 are refused: PostgreSQL cannot store year 0, and no deployment is older.
 */
const timestamp = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO-8601 time with a zone' })
  .transform((value, ctx) => {
    const date = new Date(value);
    if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1970) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'must be a real time after 1970',
      });
      return z.NEVER;
    }
    return date.toISOString();
  });

const httpUrl = text(2048).refine(value => {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

/** A full entity ref (`kind:namespace/name`, namespace defaults to `default`), stored form. */
export const entityRefSchema = text(255).transform((value, ctx) => {
  try {
    const stored = toStoredEntityRef(
      parseEntityRef(value, { defaultNamespace: 'default' }),
    );
    if (stored.length <= 255) {
      return stored;
    }
  } catch {
    // reported below
  }
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message: `${value} is not an entity ref such as component:default/payments`,
  });
  return z.NEVER;
});

const commitSchema = z
  .object({
    sha: text(64),
    committedAt: timestamp,
  })
  .strict();

/** A pushed deployment (docs/product.md §3, §7). */
export const deploymentInputSchema = z
  .object({
    entityRef: entityRefSchema,
    environment: text(63),
    source: text(63),
    externalId: text(255),
    version: text(255),
    commitSha: text(64).optional(),
    artifactDigest: text(255).optional(),
    kind: z.enum(DEPLOYMENT_KINDS),
    status: z.enum(DEPLOYMENT_STATUSES),
    startedAt: timestamp.optional(),
    finishedAt: timestamp.optional(),
    initiator: text(255).optional(),
    url: httpUrl.optional(),
    rollbackOf: text(255).optional(),
    commits: z.array(commitSchema).max(1000).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (
      value.startedAt &&
      value.finishedAt &&
      value.finishedAt < value.startedAt
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['finishedAt'],
        message: 'must not be before startedAt',
      });
    }
    if (value.rollbackOf !== undefined && value.kind !== 'rollback') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['rollbackOf'],
        message: 'only a deployment of kind rollback names what it rolled back',
      });
    }
    if (value.rollbackOf === value.externalId) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['rollbackOf'],
        message: 'a deployment cannot roll back itself',
      });
    }
  });

/** A pushed incident (docs/product.md §3, §7). */
export const incidentInputSchema = z
  .object({
    entityRef: entityRefSchema,
    source: text(63),
    externalId: text(255),
    severity: z.enum(INCIDENT_SEVERITIES),
    title: text(1000),
    environment: text(63).optional(),
    startedAt: timestamp,
    resolvedAt: timestamp.optional(),
    url: httpUrl.optional(),
    reportedAt: timestamp.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.resolvedAt && value.resolvedAt < value.startedAt) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['resolvedAt'],
        message: 'must not be before startedAt',
      });
    }
  });

const limit = z.coerce.number().int().min(1).max(500).default(50);
const cursor = z.string().min(1).max(512).optional();
const environment = z.string().min(1).max(63).optional();

/** Query of `GET /entities/:kind/:namespace/:name/deployments`. */
export const listDeploymentsQuerySchema = z
  .object({
    environment,
    status: z.enum(DEPLOYMENT_STATUSES).optional(),
    /** Only the deployments that shipped this release (docs/gates.md). */
    releaseId: z.string().min(1).max(36).optional(),
    limit,
    cursor,
  })
  .strict();

/** Query of `GET /entities/:kind/:namespace/:name/incidents`. */
export const listIncidentsQuerySchema = z
  .object({
    environment,
    since: timestamp.optional(),
    limit,
    cursor,
  })
  .strict();

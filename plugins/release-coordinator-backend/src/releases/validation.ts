import {
  APPROVAL_DECISIONS,
  ApprovalRequest,
  ChecklistItemUpdateRequest,
  CreateReleaseRequest,
  DEPLOYMENT_STRATEGIES,
  EvidenceRequest,
  UpdateReleaseRequest,
} from '@release-coordinator/backstage-plugin-common';
import { z } from 'zod';
import { httpUrlSchema } from '../service/validation';

const commitSha = z
  .string()
  .regex(/^[0-9a-fA-F]{7,64}$/, 'must be a 7-64 digit hexadecimal commit SHA');
const artifactDigest = z.string().min(1).max(255);
const url = httpUrlSchema;
const text = z.string().max(4000);

const planSchema = z
  .object({
    strategy: z.enum(DEPLOYMENT_STRATEGIES),
    zeroDowntime: z.boolean(),
    hasDatabaseMigrations: z.boolean(),
    hasConfigChanges: z.boolean(),
    notes: text.optional(),
  })
  .strict();

/** Path of the `/releases/:id...` routes. */
export const releasePathSchema = z.object({
  id: z.string().min(1).max(64),
  itemId: z.string().min(1).max(63).optional(),
});

/** Body of `POST /entities/:kind/:namespace/:name/releases`. */
export const createReleaseSchema: z.ZodType<CreateReleaseRequest> = z
  .object({
    version: z.string().trim().min(1).max(255),
    environment: z.string().min(1).max(63),
    commitSha: commitSha.optional(),
    artifactDigest: artifactDigest.optional(),
    plan: planSchema,
    commitAuthors: z.array(z.string().min(1).max(255)).max(100).optional(),
  })
  .strict();

/** Body of `PATCH /releases/:id`. */
export const updateReleaseSchema: z.ZodType<UpdateReleaseRequest> = z
  .object({
    commitSha: commitSha.optional(),
    artifactDigest: artifactDigest.optional(),
    plan: planSchema.optional(),
  })
  .strict()
  .refine(
    body =>
      body.commitSha !== undefined ||
      body.artifactDigest !== undefined ||
      body.plan !== undefined,
    'give commitSha, artifactDigest or plan',
  );

/** Body of `PUT /releases/:id/checklist/:itemId`. */
export const checklistItemUpdateSchema: z.ZodType<ChecklistItemUpdateRequest> =
  z
    .object({
      status: z.enum(['passed', 'failed', 'waived']),
      evidenceUrl: url.optional(),
      comment: text.optional(),
    })
    .strict();

/** Body of `POST /releases/:id/evidence`. */
export const evidenceSchema: z.ZodType<EvidenceRequest> = z
  .object({
    items: z
      .array(
        z
          .object({
            itemId: z.string().min(1).max(63),
            status: z.enum(['passed', 'failed']),
            // A number where a number is meant (coverage 79); text as before.
            value: z
              .union([z.string().max(255), z.number().finite()])
              .optional(),
            url: url.optional(),
            source: z.string().min(1).max(63),
            commitSha: commitSha.optional(),
            artifactDigest: artifactDigest.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(50),
  })
  .strict();

/** Body of `POST /releases/:id/approvals`. */
export const approvalSchema: z.ZodType<ApprovalRequest> = z
  .object({
    decision: z.enum(APPROVAL_DECISIONS),
    comment: text.optional(),
    overrideFreeze: z
      .object({ reason: z.string().trim().min(1).max(4000) })
      .strict()
      .optional(),
  })
  .strict();

/** Query of `GET /entities/:kind/:namespace/:name/gate` (docs/gates.md). */
export const gateQuerySchema = z
  .object({
    environment: z.string().min(1).max(63),
    version: z.string().trim().min(1).max(255),
    commitSha: commitSha.optional(),
    artifactDigest: artifactDigest.optional(),
  })
  .strict();

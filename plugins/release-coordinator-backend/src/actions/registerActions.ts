import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { JsonObject } from '@backstage/types';
import { Call, Operations } from '../operations/Operations';

/*
 * The plugin's actions for AI agents and other callers of the actions
 * registry (docs/agents.md). Each one is a thin adapter over an operation of
 * src/operations: the same input schemas, access layer, permissions and
 * domain services as the HTTP route of the same name, with the caller's own
 * credentials (an agent over MCP acts as its user, no more). Only the
 * auditor channel differs (`meta.channel: action`, `meta.actionId`).
 *
 * The input schemas below describe the fields for an agent; the operation
 * parses them again with the route's schema, so the limits (lengths,
 * configured environments, formats) and the 400 messages are the routes'.
 */

/** Prefix of every action id: `release-coordinator:<name>`. */
export const ACTIONS_PLUGIN_ID = 'release-coordinator';

/** The names of the registered actions, with their attributes (docs/agents.md). */
export const ACTION_ATTRIBUTES = {
  'get-release-readiness': {
    readOnly: true,
    destructive: false,
    idempotent: true,
  },
  'get-deploy-gate': { readOnly: true, destructive: false, idempotent: true },
  'list-releases': { readOnly: true, destructive: false, idempotent: true },
  'get-release': { readOnly: true, destructive: false, idempotent: true },
  'get-environments': { readOnly: true, destructive: false, idempotent: true },
  'list-deployments': { readOnly: true, destructive: false, idempotent: true },
  'get-delivery-metrics': {
    readOnly: true,
    destructive: false,
    idempotent: true,
  },
  'create-release': { readOnly: false, destructive: false, idempotent: false },
  'record-evidence': { readOnly: false, destructive: false, idempotent: true },
  'update-checklist-item': {
    readOnly: false,
    destructive: false,
    idempotent: true,
  },
  'decide-release': { readOnly: false, destructive: true, idempotent: false },
  'roll-back': { readOnly: false, destructive: true, idempotent: true },
} as const;

/** The name of one registered action. */
export type ActionName = keyof typeof ACTION_ATTRIBUTES;

/** What {@link registerActions} needs. */
export interface RegisterActionsOptions {
  actionsRegistry: ActionsRegistryService;
  operations: Operations;
}

/**
 * An operation's answer as the action's output: the JSON the route sends
 * (dates as strings, no undefined), typed as the action's output schema,
 * which the registry checks it against.
 */
function output<T = JsonObject>(value: unknown): { output: T } {
  return { output: JSON.parse(JSON.stringify(value)) as T };
}

/** Registers the plugin's actions with the actions registry. */
export function registerActions(options: RegisterActionsOptions): void {
  const { actionsRegistry, operations } = options;
  const call = (name: ActionName, credentials: Call['credentials']): Call => ({
    credentials,
    via: { channel: 'action', actionId: `${ACTIONS_PLUGIN_ID}:${name}` },
  });

  actionsRegistry.register({
    name: 'get-release-readiness',
    title: 'Get release readiness',
    description:
      'Tells whether an entity (e.g. component:default/payments-api) may ship to an environment: the newest release still headed there, which checklist items pass, are waived or are missing, how many approvals are required and remaining, who may approve and who may not (separation of duties), an active freeze, and the resulting decision (approved, ready-to-deploy, awaiting-approval, frozen, blocked, rejected, closed, no-open-release) with reasons.',
    attributes: ACTION_ATTRIBUTES['get-release-readiness'],
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe('Entity ref, e.g. component:default/payments-api'),
          environment: z
            .string()
            .describe('A configured environment, e.g. production'),
        }),
      output: z =>
        z
          .object({
            entityRef: z.string(),
            environment: z.string(),
            decision: z.string(),
            reasons: z.array(z.string()),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) =>
      output(
        await operations.getReadiness({
          ...call('get-release-readiness', credentials),
          entity: input.entityRef,
          environment: input.environment,
        }),
      ),
  });

  actionsRegistry.register({
    name: 'get-deploy-gate',
    title: 'May this version be deployed now?',
    description:
      'The deploy gate that CI and deploy tools enforce: whether a version (optionally with its commit or artifact digest) of an entity may be deployed to an environment right now, with the reasons (no release, not approved, rejected, frozen, an attested item expired, commit mismatch) and who can act.',
    attributes: ACTION_ATTRIBUTES['get-deploy-gate'],
    schema: {
      input: z =>
        z.object({
          entityRef: z.string(),
          environment: z.string(),
          version: z.string(),
          commitSha: z.string().optional(),
          artifactDigest: z.string().optional(),
        }),
      output: z =>
        z
          .object({
            allowed: z.boolean(),
            reasons: z.array(z.object({}).passthrough()),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) => {
      const { entityRef, ...query } = input;
      return output(
        await operations.getGate({
          ...call('get-deploy-gate', credentials),
          entity: entityRef,
          query: definedOnly(query),
        }),
      );
    },
  });

  actionsRegistry.register({
    name: 'list-releases',
    title: 'List releases',
    description:
      'Lists the releases of an entity, newest first, optionally for one environment: version, environment, state (draft, ready, approved, rejected, deploying, deployed, failed, rolled-back, superseded), creator and id.',
    attributes: ACTION_ATTRIBUTES['list-releases'],
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe('Entity ref, e.g. component:default/payments-api'),
          environment: z.string().optional(),
          limit: z.number().int().optional().describe('1-200, default 50'),
        }),
      output: z =>
        z.object({ items: z.array(z.object({}).passthrough()) }).passthrough(),
    },
    action: async ({ input, credentials }) =>
      output(
        await operations.listReleases({
          ...call('list-releases', credentials),
          entity: input.entityRef,
          query: definedOnly({
            environment: input.environment,
            limit: input.limit,
          }),
        }),
      ),
  });

  actionsRegistry.register({
    name: 'get-release',
    title: 'Get a release',
    description:
      'Reads one release by id with its checklist (each item with status and evidence), approvals, pipeline stages, approvals required and remaining, and the open items.',
    attributes: ACTION_ATTRIBUTES['get-release'],
    schema: {
      input: z => z.object({ releaseId: z.string() }),
      output: z =>
        z.object({ release: z.object({}).passthrough() }).passthrough(),
    },
    action: async ({ input, credentials }) =>
      output(
        await operations.getRelease({
          ...call('get-release', credentials),
          releaseId: input.releaseId,
        }),
      ),
  });

  actionsRegistry.register({
    name: 'get-environments',
    title: 'What runs where',
    description:
      'For an entity, what runs in each environment: the current deployment (version, status, when), the release awaiting approval there, and the sync state of the CI/CD providers.',
    attributes: ACTION_ATTRIBUTES['get-environments'],
    schema: {
      input: z => z.object({ entityRef: z.string() }),
      output: z =>
        z.object({ items: z.array(z.object({}).passthrough()) }).passthrough(),
    },
    action: async ({ input, credentials }) =>
      output(
        await operations.getEnvironments({
          ...call('get-environments', credentials),
          entity: input.entityRef,
        }),
      ),
  });

  actionsRegistry.register({
    name: 'list-deployments',
    title: 'List deployments',
    description:
      'Deployment history of an entity, newest first: version, kind (deploy or rollback), status, environment, start and finish; paginate with nextCursor.',
    attributes: ACTION_ATTRIBUTES['list-deployments'],
    schema: {
      input: z =>
        z.object({
          entityRef: z.string(),
          environment: z.string().optional(),
          status: z
            .string()
            .optional()
            .describe('running, succeeded, failed or cancelled'),
          limit: z.number().int().optional().describe('1-500, default 50'),
          cursor: z
            .string()
            .optional()
            .describe('nextCursor of a previous page'),
        }),
      output: z =>
        z.object({ items: z.array(z.object({}).passthrough()) }).passthrough(),
    },
    action: async ({ input, credentials }) =>
      output(
        await operations.listDeployments({
          ...call('list-deployments', credentials),
          entity: input.entityRef,
          query: definedOnly({
            environment: input.environment,
            status: input.status,
            limit: input.limit,
            cursor: input.cursor,
          }),
        }),
      ),
  });

  actionsRegistry.register({
    name: 'get-delivery-metrics',
    title: 'Get delivery metrics',
    description:
      'DORA and reliability metrics and infrastructure cost of an entity over a window (default 30d) in an environment (default production), with the previous window for comparison. For a Group, System or Domain the numbers roll up over the components and resources it owns or contains (memberEntityRefs).',
    attributes: ACTION_ATTRIBUTES['get-delivery-metrics'],
    schema: {
      input: z =>
        z.object({
          entityRef: z.string(),
          environment: z.string().optional(),
          window: z
            .string()
            .optional()
            .describe('Nd with 1 <= N <= 365, e.g. 30d'),
          end: z.string().optional().describe('ISO-8601 end of the window'),
        }),
      output: z =>
        z
          .object({
            entityRef: z.string(),
            environment: z.string(),
            metrics: z.object({}).passthrough(),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) =>
      output(
        await operations.getMetrics({
          ...call('get-delivery-metrics', credentials),
          entity: input.entityRef,
          query: definedOnly({
            environment: input.environment,
            window: input.window,
            end: input.end,
          }),
        }),
      ),
  });

  actionsRegistry.register({
    name: 'create-release',
    title: 'Create a release',
    description:
      'Creates a release of an entity for an environment with its deployment plan; the checklist follows from the plan. The caller becomes its creator and may therefore not approve it (separation of duties). Fails with 409 when that version already has a release for the environment.',
    attributes: ACTION_ATTRIBUTES['create-release'],
    schema: {
      input: z =>
        z.object({
          entityRef: z.string(),
          version: z.string(),
          environment: z.string(),
          commitSha: z.string().optional(),
          artifactDigest: z.string().optional(),
          commitAuthors: z
            .array(z.string())
            .optional()
            .describe('User entity refs of the commit authors'),
          plan: z.object({
            strategy: z
              .string()
              .describe('rolling, blue-green, canary or recreate'),
            zeroDowntime: z.boolean(),
            hasDatabaseMigrations: z.boolean(),
            hasConfigChanges: z.boolean(),
            notes: z.string().optional(),
          }),
        }),
      output: z =>
        z.object({ release: z.object({}).passthrough() }).passthrough(),
    },
    action: async ({ input, credentials }) => {
      const { entityRef, ...body } = input;
      return output(
        await operations.createRelease({
          ...call('create-release', credentials),
          entity: entityRef,
          body: definedOnly(body),
        }),
      );
    },
  });

  actionsRegistry.register({
    name: 'record-evidence',
    title: 'Record checklist evidence',
    description:
      'Records CI evidence (passed or failed) for automatic checklist items of a release, e.g. tests-passing or security-scan, with its source and a link. Machine input: needs the events.push permission (service principals such as CI), which users normally do not have.',
    attributes: ACTION_ATTRIBUTES['record-evidence'],
    schema: {
      input: z =>
        z.object({
          releaseId: z.string(),
          items: z.array(
            z.object({
              itemId: z.string(),
              status: z.enum(['passed', 'failed']),
              source: z.string().describe('The reporting system, e.g. github'),
              value: z.union([z.string(), z.number()]).optional(),
              url: z.string().optional(),
              commitSha: z.string().optional(),
              artifactDigest: z.string().optional(),
            }),
          ),
        }),
      output: z =>
        z.object({ release: z.object({}).passthrough() }).passthrough(),
    },
    action: async ({ input, credentials }) =>
      output(
        await operations.recordEvidence({
          ...call('record-evidence', credentials),
          releaseId: input.releaseId,
          body: { items: input.items.map(definedOnly) },
        }),
      ),
  });

  actionsRegistry.register({
    name: 'update-checklist-item',
    title: 'Attest or waive a checklist item',
    description:
      'Attests a manual checklist item of a release as passed or failed, or waives it (waiving needs a comment giving the reason and the waive permission). Items with a required role can only be attested by members of that role.',
    attributes: ACTION_ATTRIBUTES['update-checklist-item'],
    schema: {
      input: z =>
        z.object({
          releaseId: z.string(),
          itemId: z.string(),
          status: z.enum(['passed', 'failed', 'waived']),
          comment: z.string().optional(),
          evidenceUrl: z.string().optional(),
        }),
      output: z =>
        z.object({ release: z.object({}).passthrough() }).passthrough(),
    },
    action: async ({ input, credentials }) => {
      const { releaseId, itemId, ...body } = input;
      return output(
        await operations.updateChecklistItem({
          ...call('update-checklist-item', credentials),
          releaseId,
          itemId,
          body: definedOnly(body),
        }),
      );
    },
  });

  actionsRegistry.register({
    name: 'decide-release',
    title: 'Approve or reject a release',
    description:
      'Approves or rejects a release as the caller. Refused (403) for its creator and commit authors (separation of duties) and for callers outside the approver groups; a reject is final; during a freeze an approval needs overrideFreeze with a reason and the freeze-override permission. Each person counts once.',
    attributes: ACTION_ATTRIBUTES['decide-release'],
    schema: {
      input: z =>
        z.object({
          releaseId: z.string(),
          decision: z.enum(['approve', 'reject']),
          comment: z.string().optional(),
          overrideFreeze: z.object({ reason: z.string() }).optional(),
        }),
      output: z =>
        z.object({ release: z.object({}).passthrough() }).passthrough(),
    },
    action: async ({ input, credentials }) => {
      const { releaseId, ...body } = input;
      return output(
        await operations.decide({
          ...call('decide-release', credentials),
          releaseId,
          body: definedOnly(body),
        }),
      );
    },
  });

  actionsRegistry.register({
    name: 'roll-back',
    title: 'Roll back an environment',
    description:
      'Rolls an environment of an entity back to the previous succeeded deployment (or targetDeploymentId). Needs a reason and an idempotencyKey: repeating a call with the same key returns the rollback it started instead of starting another. Refused while another rollback of the environment is pending.',
    attributes: ACTION_ATTRIBUTES['roll-back'],
    schema: {
      input: z =>
        z.object({
          entityRef: z.string(),
          environment: z.string(),
          reason: z.string(),
          idempotencyKey: z
            .string()
            .describe('1-200 printable ASCII characters, unique per intent'),
          targetDeploymentId: z.string().optional(),
          confirmMigrationRollback: z.boolean().optional(),
        }),
      output: z =>
        z
          .object({
            id: z.string(),
            state: z.string(),
            environment: z.string(),
          })
          .passthrough(),
    },
    action: async ({ input, credentials }) => {
      const { entityRef, idempotencyKey, ...body } = input;
      return output(
        await operations.startRollback({
          ...call('roll-back', credentials),
          entity: entityRef,
          idempotencyKey,
          body: definedOnly(body),
        }),
      );
    },
  });
}

/** The object without its `undefined` values (the route schemas are strict). */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

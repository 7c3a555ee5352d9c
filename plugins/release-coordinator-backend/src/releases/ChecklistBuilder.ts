import {
  ChecklistItem,
  ChecklistItemId,
  ChecklistItemKind,
  PipelineStage,
  ReleasePlan,
} from '@release-coordinator/backstage-plugin-common';

/** The role whose members attest database migrations and approve them. */
export const DATABASE_ADMIN_ROLE = 'database-admin';

/** One default checklist item of docs/product.md §4.2. */
export interface ChecklistItemDefinition {
  id: ChecklistItemId;
  defaultTitle: string;
  stage: PipelineStage;
  kind: ChecklistItemKind;
  /** Whether CI or a provider may set it through `POST /releases/:id/evidence`. */
  acceptsEvidence: boolean;
  /** Whether a person may attest it through `PUT /releases/:id/checklist/:itemId`. */
  acceptsAttestation: boolean;
  requiredRole?: string;
  /**
   * Whether a person's attestation of the item is about the plan (the
   * deployment plan, the rollback): a plan change that removes a gate
   * invalidates it, as a new commit invalidates automatic evidence.
   */
  coversPlan?: boolean;
  appliesTo(plan: ReleasePlan): boolean;
}

const always = () => true;
const withMigrations = (plan: ReleasePlan) => plan.hasDatabaseMigrations;
const withConfigChanges = (plan: ReleasePlan) => plan.hasConfigChanges;

const automatic = { kind: 'automatic', acceptsEvidence: true } as const;
const manual = { kind: 'manual', acceptsAttestation: true } as const;

/** The default checklist, in display order. */
export const CHECKLIST_DEFINITIONS: readonly ChecklistItemDefinition[] = [
  {
    id: 'tests-passing',
    defaultTitle: 'Unit, integration and e2e tests pass',
    stage: 'tests',
    ...automatic,
    acceptsAttestation: false,
    appliesTo: always,
  },
  {
    id: 'code-coverage',
    defaultTitle: 'Code coverage meets the threshold',
    stage: 'tests',
    ...automatic,
    acceptsAttestation: false,
    appliesTo: always,
  },
  {
    id: 'security-scan',
    defaultTitle: 'Security scan has no blocking findings',
    stage: 'build',
    ...automatic,
    acceptsAttestation: false,
    appliesTo: always,
  },
  {
    id: 'secrets-not-exposed',
    defaultTitle: 'Secret scan is clean',
    stage: 'build',
    ...automatic,
    acceptsAttestation: false,
    appliesTo: always,
  },
  {
    id: 'image-scanned',
    defaultTitle: 'Container image scan is clean',
    stage: 'build',
    ...automatic,
    acceptsAttestation: false,
    appliesTo: always,
  },
  {
    id: 'db-migration-tested',
    defaultTitle: 'Database migration tested on a replica',
    stage: 'staging',
    ...manual,
    acceptsEvidence: false,
    requiredRole: DATABASE_ADMIN_ROLE,
    appliesTo: withMigrations,
  },
  {
    id: 'migration-rollback-plan',
    defaultTitle: 'Migration rollback documented',
    stage: 'staging',
    ...manual,
    acceptsEvidence: false,
    appliesTo: withMigrations,
  },
  {
    id: 'config-rollout-plan',
    defaultTitle: 'Config change rollout documented',
    stage: 'staging',
    ...manual,
    acceptsEvidence: false,
    appliesTo: withConfigChanges,
  },
  {
    id: 'deployment-plan-documented',
    defaultTitle: 'Deployment plan documented',
    stage: 'staging',
    ...manual,
    acceptsEvidence: false,
    coversPlan: true,
    appliesTo: always,
  },
  {
    id: 'rollback-procedure-tested',
    defaultTitle: 'Rollback procedure rehearsed',
    stage: 'staging',
    ...manual,
    acceptsEvidence: false,
    coversPlan: true,
    appliesTo: always,
  },
  // "manual or automatic": attested by a person or reported by a provider.
  {
    id: 'monitoring-alerts-configured',
    defaultTitle: 'Monitoring alerts configured',
    stage: 'staging',
    ...manual,
    acceptsEvidence: true,
    appliesTo: always,
  },
  // Passed by the Notify team action, or attested manually.
  {
    id: 'team-communication-sent',
    defaultTitle: 'Team notified of the release',
    stage: 'production',
    ...automatic,
    acceptsAttestation: true,
    appliesTo: always,
  },
];

/** The definition of a default item, or undefined for an unknown id. */
export function findChecklistDefinition(
  itemId: string,
): ChecklistItemDefinition | undefined {
  return CHECKLIST_DEFINITIONS.find(definition => definition.id === itemId);
}

/** Builds the checklist of docs/product.md §4.2 for a plan. */
export class ChecklistBuilder {
  constructor(
    private readonly titles: Partial<Record<ChecklistItemId, string>> = {},
  ) {}

  /** The applicable items for `plan`, all pending, in display order. */
  build(plan: ReleasePlan): ChecklistItem[] {
    return CHECKLIST_DEFINITIONS.filter(definition =>
      definition.appliesTo(plan),
    ).map(definition => ({
      id: definition.id,
      title: this.titles[definition.id] ?? definition.defaultTitle,
      stage: definition.stage,
      kind: definition.kind,
      status: 'pending',
      ...(definition.requiredRole && {
        requiredRole: definition.requiredRole,
      }),
    }));
  }

  /**
   * The checklist for a new plan, keeping the status and evidence of every
   * item that still applies.
   */
  rebuild(plan: ReleasePlan, previous: ChecklistItem[]): ChecklistItem[] {
    const byId = new Map(previous.map(item => [item.id, item]));
    return this.build(plan).map(item => {
      const kept = byId.get(item.id);
      return kept ? { ...item, ...pickStatus(kept) } : item;
    });
  }
}

function pickStatus(
  item: ChecklistItem,
): Pick<ChecklistItem, 'status' | 'evidence' | 'waiverReason'> {
  return {
    status: item.status,
    ...(item.evidence && { evidence: item.evidence }),
    ...(item.waiverReason && { waiverReason: item.waiverReason }),
  };
}

import {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ReleasePlan } from '@release-coordinator/backstage-plugin-common';
import { Actor } from '../ApprovalPolicy';
import { readReleaseReadinessSettings } from '../config';

/** The release coordinator config the release tests run with. */
export const testConfig = {
  releaseCoordinator: {
    environments: [
      { name: 'staging' },
      {
        name: 'production',
        requiredApprovals: 2,
        approvers: ['owner', 'group:default/sre'],
      },
    ],
    roles: { 'database-admin': ['group:default/dba'] },
    checklist: { coverageThreshold: 80, rollbackRehearsalMaxAgeDays: 30 },
    freezeWindows: [
      {
        name: 'year-end',
        environments: ['production'],
        start: '2026-12-20T00:00:00Z',
        end: '2027-01-04T00:00:00Z',
      },
      {
        name: 'weekends',
        environments: ['production'],
        recurring: { cron: '0 0 * * SAT', duration: { hours: 48 } },
      },
    ],
  },
};

export const testSettings = readReleaseReadinessSettings(
  new ConfigReader(testConfig),
);

/** The example service; owned by team-a. */
export const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

export const paymentsRef = 'component:default/payments';

function user(name: string, ...groups: string[]): Actor {
  const ref = `user:default/${name}`;
  return {
    type: 'user',
    ref,
    ownershipRefs: [ref, ...groups.map(g => `group:default/${g}`)],
  };
}

/** The people of the tests and the groups they belong to. */
export const people = {
  /** Creates the releases; member of the owner group. */
  alice: user('alice', 'team-a'),
  /** Authors the commits; member of the owner group. */
  bob: user('bob', 'team-a'),
  /** Owner group member. */
  carol: user('carol', 'team-a'),
  /** SRE, eligible through the configured group. */
  dave: user('dave', 'sre'),
  /** Database admin, not in an approver group. */
  erin: user('erin', 'dba'),
  /** In no relevant group. */
  frank: user('frank', 'marketing'),
  /** CI, calling with a service token. */
  ci: {
    type: 'service',
    ref: 'external:ci',
    ownershipRefs: [],
  } as Actor,
};

export const simplePlan: ReleasePlan = {
  strategy: 'blue-green',
  zeroDowntime: true,
  hasDatabaseMigrations: false,
  hasConfigChanges: false,
};

export const migrationPlan: ReleasePlan = {
  ...simplePlan,
  hasDatabaseMigrations: true,
};

/** An auditor that remembers the events it was asked to create. */
export function recordingAuditor(): AuditorService & {
  events: Array<AuditorServiceCreateEventOptions & { outcome?: string }>;
} {
  const events: Array<AuditorServiceCreateEventOptions & { outcome?: string }> =
    [];
  return {
    events,
    async createEvent(options) {
      const event: AuditorServiceCreateEventOptions & { outcome?: string } = {
        ...options,
      };
      events.push(event);
      return {
        async success() {
          event.outcome = 'success';
        },
        async fail() {
          event.outcome = 'fail';
        },
      };
    },
  };
}

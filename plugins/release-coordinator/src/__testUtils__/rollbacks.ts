import {
  Rollback,
  RollbackPlan,
} from '@release-coordinator/backstage-plugin-common';
import { makeDeployment } from './deployments';

/** A rollback as the backend returns it: running, started by alice. */
export function makeRollback(overrides: Partial<Rollback> = {}): Rollback {
  return {
    id: 'rb-1',
    entityRef: 'component:default/payments',
    environment: 'production',
    state: 'running',
    fromDeploymentId: 'dep-2',
    fromVersion: '1.4.0',
    targetDeploymentId: 'dep-1',
    targetVersion: '1.3.0',
    reason: 'error rate doubled after 1.4.0',
    initiator: 'user:default/alice',
    automated: false,
    provider: 'github',
    confirmedMigrationRollback: false,
    createdAt: '2026-11-20T12:00:00.000Z',
    updatedAt: '2026-11-20T12:00:00.000Z',
    ...overrides,
  };
}

/** A production rollback plan from 1.4.0 (dep-2) back to 1.3.0 (dep-1), nothing in the way. */
export function makeRollbackPlan(
  overrides: Partial<RollbackPlan> = {},
): RollbackPlan {
  const current = makeDeployment({
    id: 'dep-2',
    version: '1.4.0',
    commitSha: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  });
  const target = makeDeployment({
    id: 'dep-1',
    version: '1.3.0',
    commitSha: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  });
  return {
    environment: 'production',
    current,
    target,
    candidates: [target],
    commitsUndone: [
      {
        sha: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
        committedAt: '2026-11-19T12:00:00.000Z',
      },
      {
        sha: 'cccccccccccccccccccccccccccccccccccccccc',
        committedAt: '2026-11-19T11:00:00.000Z',
      },
    ],
    migrations: [],
    provider: 'github',
    providerCanRollback: true,
    ...overrides,
  };
}

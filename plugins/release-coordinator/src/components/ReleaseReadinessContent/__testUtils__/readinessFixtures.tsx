import { ReactNode } from 'react';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import { TestApiProvider } from '@backstage/test-utils';
import {
  ChecklistItem,
  ReleaseDetails,
} from '@release-coordinator/backstage-plugin-common';
import { ReleaseCoordinatorApi, releaseCoordinatorApiRef } from '../../../api';
import {
  annotatedComponent,
  makeRelease,
} from '../../../__testUtils__/fixtures';

/** A checklist item as the backend returns it. */
export function makeItem(
  overrides: Partial<ChecklistItem> = {},
): ChecklistItem {
  return {
    id: 'tests-passing',
    title: 'Tests passing',
    stage: 'tests',
    kind: 'automatic',
    status: 'pending',
    ...overrides,
  };
}

/** A production release with a mixed checklist, one approval of two. */
export function makeDetails(
  overrides: Partial<ReleaseDetails> = {},
): ReleaseDetails {
  return {
    release: makeRelease({ commitSha: 'abcdef1234567890' }),
    checklist: [
      makeItem({
        status: 'passed',
        evidence: {
          url: 'https://ci.example.com/runs/42',
          source: 'github',
          recordedBy: 'github-actions',
          recordedAt: '2026-11-20T11:00:00.000Z',
        },
      }),
      makeItem({
        id: 'security-scan',
        title: 'Security scan',
        stage: 'build',
        status: 'waived',
        waiverReason: 'false positive in a test fixture',
      }),
      makeItem({
        id: 'image-scanned',
        title: 'Image scanned',
        stage: 'build',
        status: 'failed',
      }),
      makeItem({
        id: 'deployment-plan-documented',
        title: 'Deployment plan documented',
        stage: 'staging',
        kind: 'manual',
        status: 'pending',
      }),
    ],
    approvals: [
      {
        id: 'a1',
        releaseId: 'rel-1',
        decision: 'approve',
        approver: 'user:default/carol',
        comment: 'looks good',
        decidedAt: '2026-11-21T09:00:00.000Z',
      },
    ],
    stages: [
      { stage: 'commit', status: 'passed', itemIds: [] },
      { stage: 'tests', status: 'passed', itemIds: ['tests-passing'] },
      {
        stage: 'build',
        status: 'failed',
        itemIds: ['security-scan', 'image-scanned'],
      },
      {
        stage: 'staging',
        status: 'pending',
        itemIds: ['deployment-plan-documented'],
      },
      { stage: 'production', status: 'pending', itemIds: [] },
    ],
    approvalsRequired: 2,
    approvalsRemaining: 1,
    databaseAdminApprovalMissing: false,
    openItemIds: [],
    ...overrides,
  };
}

type PolicyDecision = Awaited<ReturnType<PermissionApi['authorize']>>;

/**
 * A permission policy that denies the named permissions and allows the rest
 * (`AuthorizeResult` lives in a package this plugin does not depend on).
 */
export function permissionApi(denied: string[] = []): PermissionApi {
  return {
    authorize: async request =>
      ({
        result: denied.includes(request.permission.name) ? 'DENY' : 'ALLOW',
      } as PolicyDecision),
  };
}

/** Wraps Release readiness components in the APIs and entity they need. */
export function withReadinessApis(
  api: Partial<ReleaseCoordinatorApi>,
  children: ReactNode,
  options: { denied?: string[]; entity?: Entity } = {},
) {
  return (
    <TestApiProvider
      apis={[
        [releaseCoordinatorApiRef, api],
        [permissionApiRef, permissionApi(options.denied)],
      ]}
    >
      <EntityProvider entity={options.entity ?? annotatedComponent}>
        {children}
      </EntityProvider>
    </TestApiProvider>
  );
}

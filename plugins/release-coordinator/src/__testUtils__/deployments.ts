import {
  Deployment,
  EnvironmentsResponse,
} from '@release-coordinator/backstage-plugin-common';

/** A deployment as the backend returns it. */
export function makeDeployment(
  overrides: Partial<Deployment> = {},
): Deployment {
  return {
    id: 'dep-1',
    entityRef: 'component:default/payments',
    environment: 'production',
    source: 'github',
    externalId: 'run-1',
    version: '1.4.0',
    commitSha: '0123456789abcdef0123456789abcdef01234567',
    kind: 'deploy',
    status: 'succeeded',
    startedAt: '2026-11-20T10:00:00.000Z',
    finishedAt: '2026-11-20T10:04:32.000Z',
    initiator: 'user:default/alice',
    url: 'https://ci.example.com/runs/1',
    commits: [],
    ...overrides,
  };
}

/** An environments response with nothing deployed and no providers. */
export function makeEnvironments(
  overrides: Partial<EnvironmentsResponse> = {},
): EnvironmentsResponse {
  return { items: [], sync: [], ...overrides };
}

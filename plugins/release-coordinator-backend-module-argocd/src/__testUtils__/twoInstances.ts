import { ArgoCdInstance } from '../config';
import { ArgoCdTestServer } from './ArgoCdTestServer';
import { application, historyEntry, operationState, SHA } from './fixtures';

/*
 * Two Argo CD instances side by side, as the provider tests use them:
 * `us` has notification-gateway-staging; `eu` has identity-service and
 * notification-gateway-production (and an unrelated app).
 */

/** A token that may read and sync every application. */
export const ADMIN = { read: '*' as const, sync: true };

/** identity-service on the EU instance: three syncs, the last one live. */
export function identityService(overrides: { automated?: boolean } = {}) {
  return application({
    name: 'identity-service',
    namespace: 'identity-production',
    automated: overrides.automated,
    images: ['ghcr.io/example-org/identity-service:2.4.1', 'redis:7.2'],
    history: [
      historyEntry(0, SHA.a, undefined, '2026-11-20T10:00:05Z'),
      historyEntry(1, SHA.b, '2026-11-22T10:00:00Z', '2026-11-22T10:00:09Z'),
      historyEntry(2, SHA.c, '2026-11-25T09:00:00Z', '2026-11-25T09:00:08Z', {
        automated: true,
      }),
    ],
    operationState: operationState({
      revision: SHA.c,
      startedAt: '2026-11-25T09:00:00Z',
      finishedAt: '2026-11-25T09:00:08Z',
      operation: {
        sync: { revision: SHA.c },
        initiatedBy: { automated: true },
      },
    }),
  });
}

/** The two running instances and the config naming them. */
export interface TwoInstances {
  us: ArgoCdTestServer;
  eu: ArgoCdTestServer;
  instances: ArgoCdInstance[];
}

/** Starts both instances; the caller closes them. */
export async function startTwoInstances(): Promise<TwoInstances> {
  const us = await ArgoCdTestServer.start({
    tokens: {
      'us-token': ADMIN,
      'us-reader': { read: ['billing'], sync: false },
    },
    applications: [
      application({
        name: 'notification-gateway-staging',
        namespace: 'notifications-staging',
        labels: { 'app.kubernetes.io/part-of': 'notification-gateway' },
        history: [
          historyEntry(
            4,
            SHA.a,
            '2026-11-24T08:00:00Z',
            '2026-11-24T08:00:30Z',
          ),
        ],
      }),
    ],
  });
  const eu = await ArgoCdTestServer.start({
    tokens: { 'eu-token': ADMIN },
    applications: [
      identityService(),
      application({
        name: 'notification-gateway-production',
        namespace: 'notifications',
        labels: {
          'app.kubernetes.io/part-of': 'notification-gateway',
          'release-coordinator/environment': 'production',
        },
        history: [
          historyEntry(
            7,
            SHA.b,
            '2026-11-24T12:00:00Z',
            '2026-11-24T12:01:00Z',
          ),
        ],
      }),
      application({
        name: 'unrelated',
        labels: { 'app.kubernetes.io/part-of': 'something-else' },
      }),
    ],
  });
  const instances: ArgoCdInstance[] = [
    { name: 'us', url: us.url, token: 'us-token' },
    { name: 'eu', url: eu.url, token: 'eu-token' },
  ];
  return { us, eu, instances };
}

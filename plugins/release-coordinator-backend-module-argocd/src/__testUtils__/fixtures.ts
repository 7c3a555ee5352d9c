import { Entity } from '@backstage/catalog-model';
import {
  ArgoCdApplication,
  ArgoCdOperationState,
  ArgoCdRevisionHistory,
} from '../types';

/** Commit shas of the example repository, oldest first. */
export const SHA = {
  a: 'a1f3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9',
  b: 'b2e4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0',
  c: 'c3d5e7f9b1a3c5d7e9f1b3a5c7d9e1f3b5a7c9d1',
  d: 'd4c6e8a0f2b4d6c8e0a2f4b6d8c0e2a4f6b8d0c2',
};

const SOURCE = {
  repoURL: 'https://github.com/example-org/gitops.git',
  path: 'apps/identity-service/overlays/production',
  targetRevision: 'main',
};

/** A `status.history` entry shaped like Argo CD's (`argocd app get -o json`). */
export function historyEntry(
  id: number,
  revision: string,
  deployStartedAt: string | undefined,
  deployedAt: string,
  initiatedBy: ArgoCdRevisionHistory['initiatedBy'] = { username: 'admin' },
): ArgoCdRevisionHistory {
  return {
    revision,
    deployedAt,
    id,
    source: SOURCE,
    ...(deployStartedAt && { deployStartedAt }),
    initiatedBy,
  };
}

/** A succeeded `status.operationState` of a sync, as the controller writes it. */
export function operationState(
  overrides: Partial<ArgoCdOperationState> & { revision: string },
): ArgoCdOperationState & Record<string, unknown> {
  const { revision, ...rest } = overrides;
  return {
    operation: {
      sync: { revision },
      initiatedBy: { username: 'admin' },
    },
    phase: 'Succeeded',
    message: 'successfully synced (all tasks run)',
    syncResult: { revision },
    startedAt: '2026-11-25T09:00:00Z',
    finishedAt: '2026-11-25T09:00:08Z',
    ...rest,
  };
}

/** An Argo CD Application as `GET /api/v1/applications/{name}` returns it. */
export function application(options: {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  automated?: boolean;
  history?: ArgoCdRevisionHistory[];
  operationState?: ArgoCdOperationState;
  images?: string[];
}): ArgoCdApplication {
  const history = options.history ?? [];
  // Built as a plain object first: it carries the fields of a real
  // Application that the module does not read.
  const app = {
    metadata: {
      name: options.name,
      namespace: 'argocd',
      uid: `5c4a7b3e-${options.name}`,
      resourceVersion: '48190',
      generation: 41,
      creationTimestamp: '2026-08-01T08:00:00Z',
      labels: options.labels ?? {},
    },
    spec: {
      source: SOURCE,
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: options.namespace ?? 'identity',
      },
      project: 'default',
      syncPolicy: options.automated
        ? { automated: { prune: true, selfHeal: true } }
        : { syncOptions: ['CreateNamespace=true'] },
    },
    status: {
      resources: [
        {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          namespace: options.namespace ?? 'identity',
          name: options.name,
          status: 'Synced',
          health: { status: 'Healthy' },
        },
      ],
      sync: {
        status: 'Synced',
        revision: history[history.length - 1]?.revision,
      },
      health: { status: 'Healthy' },
      history,
      reconciledAt: '2026-11-26T09:55:00Z',
      ...(options.operationState && {
        operationState: options.operationState,
      }),
      sourceType: 'Kustomize',
      summary: { images: options.images ?? [] },
    },
  };
  return app;
}

/** A catalog component with the given annotations. */
export function component(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/identity-team',
    },
  };
}

/*
 * The parts of Argo CD's `Application` resource (argoproj.io/v1alpha1) that
 * this module reads, as the REST API (`/api/v1/applications`) returns them.
 */

/** An application source (`spec.source`, `status.history[].source`). */
export interface ArgoCdApplicationSource {
  repoURL?: string;
  path?: string;
  chart?: string;
  targetRevision?: string;
}

/** Who started an operation. */
export interface ArgoCdInitiator {
  username?: string;
  automated?: boolean;
}

/** One entry of `status.history`: a sync that succeeded. */
export interface ArgoCdRevisionHistory {
  id: number;
  revision?: string;
  /** Multi-source applications list one revision per source. */
  revisions?: string[];
  deployedAt: string;
  deployStartedAt?: string;
  source?: ArgoCdApplicationSource;
  sources?: ArgoCdApplicationSource[];
  initiatedBy?: ArgoCdInitiator;
}

/** The phases of `status.operationState`. */
export type ArgoCdOperationPhase =
  | 'Running'
  | 'Terminating'
  | 'Failed'
  | 'Error'
  | 'Succeeded';

/** `status.operationState`: the last (or running) operation. */
export interface ArgoCdOperationState {
  phase: ArgoCdOperationPhase;
  message?: string;
  startedAt: string;
  finishedAt?: string;
  operation?: {
    sync?: { revision?: string; revisions?: string[] };
    initiatedBy?: ArgoCdInitiator;
  };
  syncResult?: { revision?: string; revisions?: string[] };
}

/** An Argo CD `Application`. */
export interface ArgoCdApplication {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
  spec?: {
    destination?: { server?: string; name?: string; namespace?: string };
    syncPolicy?: { automated?: Record<string, unknown> | null };
  };
  status?: {
    history?: ArgoCdRevisionHistory[];
    operationState?: ArgoCdOperationState;
    summary?: { images?: string[] };
    sync?: { status?: string; revision?: string };
  };
}

/** `GET /api/v1/applications` response. */
export interface ArgoCdApplicationList {
  items?: ArgoCdApplication[] | null;
}

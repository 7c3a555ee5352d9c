import { ConflictError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  DeploymentProvider,
  RollbackExecution,
  RollbackRequest,
} from '@release-coordinator/backstage-plugin-node';

/** Notifications that remember what was sent. */
export function recordingNotifications(): NotificationService & {
  sent: Parameters<NotificationService['send']>[0][];
} {
  const sent: Parameters<NotificationService['send']>[0][] = [];
  return {
    sent,
    async send(options) {
      sent.push(options);
    },
  };
}

/** Signals that remember what was published. */
export function recordingSignals(): SignalsService & {
  published: Parameters<SignalsService['publish']>[0][];
} {
  const published: Parameters<SignalsService['publish']>[0][] = [];
  return {
    published,
    async publish(message) {
      published.push(message);
    },
  } as SignalsService & {
    published: Parameters<SignalsService['publish']>[0][];
  };
}

/**
 * A deployment provider of the kind a CI module registers: it pulls nothing
 * and starts rollbacks as runs with ids derived from the idempotency key,
 * answering as configured (a run state, a refusal, or an error).
 */
export class ScriptedRollbackProvider implements DeploymentProvider {
  readonly calls: RollbackRequest[] = [];
  /** What the next calls answer. */
  answer:
    | { status: RollbackExecution['status'] }
    | { conflict: string }
    | { error: string } = { status: 'in_progress' };

  /** Runs before answering, e.g. to report the run as a webhook would. */
  beforeAnswer?: (request: RollbackRequest) => Promise<void>;

  constructor(readonly id: string) {}

  async pull() {
    return { deployments: [] };
  }

  async rollback(request: RollbackRequest): Promise<RollbackExecution> {
    this.calls.push(request);
    await this.beforeAnswer?.(request);
    const answer = this.answer;
    if ('conflict' in answer) {
      throw new ConflictError(answer.conflict);
    }
    if ('error' in answer) {
      throw new Error(answer.error);
    }
    return {
      externalId: `rollback-${request.idempotencyKey}`,
      status: answer.status,
      url: `https://ci.example/runs/rollback-${request.idempotencyKey}`,
    };
  }
}

import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  entityDeploymentsSignalChannel,
  Rollback,
} from '@release-coordinator/backstage-plugin-common';
import { ReleaseStore } from '../database/ReleaseStore';
import {
  NOTIFICATION_TOPIC,
  notificationTitle,
} from '../releases/ReleaseEvents';
import { auditChannel, CallChannel } from '../releases/ReleaseReadiness';

/** What happened to a rollback, as audited. */
export type RollbackAction = 'requested' | 'succeeded' | 'failed' | 'dry-run';

/** What {@link RollbackEvents} needs; signals and notifications are optional. */
export interface RollbackEventsOptions {
  auditor: AuditorService;
  /** Where the audit rows go (rows without a release are allowed). */
  auditTrail: Pick<ReleaseStore, 'appendAuditEvent'>;
  signals?: SignalsService;
  notifications?: NotificationService;
  logger?: LoggerService;
}

/** The path of the entity's Deployments tab. */
export function deploymentsLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind,
  )}/${encodeURIComponent(name)}/deployments`;
}

function describe(rollback: Rollback): string {
  const from = rollback.fromVersion ? ` from ${rollback.fromVersion}` : '';
  return `Rollback of ${rollback.entityRef} in ${rollback.environment}${from} to ${rollback.targetVersion}`;
}

/**
 * What the world hears of a rollback: an auditor event (high severity) and
 * an audit row for every request and outcome, a signal to open Deployments
 * tabs on every state change, and one notification per rollback to the
 * entity's owners, sent when it starts and updated in place (same scope)
 * when it succeeds or fails. Never throws: the rollback is stored; a missed
 * signal or notification is logged.
 */
export class RollbackEvents {
  constructor(private readonly options: RollbackEventsOptions) {}

  /** Audits, signals and notifies (one notification, updated). */
  async changed(
    rollback: Rollback,
    action: RollbackAction,
    via?: CallChannel,
  ): Promise<void> {
    await this.audit(rollback, action, via);
    await this.signal(rollback);
    await this.notify(rollback, action);
  }

  /**
   * Audits a request that was refused before a rollback was recorded (no
   * target, migrations not confirmed, no provider, one already running).
   */
  async refused(options: {
    entityRef: string;
    environment: string;
    initiator: string;
    reason: string;
    targetDeploymentId?: string;
    error: Error;
    via?: CallChannel;
  }): Promise<void> {
    const { auditor, logger } = this.options;
    const channel = auditChannel(options.via);
    try {
      const event = await auditor.createEvent({
        eventId: 'rollback',
        severityLevel: 'high',
        request: channel.request,
        meta: { actor: options.initiator, ...channel.meta },
      });
      await event.fail({
        meta: {
          ...channel.meta,
          action: 'refused',
          entityRef: options.entityRef,
          environment: options.environment,
          initiator: options.initiator,
          reason: options.reason,
          ...(options.targetDeploymentId && {
            targetDeploymentId: options.targetDeploymentId,
          }),
        },
        error: options.error,
      });
    } catch (error) {
      logger?.warn(
        `Could not audit the refused rollback of ${options.entityRef}: ${error}`,
      );
    }
  }

  /** Only tells open tabs to reload (e.g. pending → running). */
  async signal(rollback: Rollback): Promise<void> {
    const { signals, logger } = this.options;
    if (!signals) {
      return;
    }
    try {
      await signals.publish({
        recipients: { type: 'broadcast' },
        channel: entityDeploymentsSignalChannel(rollback.entityRef),
        message: {
          entityRef: rollback.entityRef,
          rollbackId: rollback.id,
          environment: rollback.environment,
          state: rollback.state,
        },
      });
    } catch (error) {
      logger?.warn(`Could not signal rollback ${rollback.id}: ${error}`);
    }
  }

  private async audit(
    rollback: Rollback,
    action: RollbackAction,
    via?: CallChannel,
  ): Promise<void> {
    const { auditor, auditTrail, logger } = this.options;
    const channel = auditChannel(via);
    const meta = {
      ...channel.meta,
      action,
      rollbackId: rollback.id,
      entityRef: rollback.entityRef,
      environment: rollback.environment,
      state: rollback.state,
      targetVersion: rollback.targetVersion,
      ...(rollback.fromVersion && { fromVersion: rollback.fromVersion }),
      initiator: rollback.initiator,
      automated: rollback.automated,
      ...(rollback.incidentId && { incidentId: rollback.incidentId }),
      provider: rollback.provider,
      ...(rollback.deploymentId && { deploymentId: rollback.deploymentId }),
      reason: rollback.reason,
    };
    try {
      const event = await auditor.createEvent({
        eventId: 'rollback',
        severityLevel: 'high',
        request: channel.request,
        meta: { actor: rollback.initiator, ...channel.meta },
      });
      if (action === 'failed') {
        await event.fail({
          meta,
          error: new Error(rollback.error ?? 'The rollback failed'),
        });
      } else {
        await event.success({ meta });
      }
    } catch (error) {
      logger?.warn(`Could not audit rollback ${rollback.id}: ${error}`);
    }
    try {
      await auditTrail.appendAuditEvent({
        entityRef: rollback.entityRef,
        actor: rollback.initiator,
        action: `rollback.${action}`,
        after: {
          rollbackId: rollback.id,
          environment: rollback.environment,
          state: rollback.state,
          targetDeploymentId: rollback.targetDeploymentId,
          targetVersion: rollback.targetVersion,
          fromVersion: rollback.fromVersion ?? null,
          automated: rollback.automated,
          incidentId: rollback.incidentId ?? null,
          deploymentId: rollback.deploymentId ?? null,
          error: rollback.error ?? null,
        },
        reason: rollback.reason,
      });
    } catch (error) {
      logger?.warn(
        `Could not write the audit row of rollback ${rollback.id}: ${error}`,
      );
    }
  }

  private async notify(
    rollback: Rollback,
    action: RollbackAction,
  ): Promise<void> {
    const { notifications, logger } = this.options;
    if (!notifications) {
      return;
    }
    const who = rollback.automated
      ? `the automation${
          rollback.incidentId ? ` (incident ${rollback.incidentId})` : ''
        }`
      : rollback.initiator;
    const outcome: Record<RollbackAction, string> = {
      requested: 'started',
      succeeded: 'succeeded',
      failed: 'failed',
      'dry-run': 'would have started (dry run)',
    };
    const title = notificationTitle(`${describe(rollback)} ${outcome[action]}`);
    const description = [
      `Requested by ${who}: ${rollback.reason}.`,
      rollback.error ? `Error: ${rollback.error}` : undefined,
    ]
      .filter(Boolean)
      .join(' ');
    try {
      await notifications.send({
        // An entity recipient that is not a user or group reaches its owners.
        recipients: { type: 'entity', entityRef: rollback.entityRef },
        payload: {
          title,
          description,
          link: deploymentsLink(rollback.entityRef),
          topic: NOTIFICATION_TOPIC,
          severity: action === 'failed' ? 'high' : 'normal',
          // One notification per rollback: the notifications backend
          // updates (and marks unread) the one with the same scope.
          scope: `rollback:${rollback.id}`,
        },
      });
    } catch (error) {
      logger?.warn(
        `Could not notify the owners of ${rollback.entityRef} about rollback ${rollback.id}: ${error}`,
      );
    }
  }
}

import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { durationToMilliseconds } from '@backstage/types';
import {
  AUTOMATION_ACTOR,
  Deployment,
  Incident,
} from '@release-coordinator/backstage-plugin-common';
import { DeploymentStore } from '../../deployments/DeploymentStore';
import { IncidentChangeListener } from '../../deployments/DeploymentService';
import { RollbackService } from '../RollbackService';
import { RollbackStore } from '../RollbackStore';
import { AutomatedRollbackSettings } from './config';

/** The environment of incidents that name none (docs/product.md §5: production). */
export const DEFAULT_INCIDENT_ENVIRONMENT = 'production';

/** Longest incident title quoted in the reason (reasons are capped at 1000). */
const MAX_TITLE_IN_REASON = 200;

/** Incidents of an entity re-read to see whether a reported one is resolved. */
const INCIDENTS_REREAD = 100;

/** What {@link AutomatedRollbackTrigger} needs. */
export interface AutomatedRollbackTriggerOptions {
  rollbacks: Pick<RollbackService, 'start'>;
  /** The latest succeeded deployment (as the rollback resolves it) and earlier automated rollbacks. */
  rollbackStore: Pick<
    RollbackStore,
    'listSucceededDeployments' | 'findAutomatedFor'
  >;
  /** The stored state of reported incidents. */
  incidents: Pick<DeploymentStore, 'listIncidents'>;
  settings: AutomatedRollbackSettings[];
  /**
   * Whether the caller who pushed an incident may roll its entity back
   * (`release-coordinator.deployment.rollback` through the access layer):
   * a pushed incident never does what a rollback request would be refused.
   * Incidents from the plugin's own pulls and verified webhooks carry no
   * caller and are the configured automation's to act on.
   */
  mayRollBack: (options: {
    credentials: BackstageCredentials;
    entityRef: string;
  }) => Promise<boolean>;
  logger: LoggerService;
}

/** Why an incident does or does not roll its environment back. */
type Decision =
  | { rollback: true; deployment: Deployment; minutesAfter: number }
  | { rollback: false; why: string };

/**
 * Automated rollback (docs/product.md §5): a critical, unresolved incident that starts
 * within the watch window after the latest succeeded deploy of its entity
 * and environment rolls that deploy back, once, with the automation as the
 * actor and the incident linked. Never a rollback of a rollback; only where
 * the environment enables it; in dry-run mode the rollback service only
 * records and notifies.
 *
 * Runs after incidents are stored (pulls, webhooks, pushed events), in the
 * background: ingestion does not wait for the provider and never fails
 * because of a rollback; errors are logged.
 */
export class AutomatedRollbackTrigger {
  readonly #rollbacks: AutomatedRollbackTriggerOptions['rollbacks'];
  readonly #rollbackStore: AutomatedRollbackTriggerOptions['rollbackStore'];
  readonly #incidents: AutomatedRollbackTriggerOptions['incidents'];
  readonly #settings: Map<string, AutomatedRollbackSettings>;
  readonly #mayRollBack: AutomatedRollbackTriggerOptions['mayRollBack'];
  readonly #logger: LoggerService;
  readonly #running = new Set<Promise<void>>();

  constructor(options: AutomatedRollbackTriggerOptions) {
    this.#rollbacks = options.rollbacks;
    this.#rollbackStore = options.rollbackStore;
    this.#incidents = options.incidents;
    this.#settings = new Map(options.settings.map(s => [s.environment, s]));
    this.#mayRollBack = options.mayRollBack;
    this.#logger = options.logger;
  }

  /** Register with `DeploymentService.addIncidentListener`. */
  readonly onIncidentsChanged: IncidentChangeListener = async (
    incidents,
    origin,
  ) => {
    const critical = incidents.filter(
      incident => incident.severity === 'critical' && !incident.resolvedAt,
    );
    const candidates = origin.credentials
      ? await this.#pushedByWhoMayRollBack(critical, origin.credentials)
      : critical;
    if (candidates.length === 0) {
      return;
    }
    const work: Promise<void> = this.#handleAll(candidates).finally(() =>
      this.#running.delete(work),
    );
    this.#running.add(work);
  };

  /** The pushed incidents whose caller may roll their entity back. */
  async #pushedByWhoMayRollBack(
    incidents: Incident[],
    credentials: BackstageCredentials,
  ): Promise<Incident[]> {
    const allowed = new Map<string, boolean>();
    for (const entityRef of new Set(incidents.map(i => i.entityRef))) {
      allowed.set(
        entityRef,
        await this.#mayRollBack({ credentials, entityRef }),
      );
    }
    return incidents.filter(incident => {
      if (allowed.get(incident.entityRef)) {
        return true;
      }
      this.#logger.info(
        `No automated rollback for critical incident ${incident.id} of ${incident.entityRef}: whoever pushed it may not roll ${incident.entityRef} back (release-coordinator.deployment.rollback)`,
      );
      return false;
    });
  }

  /** Resolves when every rollback started by earlier incidents has been handled. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) {
      await Promise.all([...this.#running]);
    }
  }

  /** One at a time, so that incidents of one batch see each other's rollbacks. */
  async #handleAll(incidents: Incident[]): Promise<void> {
    for (const incident of incidents) {
      try {
        await this.#handle(incident);
      } catch (error) {
        this.#logger.error(
          `Automated rollback for incident ${incident.id} of ${incident.entityRef} failed: ${error}`,
        );
      }
    }
  }

  async #handle(incident: Incident): Promise<void> {
    const settings = this.#settingsFor(incident);
    if (!settings?.enabled) {
      return;
    }
    const decision = await this.#decide(incident, settings);
    const subject = `critical incident ${incident.id} ("${incident.title}") of ${incident.entityRef} in ${settings.environment}`;
    if (!decision.rollback) {
      this.#logger.info(
        `No automated rollback for ${subject}: ${decision.why}`,
      );
      return;
    }
    const { deployment, minutesAfter } = decision;
    const title =
      incident.title.length > MAX_TITLE_IN_REASON
        ? `${incident.title.slice(0, MAX_TITLE_IN_REASON - 1)}…`
        : incident.title;
    try {
      const rollback = await this.#rollbacks.start({
        entityRef: incident.entityRef,
        environment: settings.environment,
        reason: `Automated: critical incident "${title}" started ${minutesAfter} min after ${deployment.version} was deployed`,
        idempotencyKey: `auto:${deployment.id}`,
        initiator: AUTOMATION_ACTOR,
        automation: {
          incidentId: incident.id,
          deploymentId: deployment.id,
          dryRun: settings.dryRun,
        },
      });
      this.#logger.info(
        `Automated rollback ${rollback.id} of ${
          deployment.version
        } for ${subject}: ${rollback.state}${
          rollback.error ? ` (${rollback.error})` : ''
        }`,
      );
    } catch (error) {
      // A 409 (a manual rollback running, no target, a provider refusal)
      // is an answer, not a failure of the automation.
      const refused = error instanceof Error && error.name === 'ConflictError';
      const message = `Automated rollback of ${deployment.version} for ${subject} did not start: ${error}`;
      if (refused) {
        this.#logger.warn(message);
      } else {
        this.#logger.error(message);
      }
    }
  }

  /**
   * The settings of the incident's environment; an incident that names no
   * environment is about production (docs/product.md §5), one that names an
   * unconfigured environment about none.
   */
  #settingsFor(incident: Incident): AutomatedRollbackSettings | undefined {
    return this.#settings.get(
      incident.environment ?? DEFAULT_INCIDENT_ENVIRONMENT,
    );
  }

  async #decide(
    incident: Incident,
    settings: AutomatedRollbackSettings,
  ): Promise<Decision> {
    const { entityRef } = incident;
    const { environment } = settings;
    const [deployment] = await this.#rollbackStore.listSucceededDeployments({
      entityRef,
      environment,
      limit: 1,
    });
    if (!deployment) {
      return { rollback: false, why: 'no succeeded deployment' };
    }
    if (deployment.kind === 'rollback') {
      return {
        rollback: false,
        why: `the latest deployment (${deployment.version}) is a rollback; the automation never rolls back a rollback`,
      };
    }
    const deployedAt = Date.parse(
      deployment.finishedAt ?? deployment.startedAt ?? '',
    );
    const startedAt = Date.parse(incident.startedAt);
    const window = durationToMilliseconds(settings.watchWindow);
    if (
      !Number.isFinite(deployedAt) ||
      startedAt < deployedAt ||
      startedAt > deployedAt + window
    ) {
      return {
        rollback: false,
        why: `it did not start within the watch window after ${deployment.version} was deployed`,
      };
    }
    const earlier = await this.#rollbackStore.findAutomatedFor(deployment.id);
    if (earlier) {
      return {
        rollback: false,
        why: `${deployment.version} was already rolled back automatically (rollback ${earlier.id}, ${earlier.state})`,
      };
    }
    if (await this.#resolvedMeanwhile(incident)) {
      return { rollback: false, why: 'it is resolved' };
    }
    return {
      rollback: true,
      deployment,
      minutesAfter: Math.floor((startedAt - deployedAt) / 60_000),
    };
  }

  /**
   * Whether the stored incident is resolved although this report is not: a
   * resolved incident keeps its resolvedAt when a late report has none.
   */
  async #resolvedMeanwhile(incident: Incident): Promise<boolean> {
    const { items } = await this.#incidents.listIncidents({
      entityRef: incident.entityRef,
      since: incident.startedAt,
      limit: INCIDENTS_REREAD,
    });
    return Boolean(items.find(stored => stored.id === incident.id)?.resolvedAt);
  }
}

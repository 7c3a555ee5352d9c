import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  deploymentRollbackPermission,
  releaseCoordinatorPermissions,
} from '@release-coordinator/backstage-plugin-common';
import {
  releaseCoordinatorCostProvidersExtensionPoint,
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  releaseCoordinatorIncidentProvidersExtensionPoint,
  releaseCoordinatorWebhookHandlersExtensionPoint,
} from '@release-coordinator/backstage-plugin-node';
import { AccessControl } from './access/AccessControl';
import { DatabaseReleaseStore } from './database/DatabaseReleaseStore';
import { DatabaseDeploymentStore } from './deployments/DatabaseDeploymentStore';
import { readReleaseReadinessSettings } from './releases/config';
import { ReleaseService } from './releases/ReleaseService';
import { DeploymentService } from './deployments/DeploymentService';
import { ProviderSyncScheduler } from './providers/ProviderSyncScheduler';
import { ProviderRegistry } from './service/ProviderRegistry';
import { createRouter } from './service/router';
import { pingDatabase } from './service/databaseAvailability';
import { Operations } from './operations/Operations';
import { registerActions } from './actions/registerActions';
import {
  readDoraReportYear,
  readRollupMemoryBytes,
  readRollupRefreshFrequency,
} from './metrics/config';
import { DatabaseMetricsStore } from './metrics/DatabaseMetricsStore';
import { MetricsService } from './metrics/MetricsService';
import { EvidenceStore } from './metrics/evidence/EvidenceStore';
import { MetricsEvidenceService } from './metrics/evidence/MetricsEvidenceService';
import { DatabaseCostStore } from './costs/DatabaseCostStore';
import { CostService } from './costs/CostService';
import { DatabaseWebhookDeliveryStore } from './webhooks/DatabaseWebhookDeliveryStore';
import { WebhookService } from './webhooks/WebhookService';
import { WebhookEvidenceRecorder } from './releases/WebhookEvidenceRecorder';
import { readRollbackSettings } from './rollbacks/config';
import { DatabaseRollbackStore } from './rollbacks/DatabaseRollbackStore';
import { RollbackEvents } from './rollbacks/RollbackEvents';
import { RollbackService } from './rollbacks/RollbackService';
import { AutomatedRollbackTrigger } from './rollbacks/automation/AutomatedRollbackTrigger';
import { readAutomatedRollbackSettings } from './rollbacks/automation/config';

/**
 * The Release Coordinator backend plugin: releases, approvals, deployments,
 * rollbacks and delivery metrics under `/api/release-coordinator`.
 *
 * @public
 */
export const releaseCoordinatorPlugin = createBackendPlugin({
  pluginId: 'release-coordinator',
  register(env) {
    const providers = new ProviderRegistry();
    env.registerExtensionPoint(
      releaseCoordinatorDeploymentProvidersExtensionPoint,
      providers.deploymentProvidersExtension,
    );
    env.registerExtensionPoint(
      releaseCoordinatorIncidentProvidersExtensionPoint,
      providers.incidentProvidersExtension,
    );
    env.registerExtensionPoint(
      releaseCoordinatorCostProvidersExtensionPoint,
      providers.costProvidersExtension,
    );
    env.registerExtensionPoint(
      releaseCoordinatorWebhookHandlersExtensionPoint,
      providers.webhookHandlersExtension,
    );

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        userInfo: coreServices.userInfo,
        auditor: coreServices.auditor,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
        notifications: notificationService,
        lifecycle: coreServices.lifecycle,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        config,
        logger,
        database,
        httpRouter,
        httpAuth,
        auth,
        scheduler,
        userInfo,
        auditor,
        permissions,
        permissionsRegistry,
        catalog,
        signals,
        notifications,
        lifecycle,
        actionsRegistry,
      }) {
        permissionsRegistry.addPermissions(releaseCoordinatorPermissions);
        // Every caller's way in: routes, and whatever acts for a principal.
        const access = new AccessControl({
          auth,
          userInfo,
          permissions,
          catalog,
        });

        // Read first: bad config fails the start with the key named.
        const releaseSettings = readReleaseReadinessSettings(config);
        const doraReportYear = readDoraReportYear(config);
        const rollbackSettings = readRollbackSettings(config);
        const automatedRollbackSettings = readAutomatedRollbackSettings(
          config,
          releaseSettings.environments,
        );
        const store = await DatabaseReleaseStore.create({ database });
        const releases = new ReleaseService({
          store,
          settings: releaseSettings,
          auditor,
          catalog,
          auth,
          signals,
          notifications,
          logger,
        });
        const deploymentStore = await DatabaseDeploymentStore.create({
          database,
        });
        const deployments = new DeploymentService({
          store: deploymentStore,
          catalog,
          auth,
          signals,
          logger,
        });
        // Rollbacks run through the deployment providers and follow the
        // status of the deployments they start. `rollbacks` is what the
        // automated-rollback trigger calls.
        const rollbackStore = await DatabaseRollbackStore.create({ database });
        const rollbacks = new RollbackService({
          store: rollbackStore,
          releases: store,
          catalog,
          auth,
          deploymentProviders: providers.deploymentProviders,
          environments: releaseSettings.environments.map(e => e.name),
          settings: rollbackSettings,
          events: new RollbackEvents({
            auditor,
            auditTrail: store,
            signals,
            notifications,
            logger,
          }),
          logger,
        });
        deployments.addChangeListener(rollbacks.onDeploymentsChanged);
        // Releases follow their deployments (docs/gates.md): the moves are
        // stored at ingest; this sends their auditor events and signals.
        deployments.addReleaseTransitionListener(
          releases.onDeploymentTransitions,
        );
        // Critical incidents right after a deploy roll it back (docs/product.md §5),
        // in the background; shutdown waits for the rollbacks it started.
        const automatedRollbacks = new AutomatedRollbackTrigger({
          rollbacks,
          rollbackStore,
          incidents: deploymentStore,
          settings: automatedRollbackSettings,
          mayRollBack: ({ credentials, entityRef }) =>
            access.isAllowed({
              credentials,
              entityRef,
              permission: deploymentRollbackPermission,
            }),
          logger,
        });
        deployments.addIncidentListener(automatedRollbacks.onIncidentsChanged);
        lifecycle.addShutdownHook(() => automatedRollbacks.idle());
        const costs = new CostService({
          store: await DatabaseCostStore.create({ database }),
          catalog,
          auth,
          signals,
          logger,
        });
        // One scheduled pull task per provider; reads its schedule first, so
        // bad config fails the start.
        await new ProviderSyncScheduler({
          config,
          logger,
          scheduler,
          auth,
          catalog,
          deploymentProviders: providers.deploymentProviders,
          incidentProviders: providers.incidentProviders,
          sink: deployments,
          state: deploymentStore,
          costProviders: providers.costProviders,
          costSink: costs,
        }).start();

        const metricsStore = await DatabaseMetricsStore.create({
          database,
          rollupMemoryBytes: readRollupMemoryBytes(config),
        });
        const metrics = new MetricsService({
          store: metricsStore,
          reportYear: doraReportYear,
        });
        // The drill-down recounts from the raw tables (docs/metrics.md).
        const evidence = new MetricsEvidenceService({
          store: await EvidenceStore.create({ database }),
          reportYear: doraReportYear,
        });
        // Daily rollups of what changed (a metrics read also recomputes
        // the entities it needs first), and the purge of unread roll-up
        // caches; one replica at a time. The timeout is also how long the
        // global lock of a replica killed mid-run holds the task: short,
        // because an aborted run stops between entities and the next run
        // continues from the remaining dirty marks (docs/operations.md).
        await scheduler.scheduleTask({
          id: 'release-coordinator.metrics.rollups',
          scope: 'global',
          frequency: readRollupRefreshFrequency(config),
          timeout: { minutes: 5 },
          initialDelay: { seconds: 5 },
          fn: async (signal?: AbortSignal) => {
            const refreshed = await metricsStore.rollups.refreshAll(signal);
            if (refreshed > 0) {
              logger.debug(
                `Recomputed metrics rollups of ${refreshed} entities`,
              );
            }
            // Roll-up caches of member sets nobody read for a week (a
            // changed membership is a new set).
            const purged = await metricsStore.scopes.purge(
              new Date(Date.now() - 7 * 24 * 3_600_000),
            );
            if (purged > 0) {
              logger.debug(`Purged metrics roll-up caches of ${purged} scopes`);
            }
          },
        });

        const webhooks = new WebhookService({
          handlers: providers.webhookHandlers,
          store: await DatabaseWebhookDeliveryStore.create({ database }),
          sink: deployments,
          catalog,
          auth,
          logger,
          // Check runs etc. reach the checklist of releases at their commit.
          evidenceSink: new WebhookEvidenceRecorder({
            releases,
            store,
            logger,
          }),
        });

        // What the HTTP routes and the registered actions both perform:
        // the same parsing, access layer and domain services (src/operations).
        const operations = new Operations({
          access,
          catalog,
          store,
          releases,
          deployments,
          rollbacks,
          metrics,
        });
        registerActions({ actionsRegistry, operations });

        httpRouter.use(
          await createRouter({
            config,
            logger,
            httpAuth,
            access,
            catalog,
            store,
            auth,
            deployments,
            releases,
            metrics,
            evidence,
            webhooks,
            costs,
            rollbacks,
            operations,
            checkDatabase: async () =>
              pingDatabase(await database.getClient()),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // Senders have no Backstage token; each handler verifies its signature.
        httpRouter.addAuthPolicy({
          path: '/webhooks',
          allow: 'unauthenticated',
        });

        logger.info(
          `Release Coordinator providers: deployments [${providers.deploymentProviders
            .map(p => p.id)
            .join(', ')}], incidents [${providers.incidentProviders
            .map(p => p.id)
            .join(', ')}], costs [${providers.costProviders
            .map(p => p.id)
            .join(', ')}], webhooks [${providers.webhookHandlers
            .map(h => h.path)
            .join(', ')}]`,
        );
      },
    });
  },
});

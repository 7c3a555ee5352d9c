import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { releaseCoordinatorPermissions } from '@release-coordinator/backstage-plugin-common';
import {
  releaseCoordinatorCostProvidersExtensionPoint,
  releaseCoordinatorDeploymentProvidersExtensionPoint,
  releaseCoordinatorIncidentProvidersExtensionPoint,
  releaseCoordinatorWebhookHandlersExtensionPoint,
} from '@release-coordinator/backstage-plugin-node';
import { DatabaseReleaseStore } from './database/DatabaseReleaseStore';
import { ProviderRegistry } from './service/ProviderRegistry';
import { createRouter } from './service/router';

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
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        database,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        catalog,
      }) {
        permissionsRegistry.addPermissions(releaseCoordinatorPermissions);

        const store = await DatabaseReleaseStore.create({ database });

        httpRouter.use(
          await createRouter({
            config,
            logger,
            httpAuth,
            permissions,
            catalog,
            store,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

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

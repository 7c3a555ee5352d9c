import {
  CostProvider,
  DeploymentProvider,
  IncidentProvider,
  ReleaseCoordinatorCostProvidersExtensionPoint,
  ReleaseCoordinatorDeploymentProvidersExtensionPoint,
  ReleaseCoordinatorIncidentProvidersExtensionPoint,
  ReleaseCoordinatorWebhookHandlersExtensionPoint,
  WebhookHandler,
} from '@release-coordinator/backstage-plugin-node';

function addUnique<T>(
  target: Map<string, T>,
  items: T[],
  keyOf: (item: T) => string,
  what: string,
) {
  for (const item of items) {
    const key = keyOf(item);
    if (!key) {
      throw new Error(`A ${what} must have a non-empty id`);
    }
    if (target.has(key)) {
      throw new Error(`A ${what} with id '${key}' is already registered`);
    }
    target.set(key, item);
  }
}

/**
 * Collects what modules register through the four extension points of
 * `@release-coordinator/backstage-plugin-node`. Ids (and webhook paths) must
 * be unique, since cursors, sources and routes are keyed by them.
 */
export class ProviderRegistry {
  readonly #deploymentProviders = new Map<string, DeploymentProvider>();
  readonly #incidentProviders = new Map<string, IncidentProvider>();
  readonly #costProviders = new Map<string, CostProvider>();
  readonly #webhookHandlers = new Map<string, WebhookHandler>();

  /** The implementation behind the deployment providers extension point. */
  readonly deploymentProvidersExtension: ReleaseCoordinatorDeploymentProvidersExtensionPoint =
    {
      addDeploymentProviders: (...providers) =>
        addUnique(
          this.#deploymentProviders,
          providers,
          p => p.id,
          'deployment provider',
        ),
    };

  /** The implementation behind the incident providers extension point. */
  readonly incidentProvidersExtension: ReleaseCoordinatorIncidentProvidersExtensionPoint =
    {
      addIncidentProviders: (...providers) =>
        addUnique(
          this.#incidentProviders,
          providers,
          p => p.id,
          'incident provider',
        ),
    };

  /** The implementation behind the cost providers extension point. */
  readonly costProvidersExtension: ReleaseCoordinatorCostProvidersExtensionPoint =
    {
      addCostProviders: (...providers) =>
        addUnique(this.#costProviders, providers, p => p.id, 'cost provider'),
    };

  /** The implementation behind the webhook handlers extension point. */
  readonly webhookHandlersExtension: ReleaseCoordinatorWebhookHandlersExtensionPoint =
    {
      addWebhookHandlers: (...handlers) =>
        addUnique(
          this.#webhookHandlers,
          handlers,
          h => h.path,
          'webhook handler',
        ),
    };

  get deploymentProviders(): DeploymentProvider[] {
    return [...this.#deploymentProviders.values()];
  }

  get incidentProviders(): IncidentProvider[] {
    return [...this.#incidentProviders.values()];
  }

  get costProviders(): CostProvider[] {
    return [...this.#costProviders.values()];
  }

  get webhookHandlers(): WebhookHandler[] {
    return [...this.#webhookHandlers.values()];
  }
}

import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CostRecordInput,
  Deployment,
  DeploymentInput,
  DeploymentStatus,
  IncidentInput,
} from '@release-coordinator/backstage-plugin-common';

/**
 * What the backend hands a provider on each scheduled pull for one entity.
 *
 * @public
 */
export interface ProviderPullRequest {
  /** The catalog entity to pull data for. */
  entity: Entity;
  /**
   * The cursor the provider returned on its previous successful pull for this
   * entity, or undefined on the first pull. Its format belongs to the provider.
   */
  cursor?: string;
  /** Aborted when the pull's timeout elapses or the backend shuts down. */
  signal: AbortSignal;
}

/**
 * The parts every provider shares: a stable id and an entity filter.
 *
 * @public
 */
export interface ReleaseCoordinatorProvider {
  /**
   * Stable id, also the `source` of the records it returns, e.g. `github`.
   * Cursors are stored per provider id and entity.
   */
  readonly id: string;
  /**
   * Whether this provider has data for the entity, usually decided by its
   * annotations (docs/product.md §8). When absent, the provider is asked for every entity
   * that has any Release Coordinator annotation.
   */
  appliesTo?(entity: Entity): boolean;
}

/**
 * Result of one deployment pull.
 *
 * @public
 */
export interface DeploymentPullResult {
  /** Deployments seen since the cursor; upserted by (source, externalId). */
  deployments: DeploymentInput[];
  /** Cursor for the next pull; when undefined the previous one is kept. */
  cursor?: string;
}

/**
 * A request to roll an entity back in one environment.
 *
 * @public
 */
export interface RollbackRequest {
  entity: Entity;
  environment: string;
  /** The earlier succeeded deployment whose version is to be restored. */
  target: Deployment;
  /** The deployment being rolled back, when known. */
  current?: Deployment;
  /** Why the rollback is done, as given by the user or the automation. */
  reason: string;
  /** User entity ref, or `release-coordinator:automation` (AUTOMATION_ACTOR of -common) for automated rollbacks. */
  initiator: string;
  /** Key that makes retries of the same rollback safe at the provider. */
  idempotencyKey: string;
  signal?: AbortSignal;
}

/**
 * What a provider started when asked to roll back; the backend records it as
 * a deployment of kind `rollback`.
 *
 * @public
 */
export interface RollbackExecution {
  /** Id of the started run in the provider, e.g. a workflow run id. */
  externalId: string;
  status: DeploymentStatus;
  /** Link to the run in the provider's UI. */
  url?: string;
  startedAt?: string;
}

/**
 * The capability of executing a rollback (GitHub workflow_dispatch, GitLab
 * job retry, Argo CD rollback, ...).
 *
 * @public
 */
export interface DeploymentRollbackCapability {
  /** Starts the rollback in the system that deployed the entity. */
  rollback(request: RollbackRequest): Promise<RollbackExecution>;
}

/**
 * Pulls the deployment history of entities from a CI/CD system, and may
 * execute rollbacks there.
 *
 * @public
 */
export interface DeploymentProvider
  extends ReleaseCoordinatorProvider,
    Partial<DeploymentRollbackCapability> {
  /** Returns the deployments of the entity since the cursor. */
  pull(request: ProviderPullRequest): Promise<DeploymentPullResult>;
}

/**
 * True when the deployment provider can execute rollbacks.
 *
 * @public
 */
export function supportsRollback(
  provider: DeploymentProvider,
): provider is DeploymentProvider & DeploymentRollbackCapability {
  return typeof provider.rollback === 'function';
}

/**
 * Result of one incident pull.
 *
 * @public
 */
export interface IncidentPullResult {
  /** Incidents started or changed since the cursor; upserted by (source, externalId). */
  incidents: IncidentInput[];
  /** Cursor for the next pull; when undefined the previous one is kept. */
  cursor?: string;
}

/**
 * Pulls incidents attributed to entities from an incident or alerting system.
 *
 * @public
 */
export interface IncidentProvider extends ReleaseCoordinatorProvider {
  /** Returns the incidents of the entity since the cursor. */
  pull(request: ProviderPullRequest): Promise<IncidentPullResult>;
}

/**
 * Result of one cost pull.
 *
 * @public
 */
export interface CostPullResult {
  /** Daily cost records; upserted by (entityRef, date, source). */
  costs: CostRecordInput[];
  /** Cursor for the next pull; when undefined the previous one is kept. */
  cursor?: string;
}

/**
 * Pulls the daily infrastructure cost of entities from a cloud-cost system.
 *
 * @public
 */
export interface CostProvider extends ReleaseCoordinatorProvider {
  /** Returns the daily cost records of the entity since the cursor. */
  pull(request: ProviderPullRequest): Promise<CostPullResult>;
}

/**
 * One incoming webhook delivery before its body is parsed: what a handler
 * verifies the sender on.
 *
 * @public
 */
export type WebhookRawRequest = Pick<WebhookRequest, 'headers' | 'rawBody'>;

/**
 * One webhook delivery as a handler sees it.
 *
 * @public
 */
export interface WebhookRequest {
  /** Request headers with lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** The exact bytes received, for signature verification. */
  rawBody: Buffer;
  /**
   * The body parsed as JSON (undefined when empty), parsed when first read:
   * read it only after verifying the sender on `rawBody` and `headers`, so
   * unauthenticated bodies are never parsed. Reading a body that is not JSON
   * throws `InputError` (400).
   */
  readonly body: unknown;
  /**
   * Finds the refs of the catalog entities whose annotation has the given
   * value, e.g. (`github.com/project-slug`, `acme/payments`).
   */
  findEntityRefsByAnnotation(
    annotation: string,
    value: string,
  ): Promise<string[]>;
  /**
   * The annotations of the catalog entity with this ref (empty when the
   * catalog does not know it), e.g. to apply
   * `release-coordinator/environments` as pulls do. Optional for callers
   * that build requests by hand (tests); the backend always provides it.
   */
  getEntityAnnotations?(entityRef: string): Promise<Record<string, string>>;
}

/**
 * What a webhook delivery amounted to, for the backend to ingest.
 *
 * @public
 */
export interface WebhookResult {
  /** Delivery id from the sender (e.g. `X-GitHub-Delivery`), used to drop repeats. */
  deliveryId?: string;
  deployments?: DeploymentInput[];
  incidents?: IncidentInput[];
  /**
   * Checklist evidence (e.g. CI check runs) for the releases of the named
   * entities whose commit is `commitSha`; routed to the checklist like
   * `POST /releases/:id/evidence`.
   */
  evidence?: WebhookEvidenceInput[];
  /**
   * Why the delivery, or some of what it carried, was not ingested (e.g.
   * `alerts[0]: no entity has prometheus.io/service-name=checkout`), for the
   * sender's delivery log: answered in the 202 body as `ignored`.
   */
  ignored?: string[];
}

/**
 * One piece of automatic checklist evidence found in a webhook delivery.
 *
 * @public
 */
export interface WebhookEvidenceInput {
  /** The entity whose release(s) the evidence is for. */
  entityRef: string;
  /** Checklist item id, e.g. `tests-passing` (docs/product.md §4.2). */
  itemId: string;
  status: 'passed' | 'failed';
  /** E.g. the coverage percentage for `code-coverage`. */
  value?: string;
  /** Link to the evidence, e.g. the check run's page. */
  url?: string;
  /** Where the evidence came from, e.g. `github`. */
  source: string;
  /** The commit the evidence was produced for; binds it to a release. */
  commitSha: string;
}

/**
 * Receives webhooks from one sender at `POST /api/release-coordinator/webhooks/<path>`.
 * The route is reachable without a Backstage token, so the handler must
 * verify the sender's signature or token and throw `AuthenticationError`
 * from `@backstage/errors` when it does not match (the backend answers 401
 * and changes nothing); a handler whose secret is not configured must not be
 * registered.
 *
 * @public
 */
export interface WebhookHandler {
  /** Path segment under `/webhooks/`, e.g. `github`. */
  readonly path: string;
  /**
   * Verifies the sender (signature, token) on the raw bytes and headers,
   * throwing `AuthenticationError` (401) when they do not check out. Called
   * before the body is parsed and before `handle`; optional for handlers
   * that verify at the start of `handle`.
   */
  verify?(request: WebhookRawRequest): void | Promise<void>;
  /** Verifies and translates one delivery. */
  handle(request: WebhookRequest): Promise<WebhookResult>;
}

/**
 * Lets modules add deployment providers.
 *
 * @public
 */
export interface ReleaseCoordinatorDeploymentProvidersExtensionPoint {
  /** Adds deployment providers; ids must be unique. */
  addDeploymentProviders(...providers: DeploymentProvider[]): void;
}

/**
 * Extension point for deployment providers.
 *
 * @public
 */
export const releaseCoordinatorDeploymentProvidersExtensionPoint =
  createExtensionPoint<ReleaseCoordinatorDeploymentProvidersExtensionPoint>({
    id: 'release-coordinator.deployment-providers',
  });

/**
 * Lets modules add incident providers.
 *
 * @public
 */
export interface ReleaseCoordinatorIncidentProvidersExtensionPoint {
  /** Adds incident providers; ids must be unique. */
  addIncidentProviders(...providers: IncidentProvider[]): void;
}

/**
 * Extension point for incident providers.
 *
 * @public
 */
export const releaseCoordinatorIncidentProvidersExtensionPoint =
  createExtensionPoint<ReleaseCoordinatorIncidentProvidersExtensionPoint>({
    id: 'release-coordinator.incident-providers',
  });

/**
 * Lets modules add cost providers.
 *
 * @public
 */
export interface ReleaseCoordinatorCostProvidersExtensionPoint {
  /** Adds cost providers; ids must be unique. */
  addCostProviders(...providers: CostProvider[]): void;
}

/**
 * Extension point for cost providers.
 *
 * @public
 */
export const releaseCoordinatorCostProvidersExtensionPoint =
  createExtensionPoint<ReleaseCoordinatorCostProvidersExtensionPoint>({
    id: 'release-coordinator.cost-providers',
  });

/**
 * Lets modules add webhook handlers.
 *
 * @public
 */
export interface ReleaseCoordinatorWebhookHandlersExtensionPoint {
  /** Adds webhook handlers; paths must be unique. */
  addWebhookHandlers(...handlers: WebhookHandler[]): void;
}

/**
 * Extension point for webhook handlers.
 *
 * @public
 */
export const releaseCoordinatorWebhookHandlersExtensionPoint =
  createExtensionPoint<ReleaseCoordinatorWebhookHandlersExtensionPoint>({
    id: 'release-coordinator.webhook-handlers',
  });

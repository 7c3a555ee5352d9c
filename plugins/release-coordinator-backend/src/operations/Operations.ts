/*
 * Longer than our ~400-line guide on purpose: this is the one list of every
 * operation that both an HTTP route and a registered action perform, so that
 * a reviewer sees each one's parsing, permission and hand-over side by side
 * (docs/agents.md). Domain rules stay in the services.
 */
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  checklistAttestPermission,
  checklistWaivePermission,
  Deployment,
  deploymentRollbackPermission,
  EnvironmentsResponse,
  eventsPushPermission,
  GateResponse,
  freezeOverridePermission,
  ListResponse,
  METRIC_DEFINITIONS_VERSION,
  MetricsResponse,
  Release,
  ReleaseDetails,
  releaseApprovePermission,
  releaseCreatePermission,
  releaseReadPermission,
  Rollback,
} from '@release-coordinator/backstage-plugin-common';
import { AccessControl, EntityPermission } from '../access/AccessControl';
import { ReleaseStore } from '../database/ReleaseStore';
import { DeploymentService } from '../deployments/DeploymentService';
import { listDeploymentsQuerySchema } from '../deployments/validation';
import {
  authorizeMetricsScope,
  MetricsScope,
  MetricsScopeCache,
} from '../metrics/memberEntities';
import { MetricsService } from '../metrics/MetricsService';
import { metricsQuerySchema } from '../metrics/validation';
import { CallChannel } from '../releases/ReleaseReadiness';
import { ReleaseService } from '../releases/ReleaseService';
import {
  approvalSchema,
  checklistItemUpdateSchema,
  createReleaseSchema,
  evidenceSchema,
  gateQuerySchema,
  releasePathSchema,
} from '../releases/validation';
import { RollbackService } from '../rollbacks/RollbackService';
import {
  createRollbackSchema,
  parseIdempotencyKey,
} from '../rollbacks/validation';
import { listReleasesQuerySchema, parseInput } from '../service/validation';
import { z } from 'zod';
import {
  noOpenRelease,
  PENDING_RELEASE_STATES,
  readinessOf,
  ReleaseReadinessAnswer,
} from './readiness';

/**
 * Who calls and through which channel. HTTP routes build it from the
 * request; actions from the credentials the actions registry hands them
 * (the user's own, when an agent calls through MCP).
 */
export interface Call {
  credentials: BackstageCredentials;
  via: CallChannel;
}

/** An entity as a route names it (path) or an action does (a ref string). */
export type EntityInput = string | CompoundEntityRef;

/** What {@link Operations} needs from the plugin's wiring. */
export interface OperationsOptions {
  access: AccessControl;
  catalog: CatalogService;
  store: ReleaseStore;
  releases: ReleaseService;
  deployments: DeploymentService;
  rollbacks: RollbackService;
  metrics: MetricsService;
}

/**
 * The operations of the plugin that both its HTTP routes and its registered
 * actions perform (docs/agents.md). Each one parses its input with the
 * route's schema (400 naming the field), authorizes through the access layer
 * and `permissions.authorize` with the entity as resource (401/403/404),
 * and hands over to the domain service, which applies eligibility, roles,
 * separation of duties, freezes and idempotency. A route and an action of
 * the same operation therefore cannot decide differently; only the channel
 * recorded in the auditor events differs.
 *
 * Inputs are the raw request parts (`unknown`): validating them is part of
 * the operation.
 */
export class Operations {
  /**
   * Resolved metrics scopes, reused for a few seconds per caller token; the
   * metrics routes share it (a tab reads metrics, series and breakdown
   * together).
   */
  readonly metricsScopeCache = new MetricsScopeCache();

  constructor(private readonly options: OperationsOptions) {}

  /** The access layer underneath (for routes without an operation here). */
  get access(): AccessControl {
    return this.options.access;
  }

  /** The releases of an entity, newest first (`GET …/releases`). */
  async listReleases(
    call: Call & { entity: EntityInput; query: unknown },
  ): Promise<ListResponse<Release>> {
    const query = parseInput(
      listReleasesQuerySchema,
      call.query,
      this.where(call, 'query'),
    );
    const { entityRef } = await this.authorizeEntity(
      call,
      call.entity,
      releaseReadPermission,
      'read the releases of',
    );
    const items = await this.options.store.listReleases({
      entityRef,
      environment: query.environment,
      limit: query.limit,
    });
    return { items };
  }

  /** A release with checklist, approvals and approvers (`GET /releases/:id`). */
  async getRelease(
    call: Call & { releaseId: unknown },
  ): Promise<ReleaseDetails> {
    const release = await this.authorizeRelease(
      call,
      releaseReadPermission,
      'read the releases of',
    );
    return this.options.releases.getDetails(release.id);
  }

  /**
   * Readiness of an entity for an environment: its newest release still
   * headed there (draft, ready or approved) against its gates — what
   * passes, what is missing, who may approve and why, and the decision.
   */
  async getReadiness(
    call: Call & { entity: EntityInput; environment: unknown },
  ): Promise<ReleaseReadinessAnswer> {
    const environments = this.options.releases.environmentNames();
    const { environment } = parseInput(
      z
        .object({
          environment: z
            .string()
            .refine(
              name => environments.includes(name),
              `must be a configured environment (${environments.join(', ')})`,
            ),
        })
        .strict(),
      { environment: call.environment },
      this.where(call, 'query'),
    );
    const { entityRef } = await this.authorizeEntity(
      call,
      call.entity,
      releaseReadPermission,
      'read the releases of',
    );
    const releases = await this.options.store.listReleases({
      entityRef,
      environment,
      limit: 50,
    });
    const pending = releases.find(r =>
      PENDING_RELEASE_STATES.includes(r.state),
    );
    if (!pending) {
      return noOpenRelease(entityRef, environment, releases[0]);
    }
    const [details, groups] = await Promise.all([
      this.options.releases.getDetails(pending.id),
      this.options.releases.approverGroups(pending),
    ]);
    return readinessOf(details, groups);
  }

  /**
   * Whether a deploy of a version to an environment may start now
   * (`GET …/gate`, docs/gates.md): the decision deploy tools enforce.
   */
  async getGate(
    call: Call & { entity: EntityInput; query: unknown },
  ): Promise<GateResponse> {
    const { entityRef } = await this.authorizeEntity(
      call,
      call.entity,
      releaseReadPermission,
      'read the deploy gate of',
    );
    const query = parseInput(
      gateQuerySchema,
      call.query,
      this.where(call, 'query'),
    );
    return this.options.releases.gate(entityRef, query);
  }

  /** Creates a release (`POST …/releases`). */
  async createRelease(
    call: Call & { entity: EntityInput; body: unknown },
  ): Promise<ReleaseDetails> {
    const request = parseInput(
      createReleaseSchema,
      call.body,
      this.where(call, 'body'),
    );
    const { entityRef } = await this.authorizeEntity(
      call,
      call.entity,
      releaseCreatePermission,
      'create releases of',
    );
    return this.options.releases.createRelease({
      entityRef,
      request,
      actor: await this.options.access.actorOf(call.credentials),
      via: call.via,
    });
  }

  /** Evidence for automatic items (`POST /releases/:id/evidence`). */
  async recordEvidence(
    call: Call & { releaseId: unknown; body: unknown },
  ): Promise<ReleaseDetails> {
    const request = parseInput(
      evidenceSchema,
      call.body,
      this.where(call, 'body'),
    );
    // Evidence is machine input, like pushed events.
    const release = await this.authorizeRelease(
      call,
      eventsPushPermission,
      'record checklist evidence for',
    );
    return this.options.releases.recordEvidence({
      id: release.id,
      request,
      actor: await this.options.access.actorOf(call.credentials),
      via: call.via,
    });
  }

  /**
   * Attests (`passed`/`failed`) or waives (`waived`) a checklist item
   * (`PUT /releases/:id/checklist/:itemId`).
   */
  async updateChecklistItem(
    call: Call & { releaseId: unknown; itemId: unknown; body: unknown },
  ): Promise<ReleaseDetails> {
    const request = parseInput(
      checklistItemUpdateSchema,
      call.body,
      this.where(call, 'body'),
    );
    const waive = request.status === 'waived';
    const path = parseInput(
      releasePathSchema,
      { id: call.releaseId, itemId: call.itemId },
      this.where(call, 'path'),
    );
    const release = await this.authorizeRelease(
      { ...call, releaseId: path.id },
      waive ? checklistWaivePermission : checklistAttestPermission,
      waive ? 'waive checklist items of' : 'attest checklist items of',
    );
    return this.options.releases.updateChecklistItem({
      id: release.id,
      itemId: path.itemId!,
      request,
      actor: await this.options.access.actorOf(call.credentials),
      via: call.via,
    });
  }

  /** Approves or rejects a release (`POST /releases/:id/approvals`). */
  async decide(
    call: Call & { releaseId: unknown; body: unknown },
  ): Promise<ReleaseDetails> {
    const request = parseInput(
      approvalSchema,
      call.body,
      this.where(call, 'body'),
    );
    const release = await this.authorizeRelease(
      call,
      releaseApprovePermission,
      'approve or reject releases of',
    );
    if (request.overrideFreeze) {
      await this.options.access.authorizeEntities({
        credentials: call.credentials,
        entityRefs: [release.entityRef],
        permission: freezeOverridePermission,
        action: 'override a freeze for',
      });
    }
    return this.options.releases.decide({
      id: release.id,
      request,
      actor: await this.options.access.actorOf(call.credentials),
      via: call.via,
    });
  }

  /**
   * Starts a rollback of an environment, or returns the one an earlier call
   * with the same idempotency key started (`POST …/rollbacks`).
   */
  async startRollback(
    call: Call & {
      entity: EntityInput;
      idempotencyKey: string | undefined;
      body: unknown;
    },
  ): Promise<Rollback> {
    const idempotencyKey = parseIdempotencyKey(call.idempotencyKey);
    const request = parseInput(
      createRollbackSchema,
      call.body,
      this.where(call, 'body'),
    );
    const { entityRef } = await this.authorizeEntity(
      call,
      call.entity,
      deploymentRollbackPermission,
      'roll back',
    );
    const actor = await this.options.access.actorOf(call.credentials);
    return this.options.rollbacks.start({
      entityRef,
      ...request,
      idempotencyKey,
      initiator: actor.ref,
      credentials: call.credentials,
      via: call.via,
    });
  }

  /** What runs in each environment (`GET …/environments`). */
  async getEnvironments(
    call: Call & { entity: EntityInput },
  ): Promise<EnvironmentsResponse> {
    const { entityRef } = await this.authorizeEntity(
      call,
      call.entity,
      releaseReadPermission,
      'read the environments of',
    );
    return this.options.deployments.getEnvironments(entityRef);
  }

  /** Deployment history, newest first (`GET …/deployments`). */
  async listDeployments(
    call: Call & { entity: EntityInput; query: unknown },
  ): Promise<ListResponse<Deployment>> {
    const query = parseInput(
      listDeploymentsQuerySchema,
      call.query,
      this.where(call, 'query'),
    );
    const { entityRef } = await this.authorizeEntity(
      call,
      call.entity,
      releaseReadPermission,
      'read the deployments of',
    );
    return this.options.deployments.listDeployments({ entityRef, ...query });
  }

  /**
   * The entity and the members whose metrics it reads (Group, System,
   * Domain: what they own or contain), once `metrics.read` is allowed.
   */
  metricsScope(
    call: Call & { entity: EntityInput; cacheKey?: string },
    action = 'read the delivery metrics of',
  ): Promise<MetricsScope> {
    return authorizeMetricsScope({
      credentials: call.credentials,
      entityRef: call.entity,
      control: this.options.access,
      catalog: this.options.catalog,
      action,
      cache: this.metricsScopeCache,
      cacheKey: call.cacheKey,
    });
  }

  /** Delivery metrics and cost of an entity or roll-up (`GET …/metrics`). */
  async getMetrics(
    call: Call & { entity: EntityInput; query: unknown; cacheKey?: string },
  ): Promise<MetricsResponse> {
    const query = parseInput(
      metricsQuerySchema,
      call.query,
      this.where(call, 'query'),
    );
    const { entityRef, members, rollUp } = await this.metricsScope(call);
    const result = await this.options.metrics.compute({
      entityRefs: members.map(m => m.entityRef),
      environment: query.environment,
      windowDays: query.window,
      end: query.end ?? new Date(),
    });
    return {
      entityRef,
      environment: query.environment,
      window: result.window,
      definitionsVersion: METRIC_DEFINITIONS_VERSION,
      metrics: result.metrics,
      previous: result.previous,
      ...(rollUp ? { memberEntityRefs: members.map(m => m.entityRef) } : {}),
    };
  }

  /** The entity, once `permission` on it is allowed (400/401/403/404). */
  private authorizeEntity(
    call: Call,
    entity: EntityInput,
    permission: EntityPermission,
    action: string,
  ) {
    return this.options.access.authorizeEntity({
      credentials: call.credentials,
      entityRef: entity,
      permission,
      action,
    });
  }

  /**
   * The release, once `permission` on its entity is allowed; a release of an
   * entity the caller may not see is reported as missing.
   */
  private async authorizeRelease(
    call: Call & { releaseId: unknown },
    permission: EntityPermission,
    action: string,
  ): Promise<Release> {
    const path = parseInput(
      releasePathSchema,
      { id: call.releaseId },
      this.where(call, 'path'),
    );
    const release = await this.options.releases.getRelease(path.id);
    await this.options.access.authorizeEntity({
      credentials: call.credentials,
      entityRef: release.entityRef,
      permission,
      action,
      notFound: `No release ${path.id}`,
    });
    return release;
  }

  /**
   * Where a payload came from, for the 400 message: the route's part, or
   * `input` for an action (whose arguments are one object).
   */
  private where<P extends 'path' | 'query' | 'body'>(
    call: Call,
    part: P,
  ): P | 'input' {
    return call.via.channel === 'action' ? 'input' : part;
  }
}

import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DeploymentInput,
  EventItemResult,
  IncidentInput,
} from '@release-coordinator/backstage-plugin-common';
import {
  WebhookEvidenceInput,
  WebhookHandler,
  WebhookRequest,
} from '@release-coordinator/backstage-plugin-node';
import { createHash } from 'node:crypto';
import { toStoredEntityRef } from '../service/entityRefs';
import { isInvalidText } from '../service/inputGuard';
import { WebhookDeliveryStore } from './WebhookDeliveryStore';

/** Where accepted webhook records go: the deployments domain service. */
export interface WebhookSink {
  ingestDeployments(items: DeploymentInput[]): Promise<EventItemResult[]>;
  ingestIncidents(items: IncidentInput[]): Promise<EventItemResult[]>;
}

/**
 * Where checklist evidence found in webhooks (e.g. GitHub check runs) goes:
 * the releases of each entity whose commit matches.
 */
export interface WebhookEvidenceSink {
  recordWebhookEvidence(items: WebhookEvidenceInput[]): Promise<unknown>;
}

/** One delivery as it arrived at `POST /webhooks/:handlerPath`. */
export interface WebhookDelivery {
  handlerPath: string;
  /** Request headers with lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** The exact bytes received. */
  rawBody: Buffer;
}

/** What a webhook delivery amounted to; the body of the route's answer. */
export type WebhookOutcome =
  | { duplicate: true }
  | {
      duplicate: false;
      deployments: EventItemResult[];
      incidents: EventItemResult[];
      /** Why (parts of) the delivery were not ingested, when the handler says. */
      ignored?: string[];
    };

/** Longest delivery id stored as sent (the column is a varchar(255)). */
const MAX_DELIVERY_ID_LENGTH = 255;

/**
 * The delivery id as stored: as sent when the column can hold it, else
 * `sha256:<hex>` of it. A sender's odd id (longer than the column, with
 * NUL or a lone surrogate, which PostgreSQL refuses or alters) is then
 * still deduplicated, instead of a 500 that loses the delivery.
 */
export function storedDeliveryId(deliveryId: string): string {
  if (
    deliveryId.length <= MAX_DELIVERY_ID_LENGTH &&
    !isInvalidText(deliveryId) &&
    !deliveryId.startsWith('sha256:')
  ) {
    return deliveryId;
  }
  // Lone surrogates hashed as UTF-16 code units, so distinct ids stay distinct.
  const hash = createHash('sha256')
    .update(Buffer.from(deliveryId, 'utf16le'))
    .digest('hex');
  return `sha256:${hash}`;
}

/** The body parsed as JSON: undefined when empty, a 400 when malformed. */
function parseJsonBody(rawBody: Buffer): unknown {
  const text = rawBody.toString('utf8');
  if (text.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `Invalid webhook body: not JSON (${(error as Error).message})`,
    );
  }
}

/**
 * Receives webhook deliveries: dispatches each to the handler registered for
 * its path (which verifies the sender and translates the payload), drops
 * redeliveries, and ingests the result through the deployments domain
 * service, so webhooks obey the same validation as pushed events and pulls.
 *
 * Dedupe: the delivery is claimed in the database (unique key) before
 * anything is ingested, so of two concurrent identical deliveries one
 * ingests and the other answers `duplicate`. When ingestion fails the claim
 * is released, so the sender's retry is ingested.
 */
export class WebhookService {
  private readonly handlers: Map<string, WebhookHandler>;
  private readonly store: WebhookDeliveryStore;
  private readonly sink: WebhookSink;
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly logger: LoggerService;
  private readonly evidenceSink?: WebhookEvidenceSink;

  constructor(options: {
    handlers: WebhookHandler[];
    store: WebhookDeliveryStore;
    sink: WebhookSink;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    /** Where evidence goes; without it evidence is dropped with a warning. */
    evidenceSink?: WebhookEvidenceSink;
  }) {
    this.handlers = new Map(options.handlers.map(h => [h.path, h]));
    this.store = options.store;
    this.sink = options.sink;
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.logger = options.logger;
    this.evidenceSink = options.evidenceSink;
  }

  /**
   * Handles one delivery. Throws NotFoundError for an unknown path,
   * whatever the handler throws (AuthenticationError for a bad signature),
   * and InputError for a malformed body once the handler reads it — all
   * before anything is stored.
   */
  async receive(delivery: WebhookDelivery): Promise<WebhookOutcome> {
    const { handlerPath } = delivery;
    const handler = this.handlers.get(handlerPath);
    if (!handler) {
      throw new NotFoundError(
        `No webhook handler for '${handlerPath}': install its module and configure its secret`,
      );
    }
    // Handlers that declare verify() are checked on the raw bytes and
    // headers before anything else runs.
    await handler.verify?.({
      headers: delivery.headers,
      rawBody: delivery.rawBody,
    });
    // The body is parsed when the handler first reads it, which it does
    // after verifying the signature or token on the raw bytes: an
    // unauthenticated sender cannot make the backend parse its body.
    let parsed: { value: unknown } | undefined;
    const request: WebhookRequest = {
      headers: delivery.headers,
      rawBody: delivery.rawBody,
      get body() {
        parsed ??= { value: parseJsonBody(delivery.rawBody) };
        return parsed.value;
      },
      findEntityRefsByAnnotation: (annotation, value) =>
        this.findEntityRefsByAnnotation(annotation, value),
      getEntityAnnotations: entityRef => this.getEntityAnnotations(entityRef),
    };
    const result = await handler.handle(request);

    const key =
      result.deliveryId !== undefined
        ? { handlerPath, deliveryId: storedDeliveryId(result.deliveryId) }
        : undefined;
    if (key && !(await this.store.claimDelivery(key))) {
      this.logger.info(
        `Dropped redelivery ${key.deliveryId} of webhook ${handlerPath}`,
      );
      return { duplicate: true };
    }
    try {
      const deployments = result.deployments?.length
        ? await this.sink.ingestDeployments(result.deployments)
        : [];
      const incidents = result.incidents?.length
        ? await this.sink.ingestIncidents(result.incidents)
        : [];
      await this.recordEvidence(handlerPath, result.evidence ?? []);
      const ignored = result.ignored?.filter(reason => reason !== '');
      return {
        duplicate: false,
        deployments,
        incidents,
        ...(ignored && ignored.length > 0 ? { ignored } : {}),
      };
    } catch (error) {
      if (key) {
        await this.store.releaseDelivery(key);
      }
      throw error;
    }
  }

  private async recordEvidence(
    handlerPath: string,
    evidence: WebhookEvidenceInput[],
  ): Promise<void> {
    if (evidence.length === 0) {
      return;
    }
    if (!this.evidenceSink) {
      this.logger.warn(
        `Dropped ${evidence.length} checklist evidence item(s) from webhook ${handlerPath}: no evidence sink is wired`,
      );
      return;
    }
    await this.evidenceSink.recordWebhookEvidence(evidence);
  }

  /** The annotations of the entity (empty when the catalog does not know it). */
  async getEntityAnnotations(
    entityRef: string,
  ): Promise<Record<string, string>> {
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials: await this.auth.getOwnServiceCredentials(),
    });
    return entity?.metadata.annotations ?? {};
  }

  /** Refs (stored form) of the catalog entities whose annotation has the value. */
  async findEntityRefsByAnnotation(
    annotation: string,
    value: string,
  ): Promise<string[]> {
    const { items } = await this.catalog.getEntities(
      {
        filter: { [`metadata.annotations.${annotation}`]: value },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const refs = items.map(entity =>
      toStoredEntityRef({
        kind: entity.kind,
        namespace: entity.metadata.namespace,
        name: entity.metadata.name,
      }),
    );
    return [...new Set(refs)].sort();
  }
}

import {
  CostRecordInput,
  DeploymentInput,
  IncidentInput,
} from '@release-coordinator/backstage-plugin-common';

/** What the sink left out of a pull, by index in the pulled list, and why. */
export interface PulledItemsSkipped {
  skipped: Array<{ index: number; field?: string; message: string }>;
}

/**
 * Where the scheduler hands what providers pulled. The deployments domain
 * service implements it: it upserts by (source, externalId) and validates
 * every item, so the scheduler never writes records itself. A pull is not
 * all or nothing: an invalid item is left out (and returned as skipped),
 * the others are stored.
 */
export interface ProviderSink {
  ingestPulledDeployments(
    items: DeploymentInput[],
  ): Promise<PulledItemsSkipped>;
  ingestPulledIncidents(items: IncidentInput[]): Promise<PulledItemsSkipped>;
}

/**
 * Per provider and entity sync state: the provider's cursor, the last
 * successful sync and the last error (docs/product.md §5). Implemented by the
 * deployments store on its `provider_sync_state` table.
 */
export interface ProviderStateStore {
  /** The cursor stored by the last successful sync, if any. */
  getCursor(providerId: string, entityRef: string): Promise<string | undefined>;
  /**
   * Records a successful sync at the current time. When `cursor` is
   * undefined the stored cursor is kept (the provider had nothing newer).
   */
  recordSyncSuccess(options: {
    providerId: string;
    entityRef: string;
    cursor?: string;
  }): Promise<void>;
  /** Records a failed sync at the current time; the cursor is kept. */
  recordSyncError(options: {
    providerId: string;
    entityRef: string;
    error: string;
  }): Promise<void>;
}

/**
 * Where the scheduler hands pulled cost records. The cost domain service
 * implements it: it validates every record and upserts by
 * (entityRef, date, source).
 */
export interface CostSink {
  ingestCosts(items: CostRecordInput[]): Promise<unknown>;
}

/** What a provider pulls: the kinds of scheduled pulls. */
export type ProviderStreamKind = 'deployments' | 'incidents' | 'costs';

/**
 * The `providerId` under which sync state is stored for one kind of pull.
 * A module may register a deployment and an incident provider with the same
 * id (the demo module does), and their cursors must not overwrite each
 * other, so the kind is part of the key: `github:deployments`,
 * `pagerduty:incidents`.
 */
export function providerSyncKey(
  providerId: string,
  kind: ProviderStreamKind,
): string {
  return `${providerId}:${kind}`;
}

import {
  AuditEvent,
  JsonValue,
  Release,
  ReleasePlan,
  ReleaseState,
} from '@release-coordinator/backstage-plugin-common';

/**
 * What is needed to create a release; the store assigns id and timestamps.
 */
export interface NewRelease {
  entityRef: string;
  environment: string;
  version: string;
  commitSha?: string;
  artifactDigest?: string;
  plan: ReleasePlan;
  /** Defaults to `draft`. */
  state?: ReleaseState;
  createdBy: string;
  commitAuthors?: string[];
}

/**
 * Filter of {@link ReleaseStore.listReleases}.
 */
export interface ListReleasesOptions {
  entityRef: string;
  environment?: string;
  /** Maximum number of releases to return. */
  limit?: number;
}

/**
 * An audit event to record; the store assigns id and time.
 */
export interface NewAuditEvent {
  releaseId?: string;
  entityRef: string;
  actor: string;
  action: string;
  before?: JsonValue;
  after?: JsonValue;
  reason?: string;
}

/**
 * Persistence of releases and their audit trail.
 */
export interface ReleaseStore {
  /** Stores a new release and returns it as stored. */
  createRelease(release: NewRelease): Promise<Release>;
  /** The release with this id, or undefined. */
  getRelease(id: string): Promise<Release | undefined>;
  /** Releases of an entity, newest first. */
  listReleases(options: ListReleasesOptions): Promise<Release[]>;
  /** Appends an event to the audit trail and returns it as stored. */
  appendAuditEvent(event: NewAuditEvent): Promise<AuditEvent>;
  /** The audit trail of a release, oldest first. */
  listAuditEvents(releaseId: string): Promise<AuditEvent[]>;
}

import { BackstageCredentials } from '@backstage/backend-plugin-api';

/** How long the catalog's answer "this caller sees this entity" is reused. */
export const KNOWN_ENTITY_TTL_MS = 10_000;
const KNOWN_ENTITY_MAX_ENTRIES = 10_000;

/** Who asks: the principal of the credentials (user or service, and its restrictions). */
export function callerKeyOf(credentials: BackstageCredentials): string {
  return JSON.stringify(credentials.principal);
}

/**
 * Remembers, for a few seconds, which entity refs the catalog showed to which
 * caller, so that a CI pipeline pushing batch after batch for the same
 * entities does not ask the catalog for every batch (one catalog round trip
 * costs about as much as validating a batch of 500). Only entities the
 * catalog returned are kept: an unknown entity is asked about every time. A
 * deleted entity, or one the caller may no longer see, is still accepted for
 * at most {@link KNOWN_ENTITY_TTL_MS}. One cache per DeploymentService.
 */
export class KnownEntityCache {
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly options: {
      ttlMs?: number;
      maxEntries?: number;
      now?: () => number;
    } = {},
  ) {}

  /** The refs among `entityRefs` that the catalog showed this caller recently. */
  known(callerKey: string, entityRefs: Iterable<string>): Set<string> {
    const now = (this.options.now ?? Date.now)();
    const known = new Set<string>();
    for (const ref of entityRefs) {
      const expiresAt = this.expiries.get(this.keyOf(callerKey, ref));
      if (expiresAt !== undefined && expiresAt > now) known.add(ref);
    }
    return known;
  }

  /** Records that the catalog just showed these refs to this caller. */
  remember(callerKey: string, entityRefs: Iterable<string>): void {
    const now = (this.options.now ?? Date.now)();
    const expiresAt = now + (this.options.ttlMs ?? KNOWN_ENTITY_TTL_MS);
    const maxEntries = this.options.maxEntries ?? KNOWN_ENTITY_MAX_ENTRIES;
    for (const ref of entityRefs) {
      const key = this.keyOf(callerKey, ref);
      // Re-inserted, so that the map stays in order of expiry.
      this.expiries.delete(key);
      if (this.expiries.size >= maxEntries) this.evict(now, maxEntries);
      this.expiries.set(key, expiresAt);
    }
  }

  /** Drops expired entries, then the oldest until there is room for one. */
  private evict(now: number, maxEntries: number): void {
    for (const [key, expiresAt] of this.expiries) {
      if (expiresAt > now && this.expiries.size < maxEntries) break;
      this.expiries.delete(key);
    }
  }

  private keyOf(callerKey: string, entityRef: string): string {
    return `${callerKey}\n${entityRef}`;
  }
}

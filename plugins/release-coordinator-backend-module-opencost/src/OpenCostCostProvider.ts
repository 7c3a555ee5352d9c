import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_OPENCOST_AGGREGATE,
  CostRecordInput,
} from '@release-coordinator/backstage-plugin-common';
import {
  CostProvider,
  CostPullResult,
  ProviderPullRequest,
} from '@release-coordinator/backstage-plugin-node';
import {
  isUnassignedAllocationName,
  OpenCostAggregate,
  parseOpenCostAggregate,
} from './aggregate';
import { OpenCostAllocation, OpenCostClient } from './OpenCostClient';
import { OpenCostSettings } from './config';

/** Provider id, also the `source` of the cost records. */
export const OPENCOST_SOURCE = 'opencost';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * How long one answer serves the other entities of the same aggregation. A
 * scheduled run pulls its entities one after the other within minutes (the
 * default run timeout is 5 minutes), so each aggregation is asked once per
 * run; the next run (default every 10 minutes) asks again.
 */
export const ALLOCATION_CACHE_TTL_MS = 5 * 60 * 1000;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const dateOf = (day: number) =>
  new Date(day * DAY_MS).toISOString().slice(0, 10);

/** One cached `GET /allocation` answer (or the request still in flight). */
interface CachedAllocations {
  startDay: number;
  /** Exclusive. */
  endDay: number;
  fetchedAtMs: number;
  allocations: Promise<OpenCostAllocation[]>;
}

/**
 * The daily cost of the entities annotated `opencost.io/aggregate`, from
 * OpenCost's `GET /allocation` (docs/product.md §6): `totalCost` of the entity's
 * allocation per UTC day, in the configured currency.
 *
 * - One request per aggregation (`label:app`, `namespace`, ...) serves every
 *   entity that uses it in a run: answers are kept for
 *   {@link ALLOCATION_CACHE_TTL_MS} and reused when they cover the window an
 *   entity needs. Failed requests are not kept, so a retry asks again.
 * - `__idle__`, `__unallocated__` and other `__x__` allocations are never
 *   attributed to an entity.
 * - A day without the entity's allocation gets no record (not a zero).
 * - The cursor is the last day fetched (today, which is still partial). The
 *   next pull starts at the cursor's day or yesterday, whichever is
 *   earlier, so yesterday (settling) and today are always refreshed; a
 *   first pull reaches `lookbackDays` back, and no pull further.
 *
 * @public
 */
export class OpenCostCostProvider implements CostProvider {
  readonly id = OPENCOST_SOURCE;
  readonly #settings: OpenCostSettings;
  readonly #client: OpenCostClient;
  readonly #now: () => number;
  readonly #cache = new Map<string, CachedAllocations>();

  constructor(options: { settings: OpenCostSettings; now?: () => number }) {
    this.#settings = options.settings;
    this.#now = options.now ?? Date.now;
    this.#client = new OpenCostClient({
      baseUrl: options.settings.baseUrl,
      resolution: options.settings.resolution,
      requestTimeoutMs: options.settings.requestTimeoutMs,
      headers: options.settings.headers,
    });
  }

  appliesTo(entity: Entity): boolean {
    return Boolean(
      entity.metadata.annotations?.[ANNOTATION_OPENCOST_AGGREGATE]?.trim(),
    );
  }

  async pull(request: ProviderPullRequest): Promise<CostPullResult> {
    const annotation =
      request.entity.metadata.annotations?.[
        ANNOTATION_OPENCOST_AGGREGATE
      ]?.trim();
    if (!annotation) {
      return { costs: [] };
    }
    // A bad annotation fails this entity's pull only, with the reason.
    const target = parseOpenCostAggregate(annotation);
    const nowMs = this.#now();
    const today = Math.floor(nowMs / DAY_MS);
    const startDay = this.#startDay(request.cursor, today);
    const endDay = today + 1;

    const allocations = await this.#allocations({
      aggregate: target.aggregate,
      startDay,
      endDay,
      nowMs,
      signal: request.signal,
    });
    return {
      costs: this.#toCostRecords({
        entityRef: stringifyEntityRef(request.entity),
        target,
        allocations,
        startDay,
        endDay,
      }),
      cursor: dateOf(today),
    };
  }

  #startDay(cursor: string | undefined, today: number): number {
    const earliest = today - this.#settings.lookbackDays;
    const cursorDay =
      cursor && DAY_PATTERN.test(cursor)
        ? Math.floor(Date.parse(`${cursor}T00:00:00Z`) / DAY_MS)
        : NaN;
    // An unreadable cursor, or one from the future, starts over; the
    // backend upserts by (entity, date, source), so that is harmless.
    if (!Number.isFinite(cursorDay) || cursorDay > today) {
      return earliest;
    }
    return Math.max(Math.min(cursorDay, today - 1), earliest);
  }

  async #allocations(options: {
    aggregate: string;
    startDay: number;
    endDay: number;
    nowMs: number;
    signal: AbortSignal;
  }): Promise<OpenCostAllocation[]> {
    const { aggregate, startDay, endDay, nowMs } = options;
    const cached = this.#cache.get(aggregate);
    if (
      cached &&
      nowMs - cached.fetchedAtMs < ALLOCATION_CACHE_TTL_MS &&
      cached.startDay <= startDay &&
      cached.endDay >= endDay
    ) {
      return cached.allocations;
    }
    const entry: CachedAllocations = {
      startDay,
      endDay,
      fetchedAtMs: nowMs,
      allocations: this.#client.getDailyAllocations({
        aggregate,
        start: new Date(startDay * DAY_MS),
        end: new Date(endDay * DAY_MS),
        signal: options.signal,
      }),
    };
    this.#cache.set(aggregate, entry);
    try {
      return await entry.allocations;
    } catch (error) {
      if (this.#cache.get(aggregate) === entry) {
        this.#cache.delete(aggregate);
      }
      throw error;
    }
  }

  #toCostRecords(options: {
    entityRef: string;
    target: OpenCostAggregate;
    allocations: OpenCostAllocation[];
    startDay: number;
    endDay: number;
  }): CostRecordInput[] {
    const { target } = options;
    // day → allocation name → cost; a day's step is one set, but the
    // answer may hold more than one set for a day if OpenCost's steps are
    // not aligned to UTC midnight, so amounts of one day add up.
    const byDay = new Map<number, Map<string, number>>();
    for (const allocation of options.allocations) {
      if (
        isUnassignedAllocationName(allocation.name) ||
        !target.names.includes(allocation.name)
      ) {
        continue;
      }
      const day = Math.floor(Date.parse(allocation.windowStart) / DAY_MS);
      if (day < options.startDay || day >= options.endDay) {
        continue;
      }
      const names = byDay.get(day) ?? new Map<string, number>();
      names.set(
        allocation.name,
        (names.get(allocation.name) ?? 0) + allocation.totalCost,
      );
      byDay.set(day, names);
    }
    return [...byDay.entries()]
      .sort(([a], [b]) => a - b)
      .map(([day, names]) => {
        // The current name wins over the older `label=value` form.
        const name = target.names.find(n => names.has(n)) as string;
        return {
          entityRef: options.entityRef,
          date: dateOf(day),
          source: OPENCOST_SOURCE,
          // Cloud-bill adjustments can make a total slightly negative; a
          // day's cost is never below zero.
          amount: Math.max(0, names.get(name) ?? 0),
          currency: this.#settings.currency,
        };
      });
  }
}

import {
  CostExplorerClient,
  ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import { LoggerService } from '@backstage/backend-plugin-api';
import { AwsCostResponseError } from './AwsCostExplorerError';
import { addDays, daysBetween, isDay, utcDay } from './days';
import {
  cacheKeyOf,
  describeQuery,
  getCostAndUsageInput,
  TagGroupQuery,
} from './getCostAndUsageInput';
import {
  abortableSleep,
  CostExplorerUsage,
  DEFAULT_THROTTLE_BACKOFF,
  sendGetCostAndUsage,
  ThrottleBackoff,
} from './sendGetCostAndUsage';

/**
 * An amount of one metric as Cost Explorer reports it.
 *
 * @public
 */
export interface MetricAmount {
  amount: number;
  /** The currency, e.g. `USD`. */
  unit: string;
}

/**
 * The cost of one UTC day of a {@link TagGroupQuery}, per value of the
 * group-by tag.
 *
 * @public
 */
export interface DailyTagCosts {
  date: string;
  /** Cost Explorer marks days whose cost may still change (the open bill). */
  estimated: boolean;
  /**
   * Amount per tag value; the key `''` holds the untagged cost (Cost
   * Explorer's `key$` group), which belongs to no entity.
   */
  byTagValue: ReadonlyMap<string, MetricAmount>;
}

/** A guard against an endpoint that never stops handing out page tokens. */
const MAX_PAGES = 1000;

interface CachedDay extends DailyTagCosts {
  fetchedAtMs: number;
}

/** Days being merged from the pages of one request. */
type PartialDays = Map<
  string,
  { estimated: boolean; byTagValue: Map<string, MetricAmount> }
>;

/**
 * Runs {@link TagGroupQuery} queries against Cost Explorer with
 * `GetCostAndUsage`: daily granularity, every `NextPageToken` page,
 * bounded exponential backoff on throttling, and an in-memory cache per
 * query and day so that the entities of one group, and the pulls that
 * follow within `cacheTtlMs`, cost no further request.
 *
 * A cached day is reused while it is final (`Estimated: false`), or while
 * it is estimated and younger than `cacheTtlMs`. A query asks Cost
 * Explorer only from its first day that is missing or expired to its end.
 *
 * @public
 */
export class CostExplorerDailyCosts {
  readonly usage: CostExplorerUsage = {
    requests: 0,
    cacheHits: 0,
    throttled: 0,
  };
  readonly #getClient: () => Promise<CostExplorerClient>;
  readonly #logger: LoggerService;
  readonly #cacheTtlMs: number;
  readonly #retainDays: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #backoff: ThrottleBackoff;
  readonly #cache = new Map<string, Map<string, CachedDay>>();

  constructor(options: {
    /** The client to send with; called once per request batch. */
    getClient: () => Promise<CostExplorerClient>;
    logger: LoggerService;
    cacheTtlMs: number;
    /** Cached days older than this many days before today are dropped. */
    retainDays: number;
    now?: () => number;
    sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
    backoff?: Partial<ThrottleBackoff>;
  }) {
    this.#getClient = options.getClient;
    this.#logger = options.logger;
    this.#cacheTtlMs = options.cacheTtlMs;
    this.#retainDays = options.retainDays;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#backoff = { ...DEFAULT_THROTTLE_BACKOFF, ...options.backoff };
  }

  /**
   * The query's cost for each UTC day in [start, end) that Cost Explorer
   * reported, oldest first. A day it did not report is absent.
   */
  async dailyCosts(
    query: TagGroupQuery,
    period: { start: string; end: string; signal: AbortSignal },
  ): Promise<DailyTagCosts[]> {
    const key = cacheKeyOf(query);
    const cached = this.#cache.get(key) ?? new Map<string, CachedDay>();
    this.#cache.set(key, cached);
    const days = daysBetween(period.start, period.end);
    const nowMs = this.#now();
    const firstStale = days.find(day => !this.#isFresh(cached.get(day), nowMs));

    if (firstStale === undefined) {
      this.usage.cacheHits += 1;
      this.#logger.debug(
        `Cost Explorer ${describeQuery(query)} ${period.start}..${
          period.end
        } answered from the cache`,
      );
    } else {
      const fetched = await this.#fetch(
        query,
        { start: firstStale, end: period.end },
        period.signal,
      );
      for (const [date, day] of fetched) {
        cached.set(date, { date, ...day, fetchedAtMs: nowMs });
      }
      const oldest = addDays(utcDay(new Date(nowMs)), -this.#retainDays - 1);
      for (const date of cached.keys()) {
        if (date < oldest) {
          cached.delete(date);
        }
      }
    }
    return days.flatMap(day => {
      const entry = cached.get(day);
      return entry
        ? [
            {
              date: entry.date,
              estimated: entry.estimated,
              byTagValue: entry.byTagValue,
            },
          ]
        : [];
    });
  }

  #isFresh(day: CachedDay | undefined, nowMs: number): boolean {
    if (!day) {
      return false;
    }
    return !day.estimated || nowMs - day.fetchedAtMs < this.#cacheTtlMs;
  }

  /** One request over [start, end), all pages merged per day. */
  async #fetch(
    query: TagGroupQuery,
    period: { start: string; end: string },
    signal: AbortSignal,
  ): Promise<PartialDays> {
    const client = await this.#getClient();
    const input = getCostAndUsageInput(query, period);
    const days: PartialDays = new Map();
    let token: string | undefined;
    for (let page = 1; ; page++) {
      if (page > MAX_PAGES) {
        throw new AwsCostResponseError(
          `Cost Explorer returned more than ${MAX_PAGES} pages for ${describeQuery(
            query,
          )}`,
        );
      }
      const output = await sendGetCostAndUsage({
        client,
        input: { ...input, ...(token ? { NextPageToken: token } : {}) },
        signal,
        description: `${describeQuery(query)} ${period.start}..${
          period.end
        } page ${page}`,
        backoff: this.#backoff,
        sleep: this.#sleep,
        logger: this.#logger,
        usage: this.usage,
      });
      for (const result of output.ResultsByTime ?? []) {
        this.#merge(days, result, query);
      }
      const next = output.NextPageToken || undefined;
      if (next !== undefined && next === token) {
        throw new AwsCostResponseError(
          `Cost Explorer returned the same NextPageToken twice for ${describeQuery(
            query,
          )}`,
        );
      }
      token = next;
      if (!token) {
        break;
      }
    }
    const untagged = new Map<string, number>();
    for (const day of days.values()) {
      const amount = day.byTagValue.get('');
      if (amount) {
        untagged.set(
          amount.unit,
          (untagged.get(amount.unit) ?? 0) + amount.amount,
        );
      }
    }
    if (untagged.size > 0) {
      this.#logger.info(
        `Cost Explorer ${describeQuery(query)} ${period.start}..${
          period.end
        }: untagged cost (${query.groupByTagKey}$) of ${[...untagged]
          .map(([unit, amount]) => `${amount.toFixed(2)} ${unit}`)
          .join(', ')} is attributed to no entity`,
      );
    }
    return days;
  }

  #merge(days: PartialDays, result: ResultByTime, query: TagGroupQuery) {
    const date = result.TimePeriod?.Start;
    if (!isDay(date)) {
      throw new AwsCostResponseError(
        `Cost Explorer returned a result without a daily TimePeriod.Start: ${JSON.stringify(
          result.TimePeriod,
        )}`,
      );
    }
    const day = days.get(date) ?? {
      estimated: false,
      byTagValue: new Map<string, MetricAmount>(),
    };
    days.set(date, day);
    day.estimated ||= result.Estimated === true;
    const prefix = `${query.groupByTagKey}$`;
    for (const group of result.Groups ?? []) {
      const groupKey = (group.Keys ?? []).find(k => k.startsWith(prefix));
      if (groupKey === undefined) {
        throw new AwsCostResponseError(
          `Cost Explorer returned group ${JSON.stringify(
            group.Keys,
          )} on ${date}, not one of tag ${query.groupByTagKey}`,
        );
      }
      const value = groupKey.slice(prefix.length);
      const metric = group.Metrics?.[query.metric];
      const amount = Number(metric?.Amount);
      const unit = metric?.Unit;
      if (!metric?.Amount || !Number.isFinite(amount) || !unit) {
        throw new AwsCostResponseError(
          `Cost Explorer returned no readable ${
            query.metric
          } for ${groupKey} on ${date}: ${JSON.stringify(metric)}`,
        );
      }
      const previous = day.byTagValue.get(value);
      if (previous && previous.unit !== unit) {
        throw new AwsCostResponseError(
          `Cost Explorer returned ${groupKey} on ${date} in both ${previous.unit} and ${unit}`,
        );
      }
      day.byTagValue.set(value, {
        amount: (previous?.amount ?? 0) + amount,
        unit,
      });
    }
  }
}

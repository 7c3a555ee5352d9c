import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CostRecordInput } from '@release-coordinator/backstage-plugin-common';
import {
  CostProvider,
  CostPullResult,
  ProviderPullRequest,
} from '@release-coordinator/backstage-plugin-node';
import { AwsCostMetric } from './config';
import {
  COST_INSIGHTS_TAGS_ANNOTATION,
  CostTag,
  parseCostInsightsTags,
} from './costInsightsTags';
import { AwsCostResponseError } from './AwsCostExplorerError';
import {
  CostExplorerDailyCosts,
  DailyTagCosts,
} from './CostExplorerDailyCosts';
import { TagGroupQuery } from './getCostAndUsageInput';
import { addDays, daysBetween, isDay, utcDay } from './days';

/**
 * The provider id (scheduler task `release-coordinator.sync.aws-cost`,
 * schedule key `releaseCoordinator.schedule.providers.aws-cost`).
 *
 * @public
 */
export const AWS_COST_PROVIDER_ID = 'aws-cost';

/**
 * The `source` of the records: the provider id and the metric, e.g.
 * `aws-cost:UnblendedCost`, so the UI's source label says which metric the
 * amounts are.
 *
 * @public
 */
export function awsCostSource(metric: AwsCostMetric): string {
  return `${AWS_COST_PROVIDER_ID}:${metric}`;
}

/** Where the next pull of an entity starts, and what it was pulled with. */
interface AwsCostCursor {
  metric: string;
  /** The entity's tags as pulled; other tags start over. */
  tags: string;
  /** The first UTC day the next pull asks for. */
  next: string;
}

function readCursor(cursor: string | undefined): AwsCostCursor | undefined {
  if (!cursor) {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(cursor);
    if (typeof parsed === 'object' && parsed !== null) {
      const { metric, tags, next } = parsed as Record<string, unknown>;
      if (
        typeof metric === 'string' &&
        typeof tags === 'string' &&
        isDay(next)
      ) {
        return { metric, tags, next };
      }
    }
  } catch {
    // An unreadable cursor starts over; records are upserted, so that is harmless.
  }
  return undefined;
}

/**
 * The query that serves an entity: grouped by its first tag's key, filtered
 * by its other tags. Entities whose annotations share the first key and the
 * other tags share the query, and so one request.
 *
 * @public
 */
export function tagGroupQueryOf(
  tags: CostTag[],
  metric: AwsCostMetric,
): TagGroupQuery {
  const [first, ...others] = tags;
  return { metric, groupByTagKey: first.key, filterTags: others };
}

/**
 * Daily cost of the entities annotated `aws.amazon.com/cost-insights-tags`
 * from AWS Cost Explorer (`GetCostAndUsage`, DAILY, one metric).
 *
 * Each pull asks for the UTC days from the cursor up to yesterday: Cost
 * Explorer's `End` is exclusive and is set to today, so today's partial day
 * is never stored. The first pull reaches `lookbackDays` back. The cursor is
 * the earliest day Cost Explorer still marked `Estimated` (or did not
 * report), so those days are asked for again, through the cache, until they
 * are final; without such a day it is today. A change of metric or tags
 * starts over.
 *
 * A day on which the entity's tag value has no group is stored as 0 in the
 * day's currency: Cost Explorer leaves out groups without cost, and a
 * stored estimate must be replaced when the final day has none. A negative
 * net amount (credits larger than the cost) is stored as 0, as cost records
 * are never negative.
 *
 * @public
 */
export class AwsCostProvider implements CostProvider {
  readonly id = AWS_COST_PROVIDER_ID;
  readonly #costs: CostExplorerDailyCosts;
  readonly #metric: AwsCostMetric;
  readonly #lookbackDays: number;
  readonly #logger: LoggerService;
  readonly #now: () => Date;

  constructor(options: {
    costs: CostExplorerDailyCosts;
    metric: AwsCostMetric;
    lookbackDays: number;
    logger: LoggerService;
    now?: () => Date;
  }) {
    this.#costs = options.costs;
    this.#metric = options.metric;
    this.#lookbackDays = options.lookbackDays;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  /** The records' source, e.g. `aws-cost:UnblendedCost`. */
  get source(): string {
    return awsCostSource(this.#metric);
  }

  appliesTo(entity: Entity): boolean {
    return Boolean(
      entity.metadata.annotations?.[COST_INSIGHTS_TAGS_ANNOTATION]?.trim(),
    );
  }

  async pull(request: ProviderPullRequest): Promise<CostPullResult> {
    const annotation =
      request.entity.metadata.annotations?.[
        COST_INSIGHTS_TAGS_ANNOTATION
      ]?.trim();
    if (!annotation) {
      return { costs: [] };
    }
    const entityRef = stringifyEntityRef(request.entity).toLocaleLowerCase(
      'en-US',
    );
    let tags: CostTag[];
    try {
      tags = parseCostInsightsTags(annotation);
    } catch (error) {
      throw new InputError(
        `Invalid ${COST_INSIGHTS_TAGS_ANNOTATION} annotation '${annotation}' on ${entityRef}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
    const tagsPulled = tags.map(t => `${t.key}=${t.value}`).join(',');
    const today = utcDay(this.#now());
    const earliest = addDays(today, -this.#lookbackDays);
    const cursor = readCursor(request.cursor);
    const resume =
      cursor && cursor.metric === this.#metric && cursor.tags === tagsPulled
        ? cursor.next
        : undefined;
    const start = resume && resume > earliest ? resume : earliest;
    const end = today;
    const nextCursor = (next: string) =>
      JSON.stringify({ metric: this.#metric, tags: tagsPulled, next });
    if (start >= end) {
      return { costs: [], cursor: nextCursor(end) };
    }

    const days = await this.#costs.dailyCosts(
      tagGroupQueryOf(tags, this.#metric),
      { start, end, signal: request.signal },
    );
    const costs = this.#toRecords({ days, entityRef, tagValue: tags[0].value });
    const reported = new Map(days.map(day => [day.date, day]));
    // Estimated or unreported days are asked for again on the next pull.
    const notFinal = daysBetween(start, end).find(
      date => reported.get(date)?.estimated !== false,
    );
    return { costs, cursor: nextCursor(notFinal ?? end) };
  }

  /** The entity's record of each reported day: its tag value's group, or 0. */
  #toRecords(options: {
    days: DailyTagCosts[];
    entityRef: string;
    tagValue: string;
  }): CostRecordInput[] {
    const { days, entityRef, tagValue } = options;
    // Cost Explorer reports one currency per account; a day without any
    // group takes it from the other days.
    const responseCurrency = days
      .flatMap(day => [...day.byTagValue.values()])
      .map(amount => amount.unit)[0];
    return days.map(day => {
      const own = day.byTagValue.get(tagValue);
      const currency =
        own?.unit ??
        [...day.byTagValue.values()][0]?.unit ??
        responseCurrency ??
        'USD';
      if (!/^[A-Z]{3}$/.test(currency)) {
        throw new AwsCostResponseError(
          `Cost Explorer reported ${
            this.#metric
          } in '${currency}', not an ISO 4217 currency, for ${entityRef} on ${
            day.date
          }`,
        );
      }
      let amount = own?.amount ?? 0;
      if (amount < 0) {
        this.#logger.warn(
          `Cost Explorer reported a negative ${
            this.#metric
          } of ${amount} ${currency} for ${entityRef} on ${
            day.date
          } (credits); stored as 0`,
        );
        amount = 0;
      }
      return {
        entityRef,
        date: day.date,
        source: this.source,
        amount,
        currency,
      };
    });
  }
}

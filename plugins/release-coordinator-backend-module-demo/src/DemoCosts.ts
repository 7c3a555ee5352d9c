import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { CostRecordInput } from '@release-coordinator/backstage-plugin-common';
import {
  CostProvider,
  CostPullResult,
  ProviderPullRequest,
} from '@release-coordinator/backstage-plugin-node';
import {
  DEMO_HISTORY_DAYS,
  DEMO_SOURCE,
  demoAppliesTo,
  DemoProviderOptions,
  historyOf,
} from './DemoProviders';
import { createRandom } from './random';
import { DAY_MS, productionEnvironment } from './timeline';

/** Second source of the one service whose cost comes from two systems. */
export const DEMO_STORAGE_SOURCE = 'demo-storage';

/** How far back a cost level looks for the release that set it. */
const LEVEL_LOOKBACK_DAYS = 120;
/** Share of production releases that change the cost level. */
const COST_CHANGING_RELEASE_RATE = 0.3;
/** Cost levels a release can move a service to (factor on its base cost). */
const COST_LEVELS = [0.7, 0.85, 1.2, 1.4, 1.65];

/** The daily cost shape of one service. */
interface CostProfile {
  /** Cost of a weekday at level 1, before noise. */
  baseDaily: number;
  currency: string;
  /** Factor on Saturdays and Sundays (less traffic, scaled-down replicas). */
  weekendFactor: number;
  /** A second, flat cost source (a managed database), if any. */
  storageDaily?: number;
}

/** Cost profiles of the example services; others derive one from their name. */
const EXAMPLE_COSTS: Record<string, CostProfile> = {
  'payments-api': {
    baseDaily: 182,
    currency: 'USD',
    weekendFactor: 0.7,
    storageDaily: 46,
  },
  'checkout-web': { baseDaily: 95, currency: 'USD', weekendFactor: 0.6 },
  'invoicing-service': { baseDaily: 38, currency: 'USD', weekendFactor: 0.9 },
  'identity-service': { baseDaily: 64, currency: 'USD', weekendFactor: 0.8 },
  'notification-gateway': {
    baseDaily: 27,
    currency: 'USD',
    weekendFactor: 0.75,
  },
  'search-indexer': { baseDaily: 120, currency: 'USD', weekendFactor: 1 },
};

function costProfileFor(entity: Entity): CostProfile {
  const known = EXAMPLE_COSTS[entity.metadata.name.toLocaleLowerCase('en-US')];
  if (known) {
    return known;
  }
  const random = createRandom(`cost|${entity.metadata.name}`);
  return {
    baseDaily: Math.round(random.between(15, 150)),
    currency: 'USD',
    weekendFactor: random.between(0.6, 1),
  };
}

const dayOf = (date: string) =>
  Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
const dateOf = (day: number) =>
  new Date(day * DAY_MS).toISOString().slice(0, 10);
const cents = (amount: number) => Math.round(amount * 100) / 100;

/**
 * Deterministic daily cost of the annotated example components (docs/product.md §11):
 * a base cost per service, lower at weekends, ±4 % daily noise, and a
 * visible step the day after some production releases of the demo history
 * (about 30 % of them move the service to another cost level). The cost of a
 * day is a pure function of (entity, day), like the rest of the demo.
 *
 * The cursor is the last complete UTC day returned: the first pull returns
 * the 90 days before today, later pulls the days completed since.
 */
export class DemoCostProvider implements CostProvider {
  readonly id = DEMO_SOURCE;
  readonly #config: Config;
  readonly #clock: () => Date;

  constructor(options: DemoProviderOptions) {
    this.#config = options.config;
    this.#clock = options.clock ?? (() => new Date());
  }

  appliesTo(entity: Entity): boolean {
    return demoAppliesTo(entity);
  }

  async pull(request: ProviderPullRequest): Promise<CostPullResult> {
    request.signal.throwIfAborted();
    const today = Math.floor(this.#clock().getTime() / DAY_MS);
    const lastDay = today - 1;
    if (!demoAppliesTo(request.entity)) {
      return { costs: [], cursor: dateOf(lastDay) };
    }
    const windowStart = today - DEMO_HISTORY_DAYS;
    const cursorDay =
      request.cursor && /^\d{4}-\d{2}-\d{2}$/.test(request.cursor)
        ? dayOf(request.cursor)
        : NaN;
    // An unreadable cursor, or one from the future, starts over; the
    // backend upserts by (entity, date, source), so that is harmless.
    const firstDay =
      Number.isFinite(cursorDay) && cursorDay <= lastDay
        ? Math.max(cursorDay + 1, windowStart)
        : windowStart;
    if (firstDay > lastDay) {
      return { costs: [] };
    }
    return {
      costs: this.dailyCosts(request.entity, firstDay, lastDay),
      cursor: dateOf(lastDay),
    };
  }

  /** Cost records of the UTC days [fromDay, toDay] (days since 1970-01-01). */
  dailyCosts(
    entity: Entity,
    fromDay: number,
    toDay: number,
  ): CostRecordInput[] {
    const { entityRef, environments, history } = historyOf(
      entity,
      this.#config,
    );
    const profile = costProfileFor(entity);
    const production = productionEnvironment(environments);
    // Cost-changing production releases, oldest first: [day it applies from, level].
    const steps = history
      .deployments(fromDay - LEVEL_LOOKBACK_DAYS, toDay)
      .filter(
        d =>
          d.environment === production &&
          d.kind === 'deploy' &&
          d.status === 'succeeded',
      )
      .flatMap(d => {
        const random = createRandom(`cost|${entityRef}|${d.externalId}`);
        if (!random.chance(COST_CHANGING_RELEASE_RATE)) {
          return [];
        }
        return [
          {
            fromDay: Math.floor(d.finishedMs / DAY_MS) + 1,
            level: random.pick(COST_LEVELS),
          },
        ];
      })
      .sort((a, b) => a.fromDay - b.fromDay);

    const records: CostRecordInput[] = [];
    for (let day = fromDay; day <= toDay; day++) {
      let level = 1;
      for (const step of steps) {
        if (step.fromDay <= day && step.fromDay > day - LEVEL_LOOKBACK_DAYS) {
          level = step.level;
        }
      }
      const weekday = new Date(day * DAY_MS).getUTCDay();
      const weekend = weekday === 0 || weekday === 6;
      const noise = createRandom(`cost|${entityRef}|${day}`).between(
        0.96,
        1.04,
      );
      const date = dateOf(day);
      records.push({
        entityRef,
        date,
        source: DEMO_SOURCE,
        amount: cents(
          profile.baseDaily *
            level *
            (weekend ? profile.weekendFactor : 1) *
            noise,
        ),
        currency: profile.currency,
      });
      if (profile.storageDaily !== undefined) {
        records.push({
          entityRef,
          date,
          source: DEMO_STORAGE_SOURCE,
          amount: cents(
            profile.storageDaily *
              createRandom(`cost|${entityRef}|${day}|storage`).between(
                0.99,
                1.01,
              ),
          ),
          currency: profile.currency,
        });
      }
    }
    return records;
  }
}

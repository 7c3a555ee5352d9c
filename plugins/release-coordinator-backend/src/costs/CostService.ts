import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  CostRecord,
  CostRecordInput,
  entityCostsSignalChannel,
  EventItemResult,
} from '@release-coordinator/backstage-plugin-common';
import {
  findUnknownEntities,
  IngestOptions,
  rejectBatch,
  toResults,
  validateAll,
} from '../deployments/DeploymentService';
import { CostStore } from './CostStore';
import { CostInsightsCost, toCostInsightsCost } from './costInsights';
import { parseRepeatingIntervals } from './intervals';
import { costRecordInputSchema } from './validation';

/**
 * The rules of daily cost records: validation of pushed and pulled records,
 * entity resolution through the catalog, and the reads of the cost chart and
 * of the Cost Insights route. Like deployment batches, a cost batch is all or
 * nothing: if any item is rejected, nothing is stored and the 400 names
 * every bad item (index and field or entity).
 */
export class CostService {
  private readonly store: CostStore;
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly signals?: SignalsService;
  private readonly logger?: LoggerService;

  constructor(options: {
    store: CostStore;
    catalog: CatalogService;
    auth: AuthService;
    /** Announces changed cost so open Delivery metrics tabs reload. */
    signals?: SignalsService;
    logger?: LoggerService;
  }) {
    this.store = options.store;
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.signals = options.signals;
    this.logger = options.logger;
  }

  /** Checks the fields of cost records; throws a 400 naming each bad one. */
  parseCosts(items: unknown[]): CostRecordInput[] {
    return validateAll(costRecordInputSchema, items);
  }

  /**
   * Validates and upserts cost records by (entityRef, date, source); all or
   * nothing. Also the sink of scheduled cost provider pulls.
   */
  async ingestCosts(
    items: readonly unknown[],
    options: IngestOptions = {},
  ): Promise<EventItemResult[]> {
    const valid = this.parseCosts([...items]);
    await options.authorize?.(valid.map(item => item.entityRef));
    const problems = await findUnknownEntities({
      items: valid,
      catalog: this.catalog,
      credentials:
        options.credentials ?? (await this.auth.getOwnServiceCredentials()),
    });
    if (problems.length > 0) {
      rejectBatch(valid.length, problems);
    }
    const statuses = await this.store.upsertCosts(valid);
    await this.announceChanges(
      valid.filter((_, index) => statuses[index] !== 'unchanged'),
    );
    return toResults(statuses.map(status => ({ status })));
  }

  /**
   * Tells open Delivery metrics tabs of the entities whose cost was created
   * or changed to reload; a pull that only repeats stored amounts is silent.
   */
  private async announceChanges(
    changed: Array<{ entityRef: string }>,
  ): Promise<void> {
    if (!this.signals) {
      return;
    }
    for (const entityRef of new Set(changed.map(item => item.entityRef))) {
      try {
        await this.signals.publish({
          recipients: { type: 'broadcast' },
          channel: entityCostsSignalChannel(entityRef),
          message: { entityRef },
        });
      } catch (error) {
        // The cost is stored; a missed signal only delays a reload.
        this.logger?.warn(
          `Could not signal the cost change of ${entityRef}: ${error}`,
        );
      }
    }
  }

  /** Daily records of the entities over the UTC days [from, to). */
  listCosts(options: {
    entityRefs: string[];
    from: string;
    to: string;
  }): Promise<CostRecord[]> {
    return this.store.listCosts(options);
  }

  /**
   * The entities' daily cost over Cost Insights `intervals`
   * (`R2/P30D/2026-11-26`), in the `getCatalogEntityDailyCost` shape.
   * Amounts of different currencies are never added: with several, the
   * caller must pick one (400 naming `currency`).
   */
  async getDailyCost(options: {
    id: string;
    entityRefs: string[];
    intervals: string;
    currency?: string;
  }): Promise<CostInsightsCost> {
    const periods = parseRepeatingIntervals(options.intervals);
    const all = await this.store.listCosts({
      entityRefs: options.entityRefs,
      from: periods[0].from,
      to: periods[periods.length - 1].to,
    });
    const currencies = [...new Set(all.map(r => r.currency))].sort();
    if (!options.currency && currencies.length > 1) {
      throw new InputError(
        `Invalid query: currency: the cost is in several currencies (${currencies.join(
          ', ',
        )}); pick one with currency=`,
      );
    }
    const records = options.currency
      ? all.filter(r => r.currency === options.currency)
      : all;
    return toCostInsightsCost({ id: options.id, records, periods });
  }
}

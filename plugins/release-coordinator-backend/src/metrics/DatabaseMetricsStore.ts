import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { getMigratedClient } from '../database/migrateDatabase';
import { chunks } from '../deployments/upsertByExternalId';
import { toDbTimestamp } from '../database/timestamps';
import {
  addDeployment,
  dayNumber,
  dayString,
  DeploymentFactRow,
  deploymentFacts,
  epochMs,
  FACT_COLUMNS,
  FactColumns,
  factsSlot,
  finishedIn,
  MetricsRollups,
  toMetricsDeployment,
} from './MetricsRollups';
import { MetricsScopes, PartialDay, scopeKey } from './MetricsScopes';
import {
  DeploymentSlot,
  MetricsCost,
  MetricsIncident,
  MetricsStore,
  MetricsWindowData,
  MetricsWindowQuery,
} from './MetricsStore';

type DbTimestamp = Date | string | number;

type IncidentRow = {
  id: string;
  entity_ref: string;
  severity: string;
  started_at: DbTimestamp;
  resolved_at: DbTimestamp | null;
};

type CostRow = {
  entity_ref: string;
  date: string;
  source: string;
  amount: number | string;
  currency: string;
};

type DailyRow = FactColumns & { entity_ref: string; day: string };

/** Milliseconds of one day. */
const DAY_MS = 86_400_000;

// Keeps every `IN (...)` list far below the bind-parameter limits of both
// databases, whatever the size of a roll-up.
const ENTITY_CHUNK = 500;

/**
 * Splits [from, to) into whole UTC days (read from the rollup) and partial
 * days (the edges, and any day with a cut inside, read from the rows).
 */
export function planSlots(
  from: number,
  to: number,
  cuts: number[],
): { wholeDays: Set<number>; partialDays: PartialDay[] } {
  const wholeDays = new Set<number>();
  const partialDays: PartialDay[] = [];
  const inside = [...new Set(cuts)]
    .filter(cut => cut > from && cut < to)
    .sort((a, b) => a - b);
  for (let day = Math.floor(from / DAY_MS); day * DAY_MS < to; day++) {
    const start = Math.max(day * DAY_MS, from);
    const end = Math.min((day + 1) * DAY_MS, to);
    const within = inside.filter(cut => cut > start && cut < end);
    if (
      start === day * DAY_MS &&
      end === (day + 1) * DAY_MS &&
      !within.length
    ) {
      wholeDays.add(day);
    } else {
      partialDays.push({ start, end, bounds: [...within, end] });
    }
  }
  return { wholeDays, partialDays };
}

function emptySlot(entityRef: string, start: number, end: number) {
  return {
    entityRef,
    start,
    end,
    succeeded: 0,
    failed: 0,
    failedInProduction: 0,
    rollbacks: 0,
    reworkDeploys: 0,
    leadTimes: [] as number[],
    durations: [] as number[],
  };
}

/**
 * Knex implementation of {@link MetricsStore}. Deployment facts come from
 * the daily rollups (`metrics_daily`, primary key (entity_ref, environment,
 * day)) for whole days and from `deployments_metrics_idx` (entity_ref,
 * environment, kind, status, finished_at) for partial days; incidents from
 * `incidents_entity_environment_started_idx` (entity_ref, environment,
 * started_at); cost from the primary key of `cost_records` (entity_ref,
 * date, source), summed by the database.
 */
export class DatabaseMetricsStore implements MetricsStore {
  /** Creates the store, running the plugin's migrations unless skipped. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    /**
     * From how many member entities a summed read (a roll-up) uses the
     * roll-up caches (MetricsScopes). Default 10.
     */
    scopeMinMembers?: number;
    /**
     * Bytes of samples each process keeps for roll-ups' runs of days
     * (MetricsScopes; `releaseCoordinator.metrics.rollupMemoryMiB`).
     * Default 64 MiB.
     */
    rollupMemoryBytes?: number;
  }): Promise<DatabaseMetricsStore> {
    return new DatabaseMetricsStore(
      await getMigratedClient(options),
      options.scopeMinMembers ?? 10,
      options.rollupMemoryBytes,
    );
  }

  /** The rollups this store reads (refreshed before each read). */
  readonly rollups: MetricsRollups;
  /** The roll-up caches of member sets. */
  readonly scopes: MetricsScopes;

  private constructor(
    private readonly db: Knex,
    private readonly scopeMinMembers: number,
    rollupMemoryBytes?: number,
  ) {
    this.rollups = new MetricsRollups(db);
    this.scopes = new MetricsScopes(db, {
      joinedCacheBytes: rollupMemoryBytes,
    });
  }

  async readWindow(query: MetricsWindowQuery): Promise<MetricsWindowData> {
    const refs = [...new Set(query.entityRefs)];
    // Every change committed before the read is in the rollups it reads.
    await this.rollups.refresh(refs, query.environment);
    const plan = planSlots(
      query.from.getTime(),
      query.to.getTime(),
      query.cuts.map(cut => cut.getTime()),
    );
    const out: MetricsWindowData = { slots: [], incidents: [], costs: [] };
    // A roll-up summed over many members: deployment facts and cost from
    // the scope's caches (one row per day, or per hour at the window's
    // edges), incidents from the scope's list.
    if (!query.costPerEntity && refs.length >= this.scopeMinMembers) {
      const key = scopeKey(refs);
      const scope = { key, entityRefs: refs, environment: query.environment };
      // Side by side (PostgreSQL runs them on separate connections).
      const [whole, partial, costs, incidents] = await Promise.all([
        this.scopes.readWholeDays({
          ...scope,
          days: plan.wholeDays,
          breaks: query.joinWholeDays
            ? [query.from, ...query.cuts, query.to].map(time => time.getTime())
            : undefined,
        }),
        this.scopes.readPartialDays({ ...scope, days: plan.partialDays }),
        this.scopes.readCosts({
          key,
          entityRefs: refs,
          from: query.costFrom,
          to: query.costTo,
        }),
        this.scopes.readIncidents({
          ...scope,
          from: query.from.getTime(),
          to: query.to.getTime(),
          read: async since =>
            ([] as MetricsIncident[]).concat(
              ...(await Promise.all(
                chunks(refs, ENTITY_CHUNK).map(chunk =>
                  this.readIncidents(chunk, {
                    environment: query.environment,
                    from: since,
                  }),
                ),
              )),
            ),
        }),
        this.scopes.touch(refs, new Date(), key),
      ]);
      out.slots = whole.concat(partial);
      out.costs = costs;
      out.incidents = incidents;
      return out;
    }
    for (const chunk of chunks(refs, ENTITY_CHUNK)) {
      const [whole, partial, incidents, costs] = await Promise.all([
        this.readWholeDays(chunk, query.environment, plan.wholeDays),
        this.readPartialDays(chunk, query.environment, plan.partialDays),
        this.readIncidents(chunk, query),
        this.readCosts(chunk, query),
      ]);
      // concat, not push(...rows): spreading 100k+ rows as arguments
      // overflows the call stack (a 500-member roll-up does).
      out.slots = out.slots.concat(whole, partial);
      out.incidents = out.incidents.concat(incidents);
      out.costs = out.costs.concat(costs);
    }
    if (!query.costPerEntity && refs.length > ENTITY_CHUNK) {
      out.costs = sumCosts(out.costs);
    }
    return out;
  }

  /** The rollup rows of the whole days: one primary-key range per entity. */
  private async readWholeDays(
    entityRefs: string[],
    environment: string,
    wholeDays: Set<number>,
  ): Promise<DeploymentSlot[]> {
    if (wholeDays.size === 0) {
      return [];
    }
    const days = [...wholeDays];
    const rows: DailyRow[] = await this.db('metrics_daily')
      .select('entity_ref', 'day', ...FACT_COLUMNS)
      .whereIn('entity_ref', entityRefs)
      .andWhere('environment', environment)
      .andWhere('day', '>=', dayString(Math.min(...days)))
      .andWhere('day', '<=', dayString(Math.max(...days)));
    const slots: DeploymentSlot[] = [];
    for (const row of rows) {
      const day = dayNumber(row.day);
      if (!wholeDays.has(day)) continue; // a day with a cut: read as partial
      slots.push(
        factsSlot(row, row.entity_ref, day * DAY_MS, (day + 1) * DAY_MS),
      );
    }
    return slots;
  }

  /**
   * The slots of the partial days, from the deployments and their failure
   * and rework flags: three queries whatever the number of days.
   */
  private async readPartialDays(
    entityRefs: string[],
    environment: string,
    days: PartialDay[],
  ): Promise<DeploymentSlot[]> {
    if (days.length === 0) {
      return [];
    }
    const ranges = days.map(day => ({ from: day.start, to: day.end }));
    const flagged = (table: string) =>
      finishedIn(
        this.db(table)
          .select('deployment_id')
          .whereIn('entity_ref', entityRefs)
          .andWhere('environment', environment),
        ranges,
      ) as Promise<Array<{ deployment_id: string }>>;
    const [rows, failedRows, reworkRows] = await Promise.all([
      deploymentFacts(this.db, {
        entityRefs,
        environment,
        ranges,
      }) as Promise<Array<DeploymentFactRow & { entity_ref: string }>>,
      flagged('metrics_failed_deployments'),
      flagged('metrics_rework_deployments'),
    ]);
    const failed = new Set(failedRows.map(row => row.deployment_id));
    const rework = new Set(reworkRows.map(row => row.deployment_id));
    const slots = new Map<string, ReturnType<typeof emptySlot>>();
    for (const row of rows) {
      const d = toMetricsDeployment(row, row.entity_ref);
      const day = days.find(
        candidate =>
          d.finishedAt >= candidate.start && d.finishedAt < candidate.end,
      )!;
      let start = day.start;
      let end = day.end;
      for (const bound of day.bounds) {
        if (d.finishedAt < bound) {
          end = bound;
          break;
        }
        start = bound;
      }
      const key = `${d.entityRef} ${start}`;
      let slot = slots.get(key);
      if (!slot) {
        slot = emptySlot(d.entityRef, start, end);
        slots.set(key, slot);
      }
      const succeededDeploy = d.kind === 'deploy' && d.status === 'succeeded';
      addDeployment(
        slot,
        d,
        succeededDeploy && failed.has(d.id),
        succeededDeploy && rework.has(d.id),
      );
    }
    return [...slots.values()].map(slot => ({
      ...slot,
      leadTimes: Float64Array.from(slot.leadTimes),
      durations: Float64Array.from(slot.durations),
    }));
  }

  /**
   * Critical/major incidents that started before `to` (no `to`: any time),
   * open or resolved since `from`.
   */
  private async readIncidents(
    entityRefs: string[],
    query: { environment: string; from: Date; to?: Date },
  ): Promise<MetricsIncident[]> {
    const rows: IncidentRow[] = await this.db<IncidentRow>('incidents')
      .select('id', 'entity_ref', 'severity', 'started_at', 'resolved_at')
      .whereIn('entity_ref', entityRefs)
      .andWhere(builder => {
        builder.where('environment', query.environment);
        // METRICS.md: an incident with no environment counts as production.
        if (query.environment === 'production') {
          builder.orWhereNull('environment');
        }
      })
      .andWhere(builder => {
        if (query.to) builder.where('started_at', '<', toDbTimestamp(query.to));
      })
      .andWhere(builder =>
        builder
          .whereNull('resolved_at')
          .orWhere('resolved_at', '>=', toDbTimestamp(query.from)),
      )
      // A literal, not parameters: the condition of the partial index
      // `incidents_metrics_idx` must be provable when the query is planned.
      .whereRaw(`severity IN ('critical', 'major')`);
    return rows.map(row => ({
      id: row.id,
      entityRef: row.entity_ref,
      severity: row.severity === 'critical' ? 'critical' : 'major',
      startedAt: epochMs(row.started_at),
      resolvedAt: row.resolved_at === null ? null : epochMs(row.resolved_at),
    }));
  }

  /**
   * Cost of the days [costFrom, costTo): a primary-key range per entity;
   * for a roll-up summed per day and currency by the database.
   */
  private async readCosts(
    entityRefs: string[],
    query: MetricsWindowQuery,
  ): Promise<MetricsCost[]> {
    if (query.costPerEntity) {
      const rows: CostRow[] = await this.db<CostRow>('cost_records')
        .select('entity_ref', 'date', 'source', 'amount', 'currency')
        .whereIn('entity_ref', entityRefs)
        .andWhere('date', '>=', query.costFrom)
        .andWhere('date', '<', query.costTo);
      return rows.map(row => ({
        entityRef: row.entity_ref,
        date: row.date,
        source: row.source,
        amount: Number(row.amount),
        currency: row.currency,
      }));
    }
    const rows: Array<{
      date: string;
      currency: string;
      amount: number | string;
    }> = await this.db('cost_records')
      .select('date', 'currency')
      .sum({ amount: 'amount' })
      .whereIn('entity_ref', entityRefs)
      .andWhere('date', '>=', query.costFrom)
      .andWhere('date', '<', query.costTo)
      .groupBy('date', 'currency');
    return rows.map(row => ({
      entityRef: '',
      date: row.date,
      source: '',
      amount: Number(row.amount),
      currency: row.currency,
    }));
  }
}

/** Cost records summed per day and currency. */
function sumCosts(costs: MetricsCost[]): MetricsCost[] {
  const sums = new Map<string, MetricsCost>();
  for (const cost of costs) {
    const key = `${cost.date} ${cost.currency}`;
    const sum = sums.get(key);
    if (sum) {
      sum.amount += cost.amount;
    } else {
      sums.set(key, { ...cost, entityRef: '', source: '' });
    }
  }
  return [...sums.values()];
}

import { createHash, randomInt } from 'node:crypto';
import { Knex } from 'knex';
import { isPostgres } from '../database/client';
import { toDbTimestamp } from '../database/timestamps';
import { chunks } from '../deployments/upsertByExternalId';
import {
  addDeployment,
  DailyFacts,
  dayString,
  decodeSamples,
  DeploymentFactRow,
  deploymentFacts,
  emptyDay,
  epochMs,
  FACT_COLUMNS,
  FactColumns,
  factsSlot,
  FinishRange,
  toMetricsDeployment,
} from './MetricsRollups';
import { decodePackedSamples, encodePackedSamples } from './packedSamples';
import { dayRuns, JoinedFacts, JoinedFactsCache } from './joinedDays';
import {
  dayVersions,
  readScopeCosts,
  readScopeIncidents,
} from './scopeCostsAndIncidents';
import { concatSamples, markAscending } from './statistics';
import { DeploymentSlot, MetricsCost, MetricsIncident } from './MetricsStore';

/** Milliseconds of one day, and of one hour. */
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

// Keeps every `IN (...)` list far below the bind-parameter limits.
const ENTITY_CHUNK = 500;
// Rows per cache write (a daily row carries two sample arrays).
const WRITE_CHUNK = 50;

/** A scope's last read is recorded at most this often. */
const TOUCH_INTERVAL_MS = 60 * 60 * 1000;

type Version = number | string;

/** A part of one UTC day, [start, end), cut into slots at `bounds`. */
export interface PartialDay {
  start: number;
  end: number;
  /** Where its slots end: the cuts inside it, then `end`. */
  bounds: number[];
}

type ScopeHourlyRow = Omit<ScopeDailyRow, 'day'> & { hour: string };

type ScopeDailyRow = FactColumns & {
  day: string;
  version: Version;
  /** Random, new with every write of the row (absent: not read). */
  generation?: Version;
};

/** The hex SHA-256 of the sorted, distinct entity refs. */
export function scopeKey(entityRefs: string[]): string {
  const hash = createHash('sha256');
  for (const ref of [...new Set(entityRefs)].sort()) {
    hash.update(ref);
    hash.update('\n');
  }
  return hash.digest('hex');
}

/** 'YYYY-MM-DDTHH' of the hour starting at `time`. */
function hourKey(time: number): string {
  return new Date(time).toISOString().slice(0, 13);
}

/**
 * The samples of several rollup arrays ({@link decodeSamples}), ascending,
 * packed (null for none).
 */
function sortedSampleBytes(parts: Buffer[]): Buffer | null {
  if (parts.length === 0) return null;
  return encodePackedSamples(concatSamples(parts.map(decodeSamples)).sort());
}

/** The slot of a cached row (its samples packed). */
function cachedSlot(
  row: FactColumns,
  start: number,
  end: number,
): DeploymentSlot {
  return factsSlot(row, '', start, end, decodePackedSamples);
}

/** Cached rows (samples packed) summed into one run's facts. */
function sumCachedRows(rows: FactColumns[]): JoinedFacts {
  const facts = {
    succeeded: 0,
    failed: 0,
    failedInProduction: 0,
    rollbacks: 0,
    reworkDeploys: 0,
  };
  const leadTimes: Float64Array[] = [];
  const durations: Float64Array[] = [];
  for (const row of rows) {
    facts.succeeded += Number(row.succeeded);
    facts.failed += Number(row.failed);
    facts.failedInProduction += Number(row.failed_in_production);
    facts.rollbacks += Number(row.rollbacks);
    facts.reworkDeploys += Number(row.rework_deploys);
    leadTimes.push(decodePackedSamples(row.lead_times));
    durations.push(decodePackedSamples(row.durations));
  }
  return {
    ...facts,
    leadTimes: markAscending(concatSamples(leadTimes).sort()),
    durations: markAscending(concatSamples(durations).sort()),
  };
}

/**
 * The roll-up caches of member sets (migration
 * 20261127000000_metrics_scopes.js): the whole days of a Group, System or
 * Domain are read from one row per day instead of one per member and day,
 * and its cost from one row per day instead of one per member, day and
 * source. A cached day is used only while the version of its day is the one
 * it was computed at; otherwise it is recomputed from the members and
 * stored again.
 */
export class MetricsScopes {
  /** Runs of days summed, by everything they were computed from. */
  private readonly joined: JoinedFactsCache;

  constructor(
    private readonly db: Knex,
    options: {
      /** Bytes of samples kept in memory for runs of days (default 64 MiB). */
      joinedCacheBytes?: number;
    } = {},
  ) {
    this.joined = new JoinedFactsCache(
      options.joinedCacheBytes ?? 64 * 1024 * 1024,
    );
  }

  /**
   * Registers the scope (or records that it was read, at most once per
   * TOUCH_INTERVAL_MS); its key. Needs no wait before reading the scope.
   */
  async touch(
    entityRefs: string[],
    now = new Date(),
    key = scopeKey(entityRefs),
  ): Promise<string> {
    const row: { last_read_at: Date | string } | undefined = await this.db(
      'metrics_scopes',
    )
      .select('last_read_at')
      .where('scope_key', key)
      .first();
    if (
      row === undefined ||
      now.getTime() - epochMs(row.last_read_at) > TOUCH_INTERVAL_MS
    ) {
      await this.db('metrics_scopes')
        .insert({
          scope_key: key,
          members: new Set(entityRefs).size,
          last_read_at: toDbTimestamp(now),
        })
        .onConflict('scope_key')
        .merge(['last_read_at']);
    }
    return key;
  }

  /**
   * Deletes the caches of the scopes not read since `before`; how many
   * scopes.
   */
  async purge(before: Date): Promise<number> {
    const keys: string[] = (
      await this.db('metrics_scopes')
        .select('scope_key')
        .where('last_read_at', '<', toDbTimestamp(before))
    ).map((row: { scope_key: string }) => row.scope_key);
    for (const chunk of chunks(keys, ENTITY_CHUNK)) {
      await this.db.transaction(async tx => {
        await tx('metrics_scope_daily').whereIn('scope_key', chunk).del();
        await tx('metrics_scope_hourly').whereIn('scope_key', chunk).del();
        await tx('metrics_scope_costs').whereIn('scope_key', chunk).del();
        await tx('metrics_scope_incidents').whereIn('scope_key', chunk).del();
        await tx('metrics_scopes')
          .whereIn('scope_key', chunk)
          .andWhere('last_read_at', '<', toDbTimestamp(before))
          .del();
      });
    }
    return keys.length;
  }

  /**
   * The scope's deployment facts of whole UTC days (slots with an empty
   * `entityRef`): one slot per day, or with `breaks`, one slot per run of
   * consecutive days not split by a break at a midnight (see
   * {@link readJoinedDays}). The members' rollups must be up to date.
   */
  async readWholeDays(options: {
    key: string;
    entityRefs: string[];
    environment: string;
    days: Set<number>;
    breaks?: number[];
  }): Promise<DeploymentSlot[]> {
    const { key, environment } = options;
    if (options.days.size === 0) return [];
    const dayNumbers = [...options.days].sort((a, b) => a - b);
    if (options.breaks) {
      return this.readJoinedDays({
        ...options,
        dayNumbers,
        breaks: options.breaks,
      });
    }
    const days = dayNumbers.map(dayString);
    // The cached days whose version is current, in one statement (one
    // snapshot: the version it compares with is the one of that moment).
    const cachedRows: ScopeDailyRow[] = await this.validDays(
      key,
      environment,
      days,
      true,
    );
    const byDay = new Map<string, ScopeDailyRow>();
    for (const row of cachedRows) byDay.set(row.day, row);
    for (const row of await this.recomputeDays(
      options,
      days.filter(day => !byDay.has(day)),
    )) {
      byDay.set(row.day, row);
    }
    const slots: DeploymentSlot[] = [];
    for (const day of days) {
      const start = Date.parse(`${day}T00:00:00.000Z`);
      slots.push(cachedSlot(byDay.get(day)!, start, start + DAY_MS));
    }
    return slots;
  }

  /**
   * The whole days as runs of days, each summed into one slot with its
   * samples ascending, kept in this process's {@link JoinedFactsCache}
   * under the scope, the days and the generation of each day's current
   * cached row. A read whose runs are cached reads only those generations
   * (no samples).
   */
  private async readJoinedDays(options: {
    key: string;
    entityRefs: string[];
    environment: string;
    dayNumbers: number[];
    breaks: number[];
  }): Promise<DeploymentSlot[]> {
    const { key, environment } = options;
    const days = options.dayNumbers.map(dayString);
    // The generations of the days whose cached row is current (no
    // samples): what each day's facts are exactly.
    const generations = new Map<string, string>();
    for (const row of await this.validDays(key, environment, days, false)) {
      generations.set(row.day, String(row.generation));
    }
    const rows = new Map<string, ScopeDailyRow>();
    for (const row of await this.recomputeDays(
      options,
      days.filter(day => !generations.has(day)),
    )) {
      rows.set(row.day, row);
      generations.set(row.day, String(row.generation));
    }

    const runs = dayRuns(options.dayNumbers, options.breaks).map(run => {
      const runDays = run.map(dayString);
      const cacheKey = [
        key,
        environment,
        runDays[0],
        runDays[runDays.length - 1],
        runDays.map(day => generations.get(day)).join(','),
      ].join('|');
      return {
        start: run[0] * DAY_MS,
        end: (run[run.length - 1] + 1) * DAY_MS,
        days: runDays,
        cacheKey,
        facts: this.joined.get(cacheKey),
      };
    });

    const missed = runs.filter(run => run.facts === undefined);
    if (missed.length > 0) {
      // The rows of those days as seen above (by generation); a row that
      // has been replaced since is computed again.
      const wanted = missed
        .flatMap(run => run.days)
        .filter(day => !rows.has(day))
        .map(day => [day, Number(generations.get(day))] as [string, number]);
      for (const chunk of chunks(wanted, ENTITY_CHUNK / 2)) {
        const found: ScopeDailyRow[] = await this.db('metrics_scope_daily')
          .select('day', 'version', ...FACT_COLUMNS)
          .where({ scope_key: key, environment })
          .whereIn(['day', 'generation'], chunk);
        for (const row of found) rows.set(row.day, row);
      }
      for (const row of await this.recomputeDays(
        options,
        wanted.map(([day]) => day).filter(day => !rows.has(day)),
      )) {
        rows.set(row.day, row);
      }
      for (const run of missed) {
        const facts = sumCachedRows(run.days.map(day => rows.get(day)!));
        this.joined.set(run.cacheKey, facts);
        run.facts = facts;
      }
    }
    return runs.map(run => ({
      entityRef: '',
      start: run.start,
      end: run.end,
      ...run.facts!,
    }));
  }

  /**
   * The scope's cached rows of the days whose version is current, in one
   * statement (one snapshot: the version compared with is the one of that
   * moment); without `samples`, only the day, version and generation.
   */
  private validDays(
    key: string,
    environment: string,
    days: string[],
    samples: boolean,
  ): Promise<ScopeDailyRow[]> {
    const columns = samples ? FACT_COLUMNS : [];
    return this.db('metrics_scope_daily as c')
      .leftJoin('metrics_day_versions as v', join =>
        join.on('v.environment', 'c.environment').andOn('v.day', 'c.day'),
      )
      .select(
        'c.day',
        'c.version',
        'c.generation',
        ...columns.map(column => `c.${column}`),
      )
      .where({ 'c.scope_key': key, 'c.environment': environment })
      .andWhere('c.day', '>=', days[0])
      .andWhere('c.day', '<=', days[days.length - 1])
      .andWhereRaw('c.version = COALESCE(v.version, 0)');
  }

  /**
   * Computes the days again from the members' rollups and stores them in
   * the cache; the rows.
   */
  private async recomputeDays(
    options: { key: string; entityRefs: string[]; environment: string },
    days: string[],
  ): Promise<ScopeDailyRow[]> {
    if (days.length === 0) return [];
    const { key, entityRefs, environment } = options;
    // The versions before the facts: the facts read after them are at
    // least as new, so no row is stored with a newer version than its facts.
    const versions = await dayVersions(
      this.db,
      'metrics_day_versions',
      days[0],
      days[days.length - 1],
      environment,
    );
    const fresh = await this.sumMemberDays(
      entityRefs,
      environment,
      days,
      versions,
    );
    for (const row of fresh) row.generation = randomInt(2 ** 47);
    for (const chunk of chunks(fresh, WRITE_CHUNK)) {
      await this.db('metrics_scope_daily')
        .insert(chunk.map(row => ({ scope_key: key, environment, ...row })))
        .onConflict(['scope_key', 'environment', 'day'])
        .merge();
    }
    return fresh;
  }

  /** The members' daily rollups of the days, summed per day. */
  private async sumMemberDays(
    entityRefs: string[],
    environment: string,
    days: string[],
    versions: Map<string, number>,
  ): Promise<ScopeDailyRow[]> {
    const wanted = new Set(days);
    const sums = new Map<
      string,
      {
        succeeded: number;
        failed: number;
        failedInProduction: number;
        rollbacks: number;
        reworkDeploys: number;
        leadTimes: Buffer[];
        durations: Buffer[];
      }
    >();
    for (const day of days) {
      sums.set(day, {
        succeeded: 0,
        failed: 0,
        failedInProduction: 0,
        rollbacks: 0,
        reworkDeploys: 0,
        leadTimes: [],
        durations: [],
      });
    }
    for (const chunk of chunks([...new Set(entityRefs)], ENTITY_CHUNK)) {
      const rows: Array<Omit<ScopeDailyRow, 'version'>> = await this.db(
        'metrics_daily',
      )
        .select('day', ...FACT_COLUMNS)
        .whereIn('entity_ref', chunk)
        .andWhere('environment', environment)
        .andWhere('day', '>=', days[0])
        .andWhere('day', '<=', days[days.length - 1]);
      for (const row of rows) {
        if (!wanted.has(row.day)) continue;
        const sum = sums.get(row.day)!;
        sum.succeeded += Number(row.succeeded);
        sum.failed += Number(row.failed);
        sum.failedInProduction += Number(row.failed_in_production);
        sum.rollbacks += Number(row.rollbacks);
        sum.reworkDeploys += Number(row.rework_deploys);
        if (row.lead_times) sum.leadTimes.push(row.lead_times);
        if (row.durations) sum.durations.push(row.durations);
      }
    }
    return days.map(day => {
      const sum = sums.get(day)!;
      return {
        day,
        version: versions.get(day) ?? 0,
        succeeded: sum.succeeded,
        failed: sum.failed,
        failed_in_production: sum.failedInProduction,
        rollbacks: sum.rollbacks,
        rework_deploys: sum.reworkDeploys,
        // Ascending: the metrics select from sorted runs without copying.
        lead_times: sortedSampleBytes(sum.leadTimes),
        durations: sortedSampleBytes(sum.durations),
      };
    });
  }

  /**
   * The scope's deployment facts of the partial days (one slot per part
   * between bounds, with an empty `entityRef`): the whole hours of each part
   * from the hourly cache, the rest (less than an hour at each end) from the
   * deployments of every entity in those ranges, kept for the members. The
   * members' rollups must be up to date.
   */
  async readPartialDays(options: {
    key: string;
    entityRefs: string[];
    environment: string;
    days: PartialDay[];
  }): Promise<DeploymentSlot[]> {
    const { key, environment, days } = options;
    if (days.length === 0) return [];
    const members = new Set(options.entityRefs);

    const slots: Array<{
      start: number;
      end: number;
      hours: string[];
      facts: DailyFacts;
    }> = [];
    const edges: FinishRange[] = [];
    for (const day of days) {
      let start = day.start;
      for (const end of day.bounds) {
        const slot = {
          start,
          end,
          hours: [] as string[],
          facts: emptyDay(),
        };
        slots.push(slot);
        const firstHour = Math.ceil(start / HOUR_MS) * HOUR_MS;
        const endHour = Math.floor(end / HOUR_MS) * HOUR_MS;
        if (firstHour < endHour) {
          for (let hour = firstHour; hour < endHour; hour += HOUR_MS) {
            slot.hours.push(hourKey(hour));
          }
          if (start < firstHour) edges.push({ from: start, to: firstHour });
          if (endHour < end) edges.push({ from: endHour, to: end });
        } else {
          edges.push({ from: start, to: end });
        }
        start = end;
      }
    }

    // Side by side (PostgreSQL runs them on separate connections).
    const [hours, edgeFacts] = await Promise.all([
      this.readHours(
        key,
        environment,
        members,
        slots.flatMap(slot => slot.hours),
      ),
      edges.length ? this.memberFacts(environment, members, edges) : [],
    ]);
    const out: DeploymentSlot[] = [];
    // One slot per cached hour (the hours lie inside their part, so no slot
    // spans a bound), and one per part for what is left of its edges.
    for (const hour of slots.flatMap(slot => slot.hours)) {
      const start = Date.parse(`${hour}:00:00.000Z`);
      out.push(cachedSlot(hours.get(hour)!, start, start + HOUR_MS));
    }
    for (const { deployment, failed, rework } of edgeFacts) {
      const slot = slots.find(
        candidate =>
          deployment.finishedAt >= candidate.start &&
          deployment.finishedAt < candidate.end,
      );
      if (slot) addDeployment(slot.facts, deployment, failed, rework);
    }
    for (const slot of slots) {
      out.push({
        entityRef: '',
        start: slot.start,
        end: slot.end,
        succeeded: slot.facts.succeeded,
        failed: slot.facts.failed,
        failedInProduction: slot.facts.failedInProduction,
        rollbacks: slot.facts.rollbacks,
        reworkDeploys: slot.facts.reworkDeploys,
        leadTimes: Float64Array.from(slot.facts.leadTimes).sort(),
        durations: Float64Array.from(slot.facts.durations).sort(),
      });
    }
    return out;
  }

  /**
   * The scope's facts of the hours, from the hourly cache; the hours of a
   * day whose version changed are computed again (all 24 of the day).
   */
  private async readHours(
    key: string,
    environment: string,
    members: Set<string>,
    hourKeys: string[],
  ): Promise<Map<string, ScopeHourlyRow>> {
    const out = new Map<string, ScopeHourlyRow>();
    if (hourKeys.length === 0) return out;
    // The cached hours whose day's version is current, in one statement.
    for (const chunk of chunks(hourKeys, ENTITY_CHUNK)) {
      const rows: ScopeHourlyRow[] = await this.db('metrics_scope_hourly as c')
        .leftJoin('metrics_day_versions as v', join =>
          join
            .on('v.environment', 'c.environment')
            .andOn('v.day', this.db.raw('substr(c.hour, 1, 10)')),
        )
        .select(
          'c.hour',
          'c.version',
          ...FACT_COLUMNS.map(column => `c.${column}`),
        )
        .where({ 'c.scope_key': key, 'c.environment': environment })
        .whereIn('c.hour', chunk)
        .andWhereRaw('c.version = COALESCE(v.version, 0)');
      for (const row of rows) out.set(row.hour, row);
    }
    const staleDays = [
      ...new Set(
        hourKeys.filter(hour => !out.has(hour)).map(hour => hour.slice(0, 10)),
      ),
    ];
    if (staleDays.length === 0) return out;
    // The versions before the facts (see readWholeDays).
    const versionRows: Array<{ day: string; version: Version }> = await this.db(
      'metrics_day_versions',
    )
      .select('day', 'version')
      .where('environment', environment)
      .whereIn('day', staleDays);
    const versions = new Map(
      versionRows.map(row => [row.day, Number(row.version)]),
    );
    for (const day of staleDays) {
      const start = Date.parse(`${day}T00:00:00.000Z`);
      const perHour = new Map<string, DailyFacts>();
      for (let hour = start; hour < start + DAY_MS; hour += HOUR_MS) {
        perHour.set(hourKey(hour), emptyDay());
      }
      for (const { deployment, failed, rework } of await this.memberFacts(
        environment,
        members,
        [{ from: start, to: start + DAY_MS }],
      )) {
        addDeployment(
          perHour.get(hourKey(deployment.finishedAt))!,
          deployment,
          failed,
          rework,
        );
      }
      const rows: ScopeHourlyRow[] = [...perHour].map(([hour, facts]) => ({
        hour,
        version: versions.get(day) ?? 0,
        succeeded: facts.succeeded,
        failed: facts.failed,
        failed_in_production: facts.failedInProduction,
        rollbacks: facts.rollbacks,
        rework_deploys: facts.reworkDeploys,
        // Ascending: the metrics select from sorted runs without copying.
        lead_times: encodePackedSamples(facts.leadTimes.sort((x, y) => x - y)),
        durations: encodePackedSamples(facts.durations.sort((x, y) => x - y)),
      }));
      for (const chunk of chunks(rows, WRITE_CHUNK)) {
        await this.db('metrics_scope_hourly')
          .insert(chunk.map(row => ({ scope_key: key, environment, ...row })))
          .onConflict(['scope_key', 'environment', 'hour'])
          .merge();
      }
      for (const row of rows) out.set(row.hour, row);
    }
    return out;
  }

  /**
   * The deployments of the members finished in the ranges, each with
   * whether it failed in production and whether it is rework: the deployments of every entity in
   * the ranges, kept for the members.
   */
  private async memberFacts(
    environment: string,
    members: Set<string>,
    ranges: FinishRange[],
  ) {
    const wanted = ranges.filter(
      range => range.to === undefined || range.from < range.to,
    );
    type FlaggedRow = DeploymentFactRow & {
      entity_ref: string;
      failed_flag: number | null;
      rework_flag: number | null;
    };
    // With each deployment, whether it failed in production and whether it
    // is rework (METRICS.md 4, 10).
    const facts = (batch: FinishRange[]) =>
      deploymentFacts(this.db, { environment, ranges: batch }).select(
        this.db.raw(
          `(SELECT 1 FROM metrics_failed_deployments f
             WHERE f.deployment_id = deployments.id) AS failed_flag`,
        ),
        this.db.raw(
          `(SELECT 1 FROM metrics_rework_deployments w
             WHERE w.deployment_id = deployments.id) AS rework_flag`,
        ),
      ) as Promise<FlaggedRow[]>;
    let rows: FlaggedRow[] = [];
    if (isPostgres(this.db)) {
      // One round trip: PostgreSQL plans OR-ed ranges as a BitmapOr of
      // index ranges.
      if (wanted.length) rows = await facts(wanted);
    } else {
      // One query per range: SQLite plans OR-ed ranges of the second column
      // of an index as a scan of the whole first-column range.
      for (const range of wanted) rows = rows.concat(await facts([range]));
    }
    const failed = new Set(
      rows.filter(row => row.failed_flag !== null).map(row => row.id),
    );
    const rework = new Set(
      rows.filter(row => row.rework_flag !== null).map(row => row.id),
    );
    const deployments = rows
      .filter(row => members.has(row.entity_ref))
      .map(row => toMetricsDeployment(row, row.entity_ref));
    return deployments.map(deployment => {
      const succeededDeploy =
        deployment.kind === 'deploy' && deployment.status === 'succeeded';
      return {
        deployment,
        failed: succeededDeploy && failed.has(deployment.id),
        rework: succeededDeploy && rework.has(deployment.id),
      };
    });
  }

  /**
   * The scope's cost of the days [from, to), summed per day and currency
   * (`entityRef` and `source` empty): {@link readScopeCosts}.
   */
  readCosts(options: {
    key: string;
    entityRefs: string[];
    from: string;
    to: string;
  }): Promise<MetricsCost[]> {
    return readScopeCosts(this.db, options);
  }

  /**
   * The members' critical and major incidents: {@link readScopeIncidents}.
   */
  readIncidents(options: {
    key: string;
    environment: string;
    from: number;
    to: number;
    read: (since: Date) => Promise<MetricsIncident[]>;
  }): Promise<MetricsIncident[]> {
    return readScopeIncidents(this.db, options);
  }
}

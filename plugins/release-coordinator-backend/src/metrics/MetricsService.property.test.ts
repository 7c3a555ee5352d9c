import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import {
  changeFailureRateTier,
  DeliveryMetrics,
  deploymentFrequencyTier,
  leadTimeTier,
  recoveryTier,
} from '@release-coordinator/backstage-plugin-common';
import fc from 'fast-check';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import {
  clearHistory,
  History,
  HistoryCost,
  HistoryDeployment,
  HistoryIncident,
  storeHistory,
} from './__testUtils__/history';
import { DatabaseMetricsStore } from './DatabaseMetricsStore';
import { MetricsService } from './MetricsService';

jest.setTimeout(180_000);

/*
 * Property: over random histories, the service (store queries + window
 * computation) equals this plain, independent reading of METRICS.md over
 * the whole history held in memory. A failure in production is attributed
 * over every stored fact, also rollbacks and incidents after the request's
 * `end` (the histories reach 2 hours past it).
 */

const databases = createTestDatabases();

// Not on the hour: a window's edges cut hours (the roll-up caches read
// whole hours from the hourly cache and the rest from the rows).
const END = Date.parse('2026-11-26T12:34:56.789Z');
// END - END_PAST_HOUR is on the hour.
const END_PAST_HOUR = (34 * 60 + 56.789) * 1000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const ENTITIES = ['component:default/a', 'component:default/b'];

type Deployment = HistoryDeployment & { id: string };

// ---------- the reference implementation ----------

const t = (iso: string | undefined) =>
  iso === undefined ? undefined : Date.parse(iso);

function sortNumbers(values: number[]) {
  return [...values].sort((x, y) => x - y);
}

function refMedian(values: number[]): number | null {
  const s = sortNumbers(values);
  if (s.length === 0) return null;
  return s.length % 2 === 1
    ? s[(s.length - 1) / 2]
    : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function refP95(values: number[]): number | null {
  const s = sortNumbers(values);
  if (s.length === 0) return null;
  return s[Math.ceil((s.length * 95) / 100) - 1];
}

function refMean(values: number[]): number | null {
  return values.length === 0
    ? null
    : values.reduce((a, b) => a + b, 0) / values.length;
}

function div(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

function dayString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function referenceMetrics(options: {
  deployments: Deployment[];
  incidents: HistoryIncident[];
  costs: HistoryCost[];
  entityRefs: string[];
  environment: string;
  days: number;
  windowEnd: number;
}): DeliveryMetrics {
  const { environment, days, windowEnd, entityRefs } = options;
  const windowStart = windowEnd - days * DAY_MS;
  const inW = (time: number | undefined) =>
    time !== undefined && time >= windowStart && time < windowEnd;

  const deployments = options.deployments.filter(
    d =>
      entityRefs.includes(d.entityRef) &&
      (d.environment ?? 'production') === environment,
  );
  const incidents = options.incidents.filter(
    i =>
      entityRefs.includes(i.entityRef) &&
      (i.environment ?? 'production') === environment,
  );

  const S = deployments.filter(
    d =>
      (d.kind ?? 'deploy') === 'deploy' &&
      d.status === 'succeeded' &&
      inW(t(d.finishedAt)),
  );
  const finished = deployments.filter(
    d =>
      (d.kind ?? 'deploy') === 'deploy' &&
      (d.status === 'succeeded' || d.status === 'failed') &&
      inW(t(d.finishedAt)),
  );

  // Most recent succeeded deploy of the entity finished at or before `time`.
  function latest(entityRef: string, time: number): Deployment | undefined {
    let best: Deployment | undefined;
    for (const d of deployments) {
      if (
        d.entityRef !== entityRef ||
        (d.kind ?? 'deploy') !== 'deploy' ||
        d.status !== 'succeeded' ||
        d.finishedAt === undefined ||
        t(d.finishedAt)! > time
      ) {
        continue;
      }
      if (
        !best ||
        t(d.finishedAt)! > t(best.finishedAt)! ||
        (t(d.finishedAt)! === t(best.finishedAt)! && d.id > best.id)
      ) {
        best = d;
      }
    }
    return best;
  }

  const failedIds = new Set<string>();
  for (const r of deployments) {
    if (
      r.kind !== 'rollback' ||
      r.status !== 'succeeded' ||
      r.finishedAt === undefined
    ) {
      continue;
    }
    if (r.rollbackOf !== undefined) {
      const target = deployments.find(d => d.externalId === r.rollbackOf);
      if (target) failedIds.add(target.id);
    } else {
      const target = latest(r.entityRef, t(r.startedAt ?? r.finishedAt)!);
      if (target) failedIds.add(target.id);
    }
  }
  for (const i of incidents) {
    if (i.severity === 'critical' || i.severity === 'major') {
      const target = latest(i.entityRef, t(i.startedAt)!);
      if (target) failedIds.add(target.id);
    }
  }

  const leads: number[] = [];
  for (const d of S) {
    for (const c of d.commitTimes ?? []) {
      const lead = (t(d.finishedAt)! - t(c)!) / 1000;
      if (lead > 0) leads.push(lead);
    }
  }
  const recoveries = incidents
    .filter(
      i =>
        (i.severity === 'critical' || i.severity === 'major') &&
        inW(t(i.resolvedAt)),
    )
    .map(i => (t(i.resolvedAt)! - t(i.startedAt)!) / 1000);

  // Uptime per entity: merge the clipped intervals, then the mean.
  const uptimes = entityRefs.map(entityRef => {
    const intervals = incidents
      .filter(i => i.entityRef === entityRef && i.severity === 'critical')
      .map(i => [
        Math.max(t(i.startedAt)!, windowStart),
        Math.min(t(i.resolvedAt) ?? windowEnd, windowEnd),
      ])
      .filter(([a, b]) => b > a)
      .sort((x, y) => x[0] - y[0]);
    let down = 0;
    let cursor = -Infinity;
    for (const [a, b] of intervals) {
      const from = Math.max(a, cursor);
      if (b > from) down += b - from;
      cursor = Math.max(cursor, b);
    }
    return 1 - down / 1000 / (days * 86400);
  });
  const uptime = refMean(uptimes);

  const durations = finished
    .filter(d => d.startedAt !== undefined)
    .map(d => (t(d.finishedAt)! - t(d.startedAt)!) / 1000);
  const R = deployments.filter(
    d =>
      d.kind === 'rollback' && d.status === 'succeeded' && inW(t(d.finishedAt)),
  );

  // Cost: the N whole UTC days before the day of the window's end.
  const costTotals = (lastDayExclusive: number) => {
    const to = dayString(lastDayExclusive);
    const from = dayString(lastDayExclusive - days * DAY_MS);
    const totals = new Map<string, number>();
    for (const c of options.costs) {
      if (entityRefs.includes(c.entityRef) && c.date >= from && c.date < to) {
        totals.set(c.currency, (totals.get(c.currency) ?? 0) + c.amount);
      }
    }
    return totals;
  };
  const endDay = Math.floor(windowEnd / DAY_MS) * DAY_MS;
  const current = costTotals(endDay);
  const before = costTotals(endDay - days * DAY_MS);
  let infrastructureCost: DeliveryMetrics['infrastructureCost'] = {
    total: null,
    currency: null,
    perDay: null,
    perDeployment: null,
    changeRatio: null,
  };
  if (current.size > 1) {
    infrastructureCost.byCurrency = [...current.entries()]
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([currency, total]) => ({ currency, total }));
  } else if (current.size === 1) {
    const [[currency, total]] = [...current.entries()];
    const previousTotal =
      before.size === 1 && before.has(currency) ? before.get(currency)! : null;
    infrastructureCost = {
      total,
      currency,
      perDay: total / days,
      perDeployment: div(total, S.length),
      changeRatio:
        previousTotal === null
          ? null
          : div(total - previousTotal, previousTotal),
    };
  }

  // METRICS.md 10, read literally: D = succeeded deploys and rollbacks in W;
  // rework when a rollback, or when some critical or major incident of the
  // same entity is open at the start (startedAt ≤ start < resolvedAt, or
  // unresolved), the start being finishedAt without a startedAt.
  const D = deployments.filter(
    d => d.status === 'succeeded' && inW(t(d.finishedAt)),
  );
  const reworked = D.filter(d => {
    if (d.kind === 'rollback') return true;
    const start = t(d.startedAt ?? d.finishedAt)!;
    return incidents.some(
      i =>
        i.entityRef === d.entityRef &&
        (i.severity === 'critical' || i.severity === 'major') &&
        t(i.startedAt)! <= start &&
        (i.resolvedAt === undefined || start < t(i.resolvedAt)!),
    );
  }).length;

  const failedInS = S.filter(d => failedIds.has(d.id)).length;
  const cfr = div(failedInS, S.length);
  const medianLead = refMedian(leads);
  const medianRecovery = refMedian(recoveries);
  return {
    deploymentFrequency: {
      count: S.length,
      perDay: S.length / days,
      tier: deploymentFrequencyTier(S.length / days),
    },
    deploymentSuccessRate: {
      value: div(S.length, finished.length),
      succeeded: S.length,
      failed: finished.length - S.length,
    },
    leadTimeForChanges: {
      medianSeconds: medianLead,
      count: leads.length,
      tier: leadTimeTier(medianLead),
    },
    changeFailureRate: {
      value: cfr,
      failedDeployments: failedInS,
      deployments: S.length,
      tier: changeFailureRateTier(cfr),
    },
    meanTimeToRecovery: {
      meanSeconds: refMean(recoveries),
      medianSeconds: medianRecovery,
      count: recoveries.length,
      tier: recoveryTier(medianRecovery),
    },
    uptime: {
      value: uptime,
      downtimeSeconds: uptime === null ? 0 : (1 - uptime) * days * 86400,
    },
    deploymentDuration: {
      medianSeconds: refMedian(durations),
      p95Seconds: refP95(durations),
      count: durations.length,
    },
    rollbackFrequency: {
      count: R.length,
      perWeek: (R.length * 7) / days,
      perDeploy: div(R.length, S.length),
    },
    infrastructureCost,
    deploymentReworkRate: {
      value: div(reworked, D.length),
      rework: reworked,
      deployments: D.length,
    },
  };
}

// ---------- random histories ----------

/**
 * `actual` with each number that equals the one at the same place in
 * `expected` up to floating-point error (relative 1e-9) replaced by it: the
 * service and the reference add and divide in different orders, and a
 * value can end in …5 at any rounding precision.
 */
function closeTo<T>(actual: T, expected: T): T {
  if (typeof actual === 'number' && typeof expected === 'number') {
    const tolerance = 1e-9 * Math.max(1, Math.abs(actual), Math.abs(expected));
    return (Math.abs(actual - expected) <= tolerance ? expected : actual) as T;
  }
  if (
    actual !== null &&
    expected !== null &&
    typeof actual === 'object' &&
    typeof expected === 'object'
  ) {
    const out: any = Array.isArray(actual) ? [] : {};
    for (const [key, value] of Object.entries(actual)) {
      out[key] = closeTo(value, (expected as any)[key]);
    }
    return out;
  }
  return actual;
}

// Times on a 2-hour grid from 3 days before the earliest window to 2 h
// after the end, on the window edges' grid or on the hour: ties (two
// deploys finishing together) and boundary hits happen often.
const timeArb = (days: number) =>
  fc
    .tuple(fc.integer({ min: -(2 * days + 3) * 12, max: 1 }), fc.boolean())
    .map(
      ([slots, onTheHour]) =>
        END + slots * 120 * MINUTE_MS - (onTheHour ? END_PAST_HOUR : 0),
    );

const historyArb = fc.integer({ min: 1, max: 3 }).chain(days =>
  fc
    .record({
      deployments: fc.array(
        fc.record({
          entityRef: fc.constantFrom(...ENTITIES),
          environment: fc.constantFrom('production', 'production', 'staging'),
          kind: fc.constantFrom('deploy', 'deploy', 'rollback'),
          status: fc.constantFrom(
            'succeeded',
            'succeeded',
            'succeeded',
            'failed',
            'cancelled',
            'in_progress',
          ),
          finishedAt: timeArb(days),
          startBefore: fc.option(fc.integer({ min: 0, max: 600 })),
          rollbackOfIndex: fc.option(fc.nat()),
          commitLeads: fc.array(fc.integer({ min: -60, max: 3000 }), {
            maxLength: 3,
          }),
        }),
        { maxLength: 30 },
      ),
      incidents: fc.array(
        fc.record({
          entityRef: fc.constantFrom(...ENTITIES),
          environment: fc.constantFrom('production', 'staging', undefined),
          severity: fc.constantFrom('critical', 'major', 'minor'),
          startedAt: timeArb(days),
          // On the 2-hour grid half of the time: a deploy then often starts
          // exactly when an incident is resolved (not rework).
          lengthMinutes: fc.option(
            fc.oneof(
              fc.integer({ min: 0, max: 3000 }),
              fc.integer({ min: 0, max: 25 }).map(slots => slots * 120),
            ),
          ),
        }),
        { maxLength: 12 },
      ),
      costs: fc.uniqueArray(
        fc.record({
          entityRef: fc.constantFrom(...ENTITIES),
          dayOffset: fc.integer({ min: -(3 * days + 1), max: 0 }),
          source: fc.constantFrom('aws', 'gcp'),
          amount: fc.integer({ min: 0, max: 100 }),
          currency: fc.constantFrom('USD', 'USD', 'USD', 'EUR'),
        }),
        {
          maxLength: 12,
          selector: c => `${c.entityRef} ${c.dayOffset} ${c.source}`,
        },
      ),
    })
    .map(raw => {
      const iso = (ms: number) => new Date(ms).toISOString();
      const deployments: HistoryDeployment[] = raw.deployments.map((d, i) => {
        const finished = d.status !== 'in_progress';
        return {
          entityRef: d.entityRef,
          externalId: `x${i}`,
          environment: d.environment,
          kind: d.kind as 'deploy' | 'rollback',
          status: d.status as HistoryDeployment['status'],
          finishedAt: finished ? iso(d.finishedAt) : undefined,
          startedAt:
            d.startBefore === null
              ? undefined
              : iso(d.finishedAt - d.startBefore * MINUTE_MS),
          commitTimes: d.commitLeads.map(lead =>
            iso(d.finishedAt - lead * MINUTE_MS),
          ),
        };
      });
      // rollbackOf names an earlier deployment of the same entity and
      // environment that finished no later than the rollback.
      raw.deployments.forEach((d, i) => {
        if (d.kind !== 'rollback' || d.rollbackOfIndex === null) return;
        const candidates = deployments.filter(
          (c, j) =>
            j < i &&
            c.entityRef === d.entityRef &&
            c.environment === d.environment &&
            c.finishedAt !== undefined &&
            Date.parse(c.finishedAt) <= d.finishedAt,
        );
        if (candidates.length > 0) {
          deployments[i].rollbackOf =
            candidates[d.rollbackOfIndex % candidates.length].externalId;
        }
      });
      const incidents: HistoryIncident[] = raw.incidents.map((inc, i) => ({
        entityRef: inc.entityRef,
        externalId: `i${i}`,
        severity: inc.severity as HistoryIncident['severity'],
        environment: inc.environment,
        startedAt: iso(inc.startedAt),
        resolvedAt:
          inc.lengthMinutes === null
            ? undefined
            : iso(inc.startedAt + inc.lengthMinutes * MINUTE_MS),
      }));
      const costs: HistoryCost[] = raw.costs.map(c => ({
        entityRef: c.entityRef,
        date: dayString(END + c.dayOffset * DAY_MS),
        source: c.source,
        amount: c.amount,
        currency: c.currency,
      }));
      return { days, history: { deployments, incidents, costs } as History };
    }),
);

/**
 * The same histories arriving in two parts, with the metrics read in
 * between (so that the rollups are built, then changed): a deployment is
 * stored at once, only later, first as failed with an earlier finish, or
 * first as running in the other entity and environment; an incident at
 * once, only later, or first minor and open.
 */
const stagedArb = historyArb.chain(({ days, history }) =>
  fc
    .record({
      deploymentPlans: fc.array(
        fc.constantFrom('now', 'later', 'failed-first', 'moved-first'),
        {
          minLength: history.deployments!.length,
          maxLength: history.deployments!.length,
        },
      ),
      incidentPlans: fc.array(fc.constantFrom('now', 'later', 'open-first'), {
        minLength: history.incidents!.length,
        maxLength: history.incidents!.length,
      }),
      costPlans: fc.array(fc.constantFrom('now', 'later', 'changed-first'), {
        minLength: history.costs!.length,
        maxLength: history.costs!.length,
      }),
    })
    .map(({ deploymentPlans, incidentPlans, costPlans }) => {
      const deployments = history.deployments!;
      const incidents = history.incidents!;
      // A rollback names a deployment stored before it.
      const targets = new Set(deployments.map(d => d.rollbackOf));
      const first: History = { deployments: [], incidents: [] };
      const second: History = { deployments: [], incidents: [] };
      deployments.forEach((d, i) => {
        let plan = targets.has(d.externalId) ? 'now' : deploymentPlans[i];
        const terminal =
          d.finishedAt !== undefined && d.status !== 'in_progress';
        if (plan === 'failed-first' && !terminal) plan = 'now';
        if (plan === 'now') {
          first.deployments!.push(d);
          return;
        }
        if (plan === 'failed-first') {
          first.deployments!.push({
            ...d,
            status: 'failed',
            startedAt: undefined,
            finishedAt: new Date(
              Date.parse(d.finishedAt!) - 120 * MINUTE_MS,
            ).toISOString(),
            rollbackOf: undefined,
            commitTimes: [],
          });
        } else if (plan === 'moved-first') {
          first.deployments!.push({
            ...d,
            entityRef: ENTITIES.find(e => e !== d.entityRef)!,
            environment:
              (d.environment ?? 'production') === 'production'
                ? 'staging'
                : 'production',
            status: 'in_progress',
            finishedAt: undefined,
            rollbackOf: undefined,
            commitTimes: [],
          });
        }
        second.deployments!.push(d);
      });
      incidents.forEach((incident, i) => {
        const plan = incidentPlans[i];
        if (plan === 'now') {
          first.incidents!.push(incident);
          return;
        }
        if (plan === 'open-first') {
          first.incidents!.push({
            ...incident,
            severity: 'minor',
            resolvedAt: undefined,
          });
        }
        second.incidents!.push(incident);
      });
      first.costs = [];
      second.costs = [];
      history.costs!.forEach((cost, i) => {
        const plan = costPlans[i];
        if (plan === 'now') {
          first.costs!.push(cost);
          return;
        }
        if (plan === 'changed-first') {
          first.costs!.push({ ...cost, amount: cost.amount * 2 + 1 });
        }
        second.costs!.push(cost);
      });
      return { days, history, first, second };
    }),
);

describe.each(databases.eachSupportedId())(
  'MetricsService equals the reference implementation (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let deploymentStore: DatabaseDeploymentStore;
    let service: MetricsService;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      deploymentStore = await DatabaseDeploymentStore.create({ database });
      service = new MetricsService({
        // Roll-ups of the two entities go through the roll-up caches.
        store: await DatabaseMetricsStore.create({
          database,
          scopeMinMembers: 2,
        }),
      });
    });

    /** The service's metrics of the stored history equal the reference's. */
    async function expectReference(
      days: number,
      history: History,
      deployments: Deployment[],
    ) {
      for (const entityRefs of [[ENTITIES[0]], ENTITIES]) {
        for (const environment of ['production', 'staging']) {
          const actual = await service.compute({
            entityRefs,
            environment,
            windowDays: days,
            end: new Date(END),
          });
          const common = {
            deployments,
            incidents: history.incidents ?? [],
            costs: history.costs ?? [],
            entityRefs,
            environment,
            days,
          };
          const expected = referenceMetrics({ ...common, windowEnd: END });
          expect(closeTo(actual.metrics, expected)).toEqual(expected);
          const previous = referenceMetrics({
            ...common,
            windowEnd: END - days * DAY_MS,
          });
          expect(closeTo(actual.previous, previous)).toEqual(previous);
        }
      }
    }

    it('over random histories, for each entity and the roll-up', async () => {
      await fc.assert(
        fc.asyncProperty(historyArb, async ({ days, history }) => {
          await clearHistory(knex);
          const ids = await storeHistory(knex, deploymentStore, history);
          await expectReference(
            days,
            history,
            (history.deployments ?? []).map(d => ({
              ...d,
              id: ids.get(d.externalId)!,
            })),
          );
        }),
        { numRuns: databaseId === 'SQLITE_3' ? 150 : 40 },
      );
    });

    it('while the history arrives in parts that change what was read before', async () => {
      await fc.assert(
        fc.asyncProperty(
          stagedArb,
          async ({ days, history, first, second }) => {
            await clearHistory(knex);
            await storeHistory(knex, deploymentStore, first);
            // Builds the rollups of the first part.
            for (const entityRefs of [[ENTITIES[0]], [ENTITIES[1]], ENTITIES]) {
              for (const environment of ['production', 'staging']) {
                await service.compute({
                  entityRefs,
                  environment,
                  windowDays: days,
                  end: new Date(END),
                });
              }
            }
            await storeHistory(knex, deploymentStore, second);
            const stored = new Map(
              (await knex('deployments').select('id', 'external_id')).map(
                row => [row.external_id as string, row.id as string],
              ),
            );
            await expectReference(
              days,
              history,
              (history.deployments ?? []).map(d => ({
                ...d,
                id: stored.get(d.externalId)!,
              })),
            );
          },
        ),
        { numRuns: databaseId === 'SQLITE_3' ? 150 : 80 },
      );
    });
  },
);

import { DateTime } from 'luxon';
import { DeploymentStatus } from '@release-coordinator/backstage-plugin-common';
import { backgroundIncidents, knownIssues } from './incidents';
import { DemoRandom } from './random';
import {
  DAY_MS,
  dayLabel,
  DemoHistoryOptions,
  GeneratedDeployment,
  GeneratedIncident,
  HOUR_MS,
  MINUTE_MS,
  minutes,
  randomFor,
} from './timeline';

/** How far back a rollback looks for the last good production version. */
const ROLLBACK_LOOKBACK_DAYS = 120;

interface PlannedRelease {
  hotfix: boolean;
  bad: boolean;
}

interface Release {
  version: string;
  commitSha: string;
  deployments: GeneratedDeployment[];
  /** True when it succeeded in the last environment and was not rolled back. */
  goodInProduction: boolean;
}

interface Day {
  releases: Release[];
  /** Rollbacks and incidents that belong to the day's releases. */
  rollbacks: GeneratedDeployment[];
  incidents: GeneratedIncident[];
}

/**
 * The demo history of one entity as a pure function of its seed and the
 * calendar: what happened on a UTC day depends only on the entity ref and
 * that day (plus, for version numbers and rollback targets, the days before
 * it), never on when or how often it is pulled. So any window can be
 * generated on its own and always gives the same records with the same
 * external ids.
 */
export class DemoHistory {
  readonly #options: DemoHistoryOptions;
  readonly #plans = new Map<number, PlannedRelease[]>();
  readonly #days = new Map<number, Day>();

  constructor(options: DemoHistoryOptions) {
    this.#options = options;
  }

  /** Deployments (deploys and rollbacks) of the releases of days [fromDay, toDay]. */
  deployments(fromDay: number, toDay: number): GeneratedDeployment[] {
    const result: GeneratedDeployment[] = [];
    for (let day = fromDay; day <= toDay; day++) {
      const { releases, rollbacks } = this.#day(day);
      result.push(...releases.flatMap(r => r.deployments), ...rollbacks);
    }
    return result.sort((a, b) => a.startedMs - b.startedMs);
  }

  /**
   * Incidents that started on days [fromDay, toDay], plus the long-running
   * known issues whose cycle overlaps them.
   */
  incidents(fromDay: number, toDay: number): GeneratedIncident[] {
    const result = knownIssues(this.#options, fromDay, toDay);
    for (let day = fromDay; day <= toDay; day++) {
      result.push(
        ...this.#day(day).incidents,
        ...backgroundIncidents(this.#options, day),
      );
    }
    return result.sort((a, b) => a.startedMs - b.startedMs);
  }

  #random(...parts: Array<string | number>): DemoRandom {
    return randomFor(this.#options, ...parts);
  }

  #plan(day: number): PlannedRelease[] {
    const cached = this.#plans.get(day);
    if (cached) {
      return cached;
    }
    const { profile } = this.#options;
    const random = this.#random('plan', day);
    const weekday = new Date(day * DAY_MS).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const rate =
      profile.releasesPerWeekday * (weekend ? profile.weekendFactor : 1);
    const count = Math.min(random.poisson(rate), 4);
    const plan: PlannedRelease[] = [];
    for (let i = 0; i < count; i++) {
      if (random.chance(profile.badReleaseRate)) {
        // A bad release ends the day: it is rolled back and followed by a fix.
        plan.push({ hotfix: false, bad: true }, { hotfix: true, bad: false });
        break;
      }
      plan.push({ hotfix: false, bad: false });
    }
    this.#plans.set(day, plan);
    return plan;
  }

  /**
   * Versions are `major.month.patch`: the major grows each year, the minor
   * is the month, and the patch counts the month's releases, so they only
   * ever increase and need no state beyond the current month.
   */
  #version(day: number, index: number): string {
    const date = DateTime.fromMillis(day * DAY_MS, { zone: 'utc' });
    const monthStartDay = Math.floor(date.startOf('month').toMillis() / DAY_MS);
    let patch = index;
    for (let d = monthStartDay; d < day; d++) {
      patch += this.#plan(d).length;
    }
    const major = Math.max(
      0,
      this.#options.profile.major2026 + date.year - 2026,
    );
    return `${major}.${date.month}.${patch}`;
  }

  /**
   * The last good production release before the current
   * one: among `earlierToday` (the day's releases generated so far), then on
   * earlier days.
   */
  #previousGoodRelease(
    day: number,
    earlierToday: Release[],
  ): Release | undefined {
    for (let d = day; d > day - ROLLBACK_LOOKBACK_DAYS; d--) {
      const releases = d === day ? earlierToday : this.#day(d).releases;
      for (let i = releases.length - 1; i >= 0; i--) {
        if (releases[i].goodInProduction) {
          return releases[i];
        }
      }
    }
    return undefined;
  }

  #day(day: number): Day {
    const cached = this.#days.get(day);
    if (cached) {
      return cached;
    }
    const { environments, profile, slug, initiators } = this.#options;
    const plan = this.#plan(day);
    const regularCount = plan.filter(p => !p.hotfix).length;
    const slotMs = (9 * HOUR_MS) / Math.max(1, regularCount);
    const releases: Release[] = [];
    const rollbacks: GeneratedDeployment[] = [];
    const incidents: GeneratedIncident[] = [];
    let readyForHotfixMs = 0;
    // One deployment at a time per environment: a release waits for the
    // previous one to finish there, so versions reach each environment in order.
    const environmentFreeAtMs = new Map<string, number>();

    plan.forEach((planned, index) => {
      const random = this.#random('release', day, index);
      const startMs = planned.hotfix
        ? readyForHotfixMs + minutes(random, [30, 120])
        : day * DAY_MS +
          8 * HOUR_MS +
          index * slotMs +
          random.between(0, 0.7) * slotMs;
      const version = this.#version(day, index);
      const idBase = `demo-${slug}-${dayLabel(day)}-${index + 1}`;

      const commitCount = planned.hotfix ? 1 : random.int(1, 4);
      const commits = Array.from({ length: commitCount }, () => ({
        sha: random.hex(40),
        committedMs: Math.round(
          startMs -
            (planned.hotfix
              ? minutes(random, [10, 40])
              : random.between(...profile.commitLeadHours) * HOUR_MS),
        ),
      })).sort((a, b) => a.committedMs - b.committedMs);
      const commitSha = commits[commits.length - 1].sha;

      const deployments: GeneratedDeployment[] = [];
      let envStartMs = startMs;
      for (const [envIndex, environment] of environments.entries()) {
        const freeAtMs = environmentFreeAtMs.get(environment);
        if (freeAtMs !== undefined && envStartMs <= freeAtMs) {
          envStartMs = freeAtMs + minutes(random, [1, 10]);
        }
        const forced = planned.bad || planned.hotfix;
        const roll = random.next();
        let status: DeploymentStatus = 'succeeded';
        if (!forced && roll < profile.failureRate) {
          status = 'failed';
        } else if (!forced && roll < profile.failureRate + profile.cancelRate) {
          status = 'cancelled';
        }
        const fullMs = minutes(random, profile.durationMinutes);
        const durationMs =
          status === 'succeeded'
            ? fullMs
            : Math.max(
                MINUTE_MS,
                Math.round(fullMs * random.between(0.2, 0.9)),
              );
        deployments.push({
          externalId: `demo-${slug}-${environment}-${dayLabel(day)}-${
            index + 1
          }`,
          environment,
          version,
          commitSha,
          kind: 'deploy',
          status,
          startedMs: Math.round(envStartMs),
          finishedMs: Math.round(envStartMs + durationMs),
          initiator: random.pick(initiators),
          commits,
        });
        environmentFreeAtMs.set(
          environment,
          Math.round(envStartMs + durationMs),
        );
        const isLast = envIndex === environments.length - 1;
        if (status !== 'succeeded' || isLast) {
          break;
        }
        if (!forced && random.chance(profile.skipPromotionRate)) {
          break; // superseded before promotion
        }
        envStartMs =
          envStartMs +
          durationMs +
          minutes(
            random,
            planned.hotfix ? [15, 45] : profile.promotionDelayMinutes,
          );
      }

      const last = deployments[deployments.length - 1];
      const reachedProduction =
        deployments.length === environments.length &&
        last.status === 'succeeded';
      const rollbackTarget =
        planned.bad && reachedProduction
          ? this.#previousGoodRelease(day, releases)
          : undefined;

      if (rollbackTarget) {
        // The release broke production: an incident, a rollback, then a fix.
        const incidentStartMs = last.finishedMs + minutes(random, [3, 15]);
        const rollbackStartMs = incidentStartMs + minutes(random, [5, 20]);
        const rollbackFinishMs = rollbackStartMs + minutes(random, [2, 6]);
        rollbacks.push({
          externalId: `${last.externalId}-rollback`,
          environment: last.environment,
          version: rollbackTarget.version,
          commitSha: rollbackTarget.commitSha,
          kind: 'rollback',
          status: 'succeeded',
          startedMs: rollbackStartMs,
          finishedMs: rollbackFinishMs,
          initiator: random.pick(initiators),
          rollbackOf: last.externalId,
          commits: [],
        });
        incidents.push({
          externalId: `${idBase}-incident`,
          severity: random.chance(0.4) ? 'critical' : 'major',
          title: `${random.pick(profile.incidentTitles)} after ${version}`,
          environment: last.environment,
          startedMs: incidentStartMs,
          resolvedMs: rollbackFinishMs + minutes(random, [5, 30]),
        });
        readyForHotfixMs = rollbackFinishMs;
      } else {
        readyForHotfixMs = last.finishedMs;
        if (
          reachedProduction &&
          random.chance(profile.postDeployIncidentRate)
        ) {
          const incidentStartMs = last.finishedMs + minutes(random, [10, 90]);
          incidents.push({
            externalId: `${idBase}-incident`,
            severity: random.chance(0.7) ? 'minor' : 'major',
            title: random.pick(profile.incidentTitles),
            environment: last.environment,
            startedMs: incidentStartMs,
            resolvedMs: incidentStartMs + minutes(random, [10, 360]),
          });
        }
      }

      releases.push({
        version,
        commitSha,
        deployments,
        goodInProduction: reachedProduction && !rollbackTarget,
      });
    });

    const result: Day = { releases, rollbacks, incidents };
    this.#days.set(day, result);
    return result;
  }
}

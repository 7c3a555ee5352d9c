import {
  DeploymentKind,
  DeploymentStatus,
  IncidentSeverity,
} from '@release-coordinator/backstage-plugin-common';
import { DemoProfile } from './profiles';
import { createRandom, DemoRandom } from './random';

/*
 * The shared vocabulary of the demo generator: time units, the generated
 * record shapes and the per-entity seeded randomness.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
/** Length of a UTC day; demo days are numbered from 1970-01-01. */
export const DAY_MS = 24 * HOUR_MS;

/** A generated deployment in its final state; times in ms since the epoch. */
export interface GeneratedDeployment {
  externalId: string;
  environment: string;
  version: string;
  commitSha: string;
  kind: DeploymentKind;
  /** Final status, reached at `finishedMs`. */
  status: DeploymentStatus;
  startedMs: number;
  finishedMs: number;
  initiator: string;
  rollbackOf?: string;
  commits: Array<{ sha: string; committedMs: number }>;
}

/** A generated incident; `resolvedMs` may lie in the future of a pull. */
export interface GeneratedIncident {
  externalId: string;
  severity: IncidentSeverity;
  title: string;
  environment: string;
  startedMs: number;
  resolvedMs: number;
}

/** Everything one entity's history needs. */
export interface DemoHistoryOptions {
  /** Lower-case entity ref; it seeds every random choice. */
  entityRef: string;
  /** Short, stable name used in external ids, e.g. `payments-api`. */
  slug: string;
  /** Environments in promotion order, e.g. `['staging', 'production']`. */
  environments: string[];
  profile: DemoProfile;
  initiators: string[];
}

/** A generator seeded by the entity and the given parts (day, index, ...). */
export function randomFor(
  options: DemoHistoryOptions,
  ...parts: Array<string | number>
): DemoRandom {
  return createRandom([options.entityRef, ...parts].join('|'));
}

/** `yyyymmdd` of a demo day, as used in external ids. */
export function dayLabel(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

/** A random duration in ms between `min` and `max` minutes. */
export function minutes(
  random: DemoRandom,
  [min, max]: [number, number],
): number {
  return Math.round(random.between(min, max) * MINUTE_MS);
}

/** The environment incidents happen in: `production` if listed, else the last one. */
export function productionEnvironment(environments: string[]): string {
  return environments.includes('production')
    ? 'production'
    : environments[environments.length - 1];
}

import { parseEntityRef } from '@backstage/catalog-model';
import {
  DEPLOYMENT_KINDS,
  DEPLOYMENT_STATUSES,
  DeploymentInput,
} from '@release-coordinator/backstage-plugin-common';
import { toStoredEntityRef } from '../service/entityRefs';

/*
 * The common case of `deploymentInputSchema` (validation.ts) without zod:
 * zod costs about as much per batch of 500 as storing it. This accepts only
 * a strict subset of what the schema accepts (timestamps only in the
 * canonical `toISOString()` form, plain objects only, no keys with an
 * undefined value) and returns exactly what the schema's parse returns for
 * them. Anything else, valid or not, gives `undefined`, and the caller runs
 * the schema, which also words every problem of a rejected batch.
 * fastValidation.test.ts checks the equivalence on random inputs.
 */

const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const DEPLOYMENT_KEYS = new Set([
  'entityRef',
  'environment',
  'source',
  'externalId',
  'version',
  'commitSha',
  'artifactDigest',
  'kind',
  'status',
  'startedAt',
  'finishedAt',
  'initiator',
  'url',
  'rollbackOf',
  'commits',
]);
const KINDS: ReadonlySet<string> = new Set(DEPLOYMENT_KINDS);
const STATUSES: ReadonlySet<string> = new Set(DEPLOYMENT_STATUSES);
const MAX_COMMITS = 1000;

/** Signals "not sure": the schema decides. */
class Unsure extends Error {}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `text(max)`: trimmed, 1..max characters, no NUL. */
function text(value: unknown, max: number): string {
  if (typeof value !== 'string') throw new Unsure();
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max || trimmed.includes('\0')) {
    throw new Unsure();
  }
  return trimmed;
}

function optionalText(value: unknown, max: number): string | undefined {
  return value === undefined ? undefined : text(value, max);
}

/** The number written with the digits at [start, end) of a string. */
function digits(value: string, start: number, end: number): number {
  let number = 0;
  for (let i = start; i < end; i++) {
    number = number * 10 + value.charCodeAt(i) - 48;
  }
  return number;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * `timestamp`, canonical form only: the value is its own normalisation.
 * The fields are range-checked in place: what `new Date(value)
 * .toISOString() === value` checks, without building a Date (a third of the
 * validation time of a batch).
 */
function time(value: unknown): string {
  if (typeof value !== 'string' || !CANONICAL_TIME.test(value)) {
    throw new Unsure();
  }
  // YYYY-MM-DDTHH:mm:ss.sssZ
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 7);
  const day = digits(value, 8, 10);
  if (
    year < 1970 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    digits(value, 11, 13) > 23 ||
    digits(value, 14, 16) > 59 ||
    digits(value, 17, 19) > 59
  ) {
    throw new Unsure();
  }
  return value;
}

function optionalTime(value: unknown): string | undefined {
  return value === undefined ? undefined : time(value);
}

/** Stored refs by the ref as sent, within one batch (most repeat one ref). */
type EntityRefMemo = Map<string, string>;

function entityRef(value: unknown, memo: EntityRefMemo): string {
  const remembered = typeof value === 'string' ? memo.get(value) : undefined;
  if (remembered !== undefined) return remembered;
  const stored = parseEntityRefText(text(value, 255));
  memo.set(value as string, stored);
  return stored;
}

function parseEntityRefText(trimmed: string): string {
  try {
    const stored = toStoredEntityRef(
      parseEntityRef(trimmed, { defaultNamespace: 'default' }),
    );
    if (stored.length <= 255) return stored;
  } catch {
    // the schema words it
  }
  throw new Unsure();
}

function httpUrl(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = text(value, 2048);
  let protocol: string;
  try {
    protocol = new URL(trimmed).protocol;
  } catch {
    throw new Unsure();
  }
  if (protocol !== 'https:' && protocol !== 'http:') throw new Unsure();
  return trimmed;
}

function commitsOf(value: unknown): DeploymentInput['commits'] {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > MAX_COMMITS) {
    throw new Unsure();
  }
  const commits: NonNullable<DeploymentInput['commits']> = [];
  // Indexed, not map(): a hole in the array is not skipped.
  for (let i = 0; i < value.length; i++) {
    const commit: unknown = value[i];
    if (!isPlainObject(commit)) throw new Unsure();
    const keys = Object.keys(commit);
    if (
      keys.length !== 2 ||
      commit.sha === undefined ||
      commit.committedAt === undefined
    ) {
      throw new Unsure();
    }
    commits.push({
      sha: text(commit.sha, 64),
      committedAt: time(commit.committedAt),
    });
  }
  return commits;
}

function deployment(item: unknown, refs: EntityRefMemo): DeploymentInput {
  if (!isPlainObject(item)) throw new Unsure();
  for (const key of Object.keys(item)) {
    if (!DEPLOYMENT_KEYS.has(key) || item[key] === undefined) {
      throw new Unsure();
    }
  }
  const kind = item.kind;
  const status = item.status;
  if (typeof kind !== 'string' || !KINDS.has(kind)) throw new Unsure();
  if (typeof status !== 'string' || !STATUSES.has(status)) throw new Unsure();
  // Keys in the schema's order, as its parse returns them; absent ones are
  // left out rather than deleted (a deleted key makes a slow object).
  const parsed: Record<string, unknown> = {
    entityRef: entityRef(item.entityRef, refs),
    environment: text(item.environment, 63),
    source: text(item.source, 63),
    externalId: text(item.externalId, 255),
    version: text(item.version, 255),
  };
  const remaining: Array<[string, unknown]> = [
    ['commitSha', optionalText(item.commitSha, 64)],
    ['artifactDigest', optionalText(item.artifactDigest, 255)],
    ['kind', kind],
    ['status', status],
    ['startedAt', optionalTime(item.startedAt)],
    ['finishedAt', optionalTime(item.finishedAt)],
    ['initiator', optionalText(item.initiator, 255)],
    ['url', httpUrl(item.url)],
    ['rollbackOf', optionalText(item.rollbackOf, 255)],
    ['commits', commitsOf(item.commits)],
  ];
  for (const [key, value] of remaining) {
    if (value !== undefined) parsed[key] = value;
  }
  const result = parsed as unknown as DeploymentInput;
  // The schema's superRefine: any of these is a problem it words.
  if (
    (result.startedAt &&
      result.finishedAt &&
      result.finishedAt < result.startedAt) ||
    (result.rollbackOf !== undefined && result.kind !== 'rollback') ||
    result.rollbackOf === result.externalId
  ) {
    throw new Unsure();
  }
  return result;
}

/**
 * The parse of `deploymentInputSchema` for every item when each is in the
 * common, unambiguous shape; `undefined` otherwise (run the schema).
 */
export function parseDeploymentsFast(
  items: readonly unknown[],
): DeploymentInput[] | undefined {
  try {
    const refs: EntityRefMemo = new Map();
    return items.map(item => deployment(item, refs));
  } catch (error) {
    if (error instanceof Unsure) return undefined;
    throw error;
  }
}

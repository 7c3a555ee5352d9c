import { parseEntityRef } from '@backstage/catalog-model';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import {
  CHECKLIST_ITEM_IDS,
  ChecklistItemId,
} from '@release-coordinator/backstage-plugin-common';
import { CronExpressionParser } from 'cron-parser';

/** The approver rule that stands for the entity's owner group. */
export const OWNER_APPROVER = 'owner';

/** Approval settings of one environment (`releaseCoordinator.environments`). */
export interface EnvironmentSettings {
  name: string;
  requiredApprovals: number;
  /** `owner` and/or entity refs (lower case) whose members may approve. */
  approvers: string[];
  watchWindow: HumanDuration;
}

/** A one-off or recurring freeze window (`releaseCoordinator.freezeWindows`). */
export type FreezeWindowSettings = {
  name: string;
  environments: string[];
} & (
  | { kind: 'one-off'; start: Date; end: Date }
  | { kind: 'recurring'; cron: string; durationMs: number }
);

/** Everything release readiness reads from `releaseCoordinator`. */
export interface ReleaseReadinessSettings {
  environments: EnvironmentSettings[];
  /** Role name → entity refs (lower case) whose members hold it. */
  roles: Record<string, string[]>;
  checklist: {
    coverageThreshold: number;
    rollbackRehearsalMaxAgeDays: number;
    titles: Partial<Record<ChecklistItemId, string>>;
  };
  freezeWindows: FreezeWindowSettings[];
}

const ROOT = 'releaseCoordinator';

const DEFAULT_ENVIRONMENTS = ['staging', 'production'];

/** Production needs one approval unless configured; other environments none. */
function defaultRequiredApprovals(environment: string): number {
  return environment === 'production' ? 1 : 0;
}

function normalizeRef(ref: string, key: string): string {
  try {
    const parsed = parseEntityRef(ref, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
    return `${parsed.kind}:${parsed.namespace}/${parsed.name}`.toLocaleLowerCase(
      'en-US',
    );
  } catch (error) {
    throw new Error(
      `Invalid config at ${key}: '${ref}' is not an entity ref (${
        (error as Error).message
      })`,
    );
  }
}

function readNonNegativeInteger(
  config: Config,
  key: string,
  fullKey: string,
  fallback: number,
): number {
  const value = config.getOptionalNumber(key);
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(
      `Invalid config at ${fullKey}: expected a non-negative integer, got ${value}`,
    );
  }
  return value;
}

function readEnvironments(root: Config | undefined): EnvironmentSettings[] {
  const configs = root?.getOptionalConfigArray('environments');
  if (!configs || configs.length === 0) {
    return DEFAULT_ENVIRONMENTS.map(name => ({
      name,
      requiredApprovals: defaultRequiredApprovals(name),
      approvers: [OWNER_APPROVER],
      watchWindow: { minutes: 60 },
    }));
  }
  const seen = new Set<string>();
  return configs.map((env, index) => {
    const key = `${ROOT}.environments[${index}]`;
    const name = env.getString('name');
    if (!/^[a-z0-9][a-z0-9-_]{0,62}$/i.test(name)) {
      throw new Error(
        `Invalid config at ${key}.name: '${name}' must be 1-63 letters, digits, '-' or '_'`,
      );
    }
    if (seen.has(name)) {
      throw new Error(
        `Invalid config at ${key}.name: environment '${name}' is listed twice`,
      );
    }
    seen.add(name);
    const approvers = (
      env.getOptionalStringArray('approvers') ?? [OWNER_APPROVER]
    ).map((approver, i) =>
      approver === OWNER_APPROVER
        ? OWNER_APPROVER
        : normalizeRef(approver, `${key}.approvers[${i}]`),
    );
    let watchWindow: HumanDuration = { minutes: 60 };
    if (env.has('watchWindow')) {
      try {
        watchWindow = readDurationFromConfig(env, { key: 'watchWindow' });
      } catch (error) {
        throw new Error(
          `Invalid config at ${key}.watchWindow: ${(error as Error).message}`,
        );
      }
    }
    return {
      name,
      requiredApprovals: readNonNegativeInteger(
        env,
        'requiredApprovals',
        `${key}.requiredApprovals`,
        defaultRequiredApprovals(name),
      ),
      approvers,
      watchWindow,
    };
  });
}

function readRoles(root: Config | undefined): Record<string, string[]> {
  const rolesConfig = root?.getOptionalConfig('roles');
  const roles: Record<string, string[]> = {};
  for (const role of rolesConfig?.keys() ?? []) {
    roles[role] = rolesConfig!
      .getStringArray(role)
      .map((ref, i) => normalizeRef(ref, `${ROOT}.roles.${role}[${i}]`));
  }
  return roles;
}

function readTitles(
  checklist: Config | undefined,
): Partial<Record<ChecklistItemId, string>> {
  const titlesConfig = checklist?.getOptionalConfig('titles');
  const titles: Partial<Record<ChecklistItemId, string>> = {};
  for (const id of titlesConfig?.keys() ?? []) {
    if (!(CHECKLIST_ITEM_IDS as readonly string[]).includes(id)) {
      throw new Error(
        `Invalid config at ${ROOT}.checklist.titles.${id}: unknown checklist item; known items are ${CHECKLIST_ITEM_IDS.join(
          ', ',
        )}`,
      );
    }
    titles[id as ChecklistItemId] = titlesConfig!.getString(id);
  }
  return titles;
}

function parseInstant(value: string, key: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime())) {
    throw new Error(
      `Invalid config at ${key}: '${value}' is not an ISO-8601 date-time`,
    );
  }
  return date;
}

function readFreezeWindows(
  root: Config | undefined,
  environments: EnvironmentSettings[],
): FreezeWindowSettings[] {
  const known = new Set(environments.map(env => env.name));
  return (root?.getOptionalConfigArray('freezeWindows') ?? []).map(
    (window, index) => {
      const key = `${ROOT}.freezeWindows[${index}]`;
      const name = window.getString('name');
      const windowEnvironments = window.getStringArray('environments');
      windowEnvironments.forEach((env, i) => {
        if (!known.has(env)) {
          throw new Error(
            `Invalid config at ${key}.environments[${i}]: '${env}' is not a configured environment`,
          );
        }
      });
      const recurring = window.getOptionalConfig('recurring');
      const hasOneOff = window.has('start') || window.has('end');
      if (recurring && hasOneOff) {
        throw new Error(
          `Invalid config at ${key}: give either start and end or recurring, not both`,
        );
      }
      if (recurring) {
        const cron = recurring.getString('cron');
        try {
          CronExpressionParser.parse(cron, { tz: 'UTC' });
        } catch (error) {
          throw new Error(
            `Invalid config at ${key}.recurring.cron: '${cron}' is not a cron expression (${
              (error as Error).message
            })`,
          );
        }
        let durationMs: number;
        try {
          durationMs = durationToMilliseconds(
            readDurationFromConfig(recurring, { key: 'duration' }),
          );
        } catch (error) {
          throw new Error(
            `Invalid config at ${key}.recurring.duration: ${
              (error as Error).message
            }`,
          );
        }
        if (!(durationMs > 0)) {
          throw new Error(
            `Invalid config at ${key}.recurring.duration: must be longer than zero`,
          );
        }
        return {
          name,
          environments: windowEnvironments,
          kind: 'recurring',
          cron,
          durationMs,
        };
      }
      if (!window.has('start') || !window.has('end')) {
        throw new Error(
          `Invalid config at ${key}: a freeze window needs start and end, or recurring`,
        );
      }
      const start = parseInstant(window.getString('start'), `${key}.start`);
      const end = parseInstant(window.getString('end'), `${key}.end`);
      if (end.getTime() <= start.getTime()) {
        throw new Error(`Invalid config at ${key}.end: must be after start`);
      }
      return {
        name,
        environments: windowEnvironments,
        kind: 'one-off',
        start,
        end,
      };
    },
  );
}

/**
 * Reads and checks the release readiness settings; bad config throws an
 * Error naming the key, so the backend fails at start.
 */
export function readReleaseReadinessSettings(
  config: Config,
): ReleaseReadinessSettings {
  const root = config.getOptionalConfig(ROOT);
  const environments = readEnvironments(root);
  const checklist = root?.getOptionalConfig('checklist');
  const coverageThreshold =
    checklist?.getOptionalNumber('coverageThreshold') ?? 80;
  if (!(coverageThreshold >= 0 && coverageThreshold <= 100)) {
    throw new Error(
      `Invalid config at ${ROOT}.checklist.coverageThreshold: expected a percentage 0-100, got ${coverageThreshold}`,
    );
  }
  return {
    environments,
    roles: readRoles(root),
    checklist: {
      coverageThreshold,
      rollbackRehearsalMaxAgeDays: checklist
        ? readNonNegativeInteger(
            checklist,
            'rollbackRehearsalMaxAgeDays',
            `${ROOT}.checklist.rollbackRehearsalMaxAgeDays`,
            30,
          )
        : 30,
      titles: readTitles(checklist),
    },
    freezeWindows: readFreezeWindows(root, environments),
  };
}

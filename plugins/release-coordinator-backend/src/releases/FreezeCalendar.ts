import { ActiveFreeze } from '@release-coordinator/backstage-plugin-common';
import { CronExpressionParser } from 'cron-parser';
import { FreezeWindowSettings } from './config';

/** Answers which freeze window, if any, is in force for an environment. */
export class FreezeCalendar {
  constructor(private readonly windows: FreezeWindowSettings[]) {}

  /**
   * The freeze window in force for `environment` at `at`; when several are,
   * the one that ends last.
   */
  activeFreeze(environment: string, at: Date): ActiveFreeze | undefined {
    let active: { name: string; start: Date; end: Date } | undefined;
    for (const window of this.windows) {
      if (!window.environments.includes(environment)) {
        continue;
      }
      const occurrence =
        window.kind === 'one-off'
          ? { start: window.start, end: window.end }
          : latestOccurrence(window.cron, window.durationMs, at);
      if (
        occurrence &&
        occurrence.start.getTime() <= at.getTime() &&
        at.getTime() < occurrence.end.getTime() &&
        (!active || occurrence.end.getTime() > active.end.getTime())
      ) {
        active = { name: window.name, ...occurrence };
      }
    }
    return active
      ? {
          name: active.name,
          start: active.start.toISOString(),
          end: active.end.toISOString(),
        }
      : undefined;
  }
}

/**
 * The last occurrence of a recurring window that started at or before `at`.
 * Occurrences all last equally long, so the latest start also ends last.
 */
function latestOccurrence(
  cron: string,
  durationMs: number,
  at: Date,
): { start: Date; end: Date } | undefined {
  // prev() is strictly before currentDate; one second later includes an
  // occurrence that starts exactly at `at`.
  const expression = CronExpressionParser.parse(cron, {
    tz: 'UTC',
    currentDate: new Date(at.getTime() + 1000),
  });
  if (!expression.hasPrev()) {
    return undefined;
  }
  const start = expression.prev().toDate();
  if (start.getTime() > at.getTime()) {
    return undefined;
  }
  return { start, end: new Date(start.getTime() + durationMs) };
}

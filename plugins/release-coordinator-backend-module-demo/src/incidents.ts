import { IncidentSeverity } from '@release-coordinator/backstage-plugin-common';
import {
  DAY_MS,
  dayLabel,
  DemoHistoryOptions,
  GeneratedIncident,
  HOUR_MS,
  minutes,
  productionEnvironment,
  randomFor,
} from './timeline';

/** Length of one long-running "known issue" incident cycle. */
const KNOWN_ISSUE_PERIOD_DAYS = 21;

/** How long background incidents last, in minutes, by severity. */
const BACKGROUND_INCIDENT_MINUTES: Record<IncidentSeverity, [number, number]> =
  {
    critical: [10, 90],
    major: [20, 240],
    minor: [10, 360],
  };

/**
 * Incidents of one day that no deployment caused: 10 % critical, 30 % major,
 * 60 % minor, mostly in production.
 */
export function backgroundIncidents(
  options: DemoHistoryOptions,
  day: number,
): GeneratedIncident[] {
  const { profile, environments, slug } = options;
  const random = randomFor(options, 'incidents', day);
  const count = Math.min(random.poisson(profile.backgroundIncidentsPerDay), 2);
  const production = productionEnvironment(environments);
  return Array.from({ length: count }, (_, index) => {
    const roll = random.next();
    let severity: IncidentSeverity = 'minor';
    if (roll < 0.1) {
      severity = 'critical';
    } else if (roll < 0.4) {
      severity = 'major';
    }
    const startedMs = Math.round(day * DAY_MS + random.next() * DAY_MS);
    return {
      externalId: `demo-${slug}-${dayLabel(day)}-incident-${index + 1}`,
      severity,
      title: random.pick(profile.incidentTitles),
      environment: random.chance(0.85) ? production : environments[0],
      startedMs,
      resolvedMs:
        startedMs + minutes(random, BACKGROUND_INCIDENT_MINUTES[severity]),
    };
  });
}

/**
 * The long-running minor "known issue" incidents whose cycle overlaps days
 * [fromDay, toDay], for profiles that have one: each opens at 09:00 on the
 * first day of its cycle and is resolved an hour before the next opens, so
 * one is nearly always open.
 */
export function knownIssues(
  options: DemoHistoryOptions,
  fromDay: number,
  toDay: number,
): GeneratedIncident[] {
  const { profile, environments, slug } = options;
  if (!profile.ongoingKnownIssue) {
    return [];
  }
  const first = Math.floor(fromDay / KNOWN_ISSUE_PERIOD_DAYS) - 1;
  const last = Math.floor(toDay / KNOWN_ISSUE_PERIOD_DAYS);
  const result: GeneratedIncident[] = [];
  for (let period = first; period <= last; period++) {
    const random = randomFor(options, 'known-issue', period);
    const startDay = period * KNOWN_ISSUE_PERIOD_DAYS;
    result.push({
      externalId: `demo-${slug}-known-issue-${dayLabel(startDay)}`,
      severity: 'minor',
      title: `Known issue: ${random.pick(profile.incidentTitles)}`,
      environment: productionEnvironment(environments),
      startedMs: startDay * DAY_MS + 9 * HOUR_MS,
      resolvedMs: (startDay + KNOWN_ISSUE_PERIOD_DAYS) * DAY_MS + 8 * HOUR_MS,
    });
  }
  return result;
}

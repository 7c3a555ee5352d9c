import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { createRandom } from './random';

/**
 * How one service behaves in the demo history. The example services get
 * hand-picked profiles so that their delivery metrics differ visibly; any
 * other annotated component gets a profile derived from its name.
 */
export interface DemoProfile {
  /** Mean number of releases on a weekday (Poisson). */
  releasesPerWeekday: number;
  /** Factor applied to the rate on Saturdays and Sundays. */
  weekendFactor: number;
  /** Probability that one deployment fails. */
  failureRate: number;
  /** Probability that one deployment is cancelled. */
  cancelRate: number;
  /** Probability that a release reaches production, breaks it and is rolled back. */
  badReleaseRate: number;
  /** Probability of a (mostly minor) incident shortly after a good production deploy. */
  postDeployIncidentRate: number;
  /** Mean number of incidents per day not caused by a deployment. */
  backgroundIncidentsPerDay: number;
  /** Probability that a release stays in the first environment (superseded). */
  skipPromotionRate: number;
  /** Hours between a commit and the release that ships it. */
  commitLeadHours: [number, number];
  /** Deployment duration in minutes. */
  durationMinutes: [number, number];
  /** Minutes between success in one environment and the deploy to the next. */
  promotionDelayMinutes: [number, number];
  /** Major version in 2026; it grows by one each calendar year. */
  major2026: number;
  /** Whether the service always has one long-running minor incident open. */
  ongoingKnownIssue: boolean;
  /** Titles of incidents, most severe first. */
  incidentTitles: string[];
}

const BASE: DemoProfile = {
  releasesPerWeekday: 0.5,
  weekendFactor: 0.1,
  failureRate: 0.08,
  cancelRate: 0.03,
  badReleaseRate: 0.04,
  postDeployIncidentRate: 0.03,
  backgroundIncidentsPerDay: 0.03,
  skipPromotionRate: 0.08,
  commitLeadHours: [2, 72],
  durationMinutes: [4, 14],
  promotionDelayMinutes: [30, 240],
  major2026: 1,
  ongoingKnownIssue: false,
  incidentTitles: [
    'Error rate above 5 % on the main endpoints',
    'p99 latency above SLO',
    'Pods crash-looping after start',
    'Health checks flapping',
    'Elevated 5xx from the load balancer',
  ],
};

/** Profiles of the example services in `examples/entities.yaml`, by name. */
export const EXAMPLE_PROFILES: Record<string, DemoProfile> = {
  // Elite-ish: more than one production deploy a day, short lead times.
  'payments-api': {
    ...BASE,
    releasesPerWeekday: 2,
    failureRate: 0.04,
    cancelRate: 0.02,
    badReleaseRate: 0.03,
    skipPromotionRate: 0.04,
    commitLeadHours: [1, 20],
    durationMinutes: [3, 8],
    promotionDelayMinutes: [20, 120],
    major2026: 3,
    incidentTitles: [
      'Card authorisations failing for one acquirer',
      'Payment confirmation latency above 2 s',
      'Webhook deliveries to merchants delayed',
      'Refund queue backing up',
    ],
  },
  'checkout-web': {
    ...BASE,
    releasesPerWeekday: 1.1,
    failureRate: 0.07,
    cancelRate: 0.04,
    durationMinutes: [2, 6],
    major2026: 2,
    incidentTitles: [
      'Checkout page blank in Safari',
      'Basket totals not updating',
      'JavaScript errors above baseline',
    ],
  },
  'invoicing-service': {
    ...BASE,
    releasesPerWeekday: 0.35,
    commitLeadHours: [24, 144],
    durationMinutes: [6, 15],
    promotionDelayMinutes: [60, 600],
    major2026: 1,
    incidentTitles: [
      'Invoice PDF generation failing',
      'Nightly receipt batch late',
      'Tax rounding mismatch reported',
    ],
  },
  // Frequent failures and rollbacks: a low success rate and a high change failure rate.
  'identity-service': {
    ...BASE,
    releasesPerWeekday: 0.7,
    failureRate: 0.22,
    cancelRate: 0.05,
    badReleaseRate: 0.1,
    postDeployIncidentRate: 0.06,
    backgroundIncidentsPerDay: 0.05,
    commitLeadHours: [6, 120],
    durationMinutes: [5, 18],
    major2026: 5,
    incidentTitles: [
      'Sign-in failing for SSO users',
      'Token refresh returning 401',
      'Session store connection pool exhausted',
      'MFA codes delayed',
    ],
  },
  'notification-gateway': {
    ...BASE,
    releasesPerWeekday: 0.5,
    ongoingKnownIssue: true,
    major2026: 2,
    incidentTitles: [
      'SMS delivery failing for one carrier',
      'Push notifications delayed',
      'E-mail bounce rate above threshold',
    ],
  },
  // Low frequency, long lead times, slow deployments.
  'search-indexer': {
    ...BASE,
    releasesPerWeekday: 0.1,
    weekendFactor: 0,
    failureRate: 0.1,
    skipPromotionRate: 0.02,
    commitLeadHours: [48, 336],
    durationMinutes: [12, 20],
    promotionDelayMinutes: [120, 600],
    backgroundIncidentsPerDay: 0.02,
    major2026: 1,
    incidentTitles: [
      'Index rebuild stuck',
      'Search results stale for more than an hour',
      'Indexer out of memory',
    ],
  },
};

/** The profile of an entity: its example profile, or one derived from its name. */
export function profileFor(entity: Entity): DemoProfile {
  const example = EXAMPLE_PROFILES[entity.metadata.name];
  if (example && (entity.metadata.namespace ?? 'default') === 'default') {
    return example;
  }
  const random = createRandom(`profile|${entity.metadata.name}`);
  return {
    ...BASE,
    releasesPerWeekday: random.between(0.2, 0.9),
    failureRate: random.between(0.05, 0.12),
    badReleaseRate: random.between(0.02, 0.06),
    major2026: random.int(1, 4),
  };
}

const USERS_BY_GROUP: Record<string, string[]> = {
  'payments-team': ['user:default/guest', 'user:default/alice'],
  'platform-team': ['user:default/bob', 'user:default/erin'],
  sre: ['user:default/carol', 'user:default/erin'],
  dba: ['user:default/dave'],
};

/**
 * The people who start the entity's deployments: members of its owner group
 * in `examples/org.yaml`, or the guest user for other owners.
 */
export function initiatorsFor(entity: Entity): string[] {
  const owner = entity.spec?.owner;
  if (typeof owner === 'string') {
    try {
      const ref = parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      });
      const users = USERS_BY_GROUP[ref.name.toLocaleLowerCase('en-US')];
      if (users) {
        return users;
      }
    } catch {
      // An unparsable owner has no known members.
    }
  }
  return ['user:default/guest'];
}

import { Release } from '@release-coordinator/backstage-plugin-common';

/** The releases split into the newest per environment and the older ones. */
export interface GroupedReleases {
  /** The newest release of each environment, in the order given. */
  latest: Release[];
  /** Every other release, in the order given. */
  older: Release[];
}

/**
 * Splits releases (newest first, as the backend returns them) into the newest
 * release of each environment and the rest.
 */
export function latestPerEnvironment(releases: Release[]): GroupedReleases {
  const seen = new Set<string>();
  const latest: Release[] = [];
  const older: Release[] = [];
  for (const release of releases) {
    if (seen.has(release.environment)) {
      older.push(release);
    } else {
      seen.add(release.environment);
      latest.push(release);
    }
  }
  return { latest, older };
}

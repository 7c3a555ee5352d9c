import { useSignalRefresh } from './useSignalRefresh';

/** The signal channel the backend publishes on when a release changes. */
export function releaseSignalChannel(releaseId: string): string {
  return `release-coordinator:release:${releaseId}`;
}

/**
 * Calls `onSignal` whenever the backend signals a change of the release, so
 * an open tab refreshes when someone else attests or approves. Without the
 * signals plugin installed this does nothing.
 */
export function useReleaseSignal(releaseId: string, onSignal: () => void) {
  useSignalRefresh(releaseSignalChannel(releaseId), onSignal);
}

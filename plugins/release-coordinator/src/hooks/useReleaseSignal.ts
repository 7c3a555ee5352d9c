import { releaseSignalChannel } from '@release-coordinator/backstage-plugin-common';
import { useSignalRefresh } from './useSignalRefresh';

/**
 * Calls `onSignal` whenever the backend signals a change of the release, so
 * an open tab refreshes when someone else attests or approves. Without the
 * signals plugin installed this does nothing.
 */
export function useReleaseSignal(releaseId: string, onSignal: () => void) {
  useSignalRefresh(releaseSignalChannel(releaseId), onSignal);
}

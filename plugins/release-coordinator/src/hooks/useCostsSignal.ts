import { entityCostsSignalChannel } from '@release-coordinator/backstage-plugin-common';
import { useSignalRefresh } from './useSignalRefresh';

/**
 * Calls `onChange` whenever the backend signals that daily cost of the
 * entity was created or changed (pushed to `/events/costs` or pulled by a
 * cost module). Without the signals API installed in the app it does
 * nothing (the tab then refreshes only when opened).
 */
export function useCostsSignal(entityRef: string, onChange: () => void) {
  useSignalRefresh(entityCostsSignalChannel(entityRef), onChange);
}

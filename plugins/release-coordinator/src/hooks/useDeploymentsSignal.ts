import { entityDeploymentsSignalChannel } from '@release-coordinator/backstage-plugin-common';
import { useSignalRefresh } from './useSignalRefresh';

/**
 * The signal channel on which the backend announces that the deployments of
 * an entity changed (new or updated deployment, rollback); the -common
 * contract, lower-casing the ref as the backend stores it.
 */
export const deploymentsSignalChannel = entityDeploymentsSignalChannel;

/**
 * Calls `onChange` whenever the backend signals that the deployments of the
 * entity changed. Without the signals API installed in the app it does
 * nothing (the tab then refreshes only when opened).
 */
export function useDeploymentsSignal(entityRef: string, onChange: () => void) {
  useSignalRefresh(deploymentsSignalChannel(entityRef), onChange);
}

import { useEntityPermission } from '@backstage/plugin-catalog-react/alpha';
import {
  checklistAttestPermission,
  checklistWaivePermission,
  freezeOverridePermission,
  releaseApprovePermission,
} from '@release-coordinator/backstage-plugin-common';

/** Whether the current user may take one action; `loading` while asking. */
export interface ActionPermission {
  allowed: boolean;
  loading: boolean;
}

/** The actions of the Release readiness tab the current user may take. */
export interface ReleasePermissions {
  attest: ActionPermission;
  waive: ActionPermission;
  approve: ActionPermission;
  /** Approve during a freeze window (emergency override, with a reason). */
  overrideFreeze: ActionPermission;
}

/**
 * Asks the permission framework, with the entity in context as the resource,
 * which Release readiness actions the user may take. Only guards the buttons:
 * the backend's check is the real one.
 */
export function useReleasePermissions(): ReleasePermissions {
  const attest = useEntityPermission(checklistAttestPermission);
  const waive = useEntityPermission(checklistWaivePermission);
  const approve = useEntityPermission(releaseApprovePermission);
  const overrideFreeze = useEntityPermission(freezeOverridePermission);
  return {
    attest: { allowed: attest.allowed, loading: attest.loading },
    waive: { allowed: waive.allowed, loading: waive.loading },
    approve: { allowed: approve.allowed, loading: approve.loading },
    overrideFreeze: {
      allowed: overrideFreeze.allowed,
      loading: overrideFreeze.loading,
    },
  };
}

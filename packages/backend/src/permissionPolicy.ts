import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  checklistWaivePermission,
  deploymentRollbackPermission,
  eventsPushPermission,
  freezeOverridePermission,
  releaseUpdatePermission,
} from '@release-coordinator/backstage-plugin-common';

/**
 * Permissions that change production or bypass a gate. They are granted to
 * the owners of the entity and to the configured privileged groups only.
 */
const privilegedPermissions = [
  checklistWaivePermission,
  freezeOverridePermission,
  deploymentRollbackPermission,
  releaseUpdatePermission,
];

/**
 * Machine input (pushed deployments, incidents, cost, evidence): for
 * services, and for the privileged groups; never for ordinary users, owners
 * included, because a pushed incident can roll a service back and a pushed
 * status can settle a rollback.
 */
const machinePermissions = [eventsPushPermission];

/**
 * The portal's permission policy.
 *
 * - Waiving a gate, overriding a freeze, rolling back and changing a release
 *   someone else created are allowed for owners of the entity (conditional
 *   decision evaluated by the catalog) and for members of
 *   `permission.releaseCoordinator.privilegedGroups` (default:
 *   `group:default/sre`).
 * - Pushing machine input (`release-coordinator.events.push`) is allowed for
 *   the privileged groups only. Service principals never reach a policy:
 *   Backstage's permission client decides them by the access restrictions of
 *   their token, so an unrestricted CI token may push, and a token restricted
 *   to other permissions may not.
 * - Reading, creating releases, attesting and approving are allowed here;
 *   the backend's domain rules decide who is an eligible approver or holds a
 *   checklist role (docs/product.md §4), which a policy cannot know.
 * - Everything else (catalog, notifications, …) is allowed, as in a
 *   default Backstage portal.
 */
export class ReleaseCoordinatorPermissionPolicy implements PermissionPolicy {
  private readonly privilegedGroups: string[];

  constructor(options: { privilegedGroups: string[] }) {
    this.privilegedGroups = options.privilegedGroups.map(ref =>
      ref.toLocaleLowerCase('en-US'),
    );
  }

  static fromConfig(config: Config): ReleaseCoordinatorPermissionPolicy {
    return new ReleaseCoordinatorPermissionPolicy({
      privilegedGroups: config.getOptionalStringArray(
        'permission.releaseCoordinator.privilegedGroups',
      ) ?? ['group:default/sre'],
    });
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const privileged = privilegedPermissions.find(permission =>
      isPermission(request.permission, permission),
    );
    const machine = machinePermissions.some(permission =>
      isPermission(request.permission, permission),
    );
    if (!privileged && !machine) {
      return { result: AuthorizeResult.ALLOW };
    }
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (
      claims.some(ref =>
        this.privilegedGroups.includes(ref.toLocaleLowerCase('en-US')),
      )
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!privileged) {
      return { result: AuthorizeResult.DENY };
    }
    return createCatalogConditionalDecision(
      privileged,
      catalogConditions.isEntityOwner({ claims }),
    );
  }
}

/** Installs {@link ReleaseCoordinatorPermissionPolicy} in the permission backend. */
export const releaseCoordinatorPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'release-coordinator-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(ReleaseCoordinatorPermissionPolicy.fromConfig(config));
      },
    });
  },
});

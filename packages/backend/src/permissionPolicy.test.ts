import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  deploymentRollbackPermission,
  eventsPushPermission,
  freezeOverridePermission,
  releaseApprovePermission,
  releaseCreatePermission,
  releaseReadPermission,
  releaseUpdatePermission,
} from '@release-coordinator/backstage-plugin-common';
import { ReleaseCoordinatorPermissionPolicy } from './permissionPolicy';

function user(ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    identity: {
      type: 'user',
      userEntityRef: 'user:default/someone',
      ownershipEntityRefs,
    },
    token: 'token',
    credentials: {} as PolicyQueryUser['credentials'],
    info: { userEntityRef: 'user:default/someone', ownershipEntityRefs },
  } as PolicyQueryUser;
}

describe('ReleaseCoordinatorPermissionPolicy', () => {
  const policy = ReleaseCoordinatorPermissionPolicy.fromConfig(
    new ConfigReader({}),
  );

  it('allows reading and approving (eligibility is a domain rule)', async () => {
    for (const permission of [
      releaseReadPermission,
      releaseApprovePermission,
    ]) {
      await expect(
        policy.handle({ permission }, user(['user:default/someone'])),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    }
  });

  it('limits rollback to owners through a catalog condition', async () => {
    const decision = await policy.handle(
      { permission: deploymentRollbackPermission },
      user(['user:default/someone', 'group:default/payments-team']),
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/someone', 'group:default/payments-team'],
        },
      },
    });
  });

  it('limits changing releases of others to owners, like rollback', async () => {
    const decision = await policy.handle(
      { permission: releaseUpdatePermission },
      user(['user:default/bob', 'group:default/platform-team']),
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        params: {
          claims: ['user:default/bob', 'group:default/platform-team'],
        },
      },
    });
    await expect(
      policy.handle(
        { permission: releaseCreatePermission },
        user(['user:default/bob']),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('grants pushing machine input to privileged groups only, never to owners or to nobody', async () => {
    for (const claims of [
      ['user:default/alice', 'group:default/payments-team'],
      ['user:default/bob', 'group:default/platform-team'],
    ]) {
      await expect(
        policy.handle({ permission: eventsPushPermission }, user(claims)),
      ).resolves.toEqual({ result: AuthorizeResult.DENY });
    }
    await expect(
      policy.handle({ permission: eventsPushPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle(
        { permission: eventsPushPermission },
        user(['user:default/carol', 'group:default/sre']),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('allows privileged groups (default group:default/sre) to override freezes anywhere', async () => {
    await expect(
      policy.handle(
        { permission: freezeOverridePermission },
        user(['user:default/carol', 'group:default/SRE']),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('reads privileged groups from config', async () => {
    const configured = ReleaseCoordinatorPermissionPolicy.fromConfig(
      new ConfigReader({
        permission: {
          releaseCoordinator: {
            privilegedGroups: ['group:default/release-managers'],
          },
        },
      }),
    );
    const sre = await configured.handle(
      { permission: freezeOverridePermission },
      user(['group:default/sre']),
    );
    expect(sre.result).toBe(AuthorizeResult.CONDITIONAL);
    const manager = await configured.handle(
      { permission: freezeOverridePermission },
      user(['group:default/release-managers']),
    );
    expect(manager.result).toBe(AuthorizeResult.ALLOW);
  });
});

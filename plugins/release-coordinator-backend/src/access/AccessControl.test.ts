import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import { ServerPermissionClient } from '@backstage/plugin-permission-node';
import {
  eventsPushPermission,
  metricsReadPermission,
  Release,
  releaseReadPermission,
} from '@release-coordinator/backstage-plugin-common';
import { payments } from '../releases/__testUtils__/fixtures';
import { AccessControl } from './AccessControl';

/** Records every question asked and allows only the given permission names. */
function allowing(...names: string[]) {
  const asked: Array<{ credentials: BackstageCredentials; name: string }> = [];
  const permissions: PermissionsService = {
    async authorize(requests, options) {
      return requests.map(r => {
        asked.push({
          credentials: options.credentials,
          name: r.permission.name,
        });
        return {
          result: names.includes(r.permission.name)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        };
      });
    },
    async authorizeConditional() {
      throw new Error('not used');
    },
  };
  return { permissions, asked };
}

function accessWith(permissions: PermissionsService) {
  return new AccessControl({
    auth: mockServices.auth(),
    userInfo: mockServices.userInfo({
      ownershipEntityRefs: ['user:default/alice', 'group:default/Team-A'],
    }),
    permissions,
    catalog: catalogServiceMock({ entities: [payments] }),
  });
}

const alice = mockCredentials.user('user:default/alice');

describe('AccessControl', () => {
  describe('actorOf', () => {
    it('resolves a user with the refs they own, in lower case', async () => {
      const access = accessWith(allowing().permissions);
      await expect(access.actorOf(alice)).resolves.toEqual({
        type: 'user',
        ref: 'user:default/alice',
        ownershipRefs: ['user:default/alice', 'group:default/team-a'],
      });
    });

    it('resolves a service by its subject', async () => {
      const access = accessWith(allowing().permissions);
      await expect(
        access.actorOf(mockCredentials.service('external:ci')),
      ).resolves.toEqual({
        type: 'service',
        ref: 'external:ci',
        ownershipRefs: [],
      });
    });

    it('refuses no credentials with 401 and unknown principals with 403, never a plain Error', async () => {
      const access = accessWith(allowing().permissions);
      await expect(
        access.actorOf(mockCredentials.none()),
      ).rejects.toMatchObject({ name: 'AuthenticationError' });
      const unknown = {
        ...mockCredentials.none(),
        principal: { type: 'robot' },
      } as unknown as BackstageCredentials;
      await expect(access.actorOf(unknown)).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining("'robot'"),
      });
      await expect(
        access.authorizeEntity({
          credentials: unknown,
          entityRef: 'component:default/payments',
          permission: releaseReadPermission,
          action: 'read',
        }),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
    });
  });

  describe('authorizeEntity', () => {
    it('returns the entity in stored form when the permission is allowed', async () => {
      const { permissions, asked } = allowing(releaseReadPermission.name);
      const access = accessWith(permissions);
      const result = await access.authorizeEntity({
        credentials: alice,
        entityRef: {
          kind: 'Component',
          namespace: 'default',
          name: 'Payments',
        },
        permission: releaseReadPermission,
        action: 'read the releases of',
      });
      expect(result.entityRef).toBe('component:default/payments');
      expect(asked).toEqual([
        { credentials: alice, name: releaseReadPermission.name },
      ]);
    });

    it('asks the permission framework for service principals too', async () => {
      const { permissions, asked } = allowing();
      const access = accessWith(permissions);
      const ci = mockCredentials.service('external:ci');
      await expect(
        access.authorizeEntity({
          credentials: ci,
          entityRef: 'component:default/payments',
          permission: releaseReadPermission,
          action: 'read the releases of',
        }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message:
          'Not allowed to read the releases of component:default/payments',
      });
      expect(asked).toEqual([
        { credentials: ci, name: releaseReadPermission.name },
      ]);
    });

    it('answers 404 for a missing entity whatever the decision, with the message asked for', async () => {
      const access = accessWith(allowing().permissions);
      await expect(
        access.authorizeEntity({
          credentials: alice,
          entityRef: 'component:default/nope',
          permission: releaseReadPermission,
          action: 'read',
          notFound: 'No release r-1',
        }),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: 'No release r-1',
      });
    });

    it('answers 400 for a malformed ref', async () => {
      const access = accessWith(allowing().permissions);
      await expect(
        access.authorizeEntity({
          credentials: alice,
          entityRef: 'component:',
          permission: releaseReadPermission,
          action: 'read',
        }),
      ).rejects.toMatchObject({ name: 'InputError' });
    });
  });

  describe('authorizeEntities', () => {
    it('names every denied entity of a batch', async () => {
      const permissions: PermissionsService = {
        async authorize(requests: AuthorizePermissionRequest[]) {
          return requests.map(r => ({
            result:
              (r as { resourceRef?: string }).resourceRef ===
              'component:default/ledger'
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          }));
        },
        async authorizeConditional() {
          throw new Error('not used');
        },
      };
      await expect(
        accessWith(permissions).authorizeEntities({
          credentials: alice,
          entityRefs: [
            'component:default/payments',
            'Component:default/ledger',
            'component:ops/billing',
            'component:default/payments',
          ],
          permission: eventsPushPermission,
          action: 'push events for',
        }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message:
          'Not allowed to push events for component:default/payments, component:ops/billing',
      });
    });

    it("applies an external-access token's accessRestrictions (Backstage's permission client)", async () => {
      // The permission client every backend gets by default: it decides
      // service principals by their access restrictions, locally.
      const permissions = ServerPermissionClient.fromConfig(
        new ConfigReader({ permission: { enabled: true } }),
        { auth: mockServices.auth(), discovery: mockServices.discovery() },
      );
      const access = accessWith(permissions);
      const dashboard = mockCredentials.service('external:dashboard', {
        permissionNames: [metricsReadPermission.name],
      });
      await expect(
        access.authorizeEntities({
          credentials: dashboard,
          entityRefs: ['component:default/payments'],
          permission: eventsPushPermission,
          action: 'push events for',
        }),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
      await expect(
        access.authorizeEntity({
          credentials: dashboard,
          entityRef: 'component:default/payments',
          permission: metricsReadPermission,
          action: 'read the delivery metrics of',
        }),
      ).resolves.toMatchObject({ entityRef: 'component:default/payments' });
    });
  });

  describe('authorizeReleaseChange', () => {
    const release = {
      id: 'r-1',
      entityRef: 'component:default/payments',
      createdBy: 'user:default/alice',
    } as Release;

    it('lets the creator change their release while they may create releases', async () => {
      const access = accessWith(
        allowing('release-coordinator.release.create').permissions,
      );
      await expect(
        access.authorizeReleaseChange({ credentials: alice, release }),
      ).resolves.toMatchObject({ actor: { ref: 'user:default/alice' } });
      await expect(
        accessWith(allowing().permissions).authorizeReleaseChange({
          credentials: alice,
          release,
        }),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
    });

    it('lets others change it only with release.update', async () => {
      const bob = mockCredentials.user('user:default/bob');
      await expect(
        accessWith(
          allowing('release-coordinator.release.create').permissions,
        ).authorizeReleaseChange({ credentials: bob, release }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          'only its creator (user:default/alice) or a holder of release-coordinator.release.update',
        ),
      });
      await expect(
        accessWith(
          allowing('release-coordinator.release.update').permissions,
        ).authorizeReleaseChange({ credentials: bob, release }),
      ).resolves.toMatchObject({ entityRef: 'component:default/payments' });
    });
  });
});

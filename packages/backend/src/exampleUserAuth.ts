import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, UserEntity } from '@backstage/catalog-model';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** The auth provider id, and the key of its config under `auth.providers`. */
export const EXAMPLE_USER_PROVIDER_ID = 'exampleUser';

/** The request header naming the user to sign in as (the `user` query parameter works too). */
export const EXAMPLE_USER_HEADER = 'x-example-user';

// A catalog entity name (letters, digits, `-`, `_`, `.`), not a full ref:
// the example users live in the default namespace.
const USER_NAME = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/i;

/**
 * A bad sign-in request (400). packages/backend does not declare
 * `@backstage/errors`; the backend's error handler answers with `statusCode`.
 */
class ExampleUserRequestError extends Error {
  readonly name = 'InputError';
  readonly statusCode = 400;
}

/** What the authenticator found in the request: the user to sign in as. */
export interface ExampleUserResult {
  userEntityRef: string;
}

function requestedUserName(req: {
  header(name: string): string | undefined;
  query: Record<string, unknown>;
}): string {
  const value = req.header(EXAMPLE_USER_HEADER) ?? req.query.user;
  if (typeof value !== 'string' || value === '') {
    throw new ExampleUserRequestError(
      `Name the example user to sign in as in the '${EXAMPLE_USER_HEADER}' header or the 'user' query parameter`,
    );
  }
  if (value.length > 63 || !USER_NAME.test(value)) {
    throw new ExampleUserRequestError(`'${value}' is not a user entity name`);
  }
  return value;
}

/**
 * Development only: signs in as the catalog user named in the request. There
 * is no secret involved, so anyone who can reach the backend can act as any
 * user; this is what lets one person try approvals as several people.
 */
export const exampleUserAuthenticator = createProxyAuthenticator<
  void,
  ExampleUserResult,
  undefined
>({
  async defaultProfileTransform(result, context) {
    const { entity } = await context.findCatalogUser({
      entityRef: result.userEntityRef,
    });
    const profile = (entity as UserEntity).spec?.profile;
    return {
      profile: {
        displayName: profile?.displayName ?? entity.metadata.name,
        ...(profile?.email && { email: profile.email }),
        ...(profile?.picture && { picture: profile.picture }),
      },
    };
  },
  initialize() {},
  async authenticate({ req }) {
    const name = requestedUserName(req);
    return {
      result: {
        userEntityRef: stringifyEntityRef({
          kind: 'user',
          namespace: 'default',
          name,
        }),
      },
    };
  },
});

/** Runtimes in which the provider may run without the explicit escape hatch. */
const DEVELOPMENT_ENVIRONMENTS = ['development', 'test'];

/**
 * Auth provider `exampleUser` (development only): sign in as any user of the
 * catalog by name, e.g. `GET /api/auth/exampleUser/refresh?user=carol`.
 *
 * Registered only when `auth.providers.exampleUser.enabled` is true
 * (app-config.yaml; app-config.production.yaml turns it off). Outside
 * NODE_ENV development/test the backend refuses to start with it enabled
 * unless `dangerouslyAllowOutsideDevelopment` is also true. Only users that
 * exist in the catalog can sign in; their ownership comes from the catalog
 * as for any other provider.
 */
export const exampleUserAuthModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'example-users-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        const providerConfig = config.getOptionalConfig(
          `auth.providers.${EXAMPLE_USER_PROVIDER_ID}`,
        );
        if (!providerConfig?.getOptionalBoolean('enabled')) {
          return;
        }
        const allowOutsideDevelopment =
          providerConfig.getOptionalBoolean(
            'dangerouslyAllowOutsideDevelopment',
          ) === true;
        if (
          !DEVELOPMENT_ENVIRONMENTS.includes(process.env.NODE_ENV ?? '') &&
          !allowOutsideDevelopment
        ) {
          throw new Error(
            `auth.providers.${EXAMPLE_USER_PROVIDER_ID} lets anyone sign in as any user and is refused outside development (NODE_ENV=${process.env.NODE_ENV}); turn it off, or set auth.providers.${EXAMPLE_USER_PROVIDER_ID}.dangerouslyAllowOutsideDevelopment`,
          );
        }
        logger.warn(
          'Example-user sign-in is enabled: anyone who reaches this backend can sign in as any catalog user. Use it for development only.',
        );
        providers.registerProvider({
          providerId: EXAMPLE_USER_PROVIDER_ID,
          factory: createProxyAuthProviderFactory({
            authenticator: exampleUserAuthenticator,
            async signInResolver({ result }, context) {
              // Refuses (404) users that are not in the catalog.
              return context.signInWithCatalogUser({
                entityRef: result.userEntityRef,
              });
            },
          }),
        });
      },
    });
  },
});

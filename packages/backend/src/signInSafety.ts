import {
  coreServices,
  createBackendFeatureLoader,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import githubProviderModule from '@backstage/plugin-auth-backend-module-github-provider';
import guestProviderModule from '@backstage/plugin-auth-backend-module-guest-provider';
import { exampleUserAuthModule } from './exampleUserAuth';

/** Runtimes in which development-only sign-in may run without an escape hatch. */
const DEVELOPMENT_ENVIRONMENTS = ['development', 'test'];

/**
 * The sign-in providers that let anyone in without a secret, with the key
 * that explicitly allows each outside development.
 */
const OPEN_PROVIDERS: Array<{
  id: string;
  /** Whether the provider is on, given its config block. */
  enabled(config: Config): boolean;
}> = [
  // The guest provider is on whenever it is configured at all.
  { id: 'guest', enabled: () => true },
  // The example-user provider is on when `enabled: true`.
  {
    id: 'exampleUser',
    enabled: config => config.getOptionalBoolean('enabled') === true,
  },
];

/**
 * The providers that would let anyone in outside development: each one that
 * is on without its `dangerouslyAllowOutsideDevelopment`, as the config key
 * to set (or the provider to turn off). Empty in development and test.
 */
export function unsafeSignInKeys(
  config: Config,
  nodeEnv: string | undefined = process.env.NODE_ENV,
): string[] {
  if (DEVELOPMENT_ENVIRONMENTS.includes(nodeEnv ?? '')) {
    return [];
  }
  return OPEN_PROVIDERS.flatMap(provider => {
    const providerConfig = config.getOptionalConfig(
      `auth.providers.${provider.id}`,
    );
    if (
      !providerConfig ||
      !provider.enabled(providerConfig) ||
      providerConfig.getOptionalBoolean(
        'dangerouslyAllowOutsideDevelopment',
      ) === true
    ) {
      return [];
    }
    return [`auth.providers.${provider.id}.dangerouslyAllowOutsideDevelopment`];
  });
}

/**
 * Refuses to start the backend outside development (NODE_ENV other than
 * development or test) while a sign-in provider that lets anyone in — guest,
 * or the example users — is on, unless its
 * `dangerouslyAllowOutsideDevelopment` key says so. The guest user belongs
 * to a team that owns services, so an open guest sign-in in production would
 * let anyone waive gates and roll back. The error names the key.
 */
export const signInSafetyModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'sign-in-safety',
  register(reg) {
    reg.registerInit({
      deps: { config: coreServices.rootConfig },
      async init({ config }) {
        const keys = unsafeSignInKeys(config);
        if (keys.length > 0) {
          throw new Error(
            `Refusing to start (NODE_ENV=${
              process.env.NODE_ENV ?? 'unset'
            }): ${keys
              .map(key =>
                key.replace(/\.dangerouslyAllowOutsideDevelopment$/, ''),
              )
              .join(
                ' and ',
              )} let anyone sign in without a secret. Turn them off (app-config.production.yaml does), or set ${keys.join(
              ' and ',
            )}: true to allow it knowingly.`,
          );
        }
      },
    });
  },
});

/**
 * The portal's sign-in providers, by configuration: GitHub (used when
 * `auth.providers.github` is configured, as in app-config.production.yaml),
 * guest only when `auth.providers.guest` is configured (the guest module
 * fails the start without its config, and production removes it), the
 * development-only example users, and {@link signInSafetyModule}.
 */
export const signInProviders = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  *loader({ config }) {
    yield signInSafetyModule;
    yield githubProviderModule;
    if (config.has('auth.providers.guest')) {
      yield guestProviderModule;
    }
    yield exampleUserAuthModule;
  },
});

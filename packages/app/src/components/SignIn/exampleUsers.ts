import { ConfigApi, IdentityApi } from '@backstage/core-plugin-api';

/** An example user offered on the sign-in page (`auth.providers.exampleUser.users`). */
export interface ExampleUser {
  /** The user entity's name in the default namespace, e.g. `carol`. */
  name: string;
  description?: string;
}

/** How the browser signed in last: kept so that a reload signs in again. */
export type SignInChoice =
  | { provider: 'guest' }
  | { provider: 'exampleUser'; user: string };

/** The request header the backend's `exampleUser` provider reads the user from. */
export const EXAMPLE_USER_HEADER = 'x-example-user';

const STORAGE_KEY = 'release-coordinator:sign-in';

/**
 * The example users to offer, or undefined when the development-only
 * example-user sign-in is off (e.g. app-config.production.yaml).
 */
export function readExampleUsers(config: ConfigApi): ExampleUser[] | undefined {
  const providerConfig = config.getOptionalConfig('auth.providers.exampleUser');
  if (!providerConfig?.getOptionalBoolean('enabled')) {
    return undefined;
  }
  return (providerConfig.getOptionalConfigArray('users') ?? []).map(user => ({
    name: user.getString('name'),
    description: user.getOptionalString('description'),
  }));
}

/** The stored choice, if any and well-formed. */
export function loadSignInChoice(): SignInChoice | undefined {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (stored?.provider === 'guest') {
      return { provider: 'guest' };
    }
    if (stored?.provider === 'exampleUser' && typeof stored.user === 'string') {
      return { provider: 'exampleUser', user: stored.user };
    }
  } catch {
    // Not JSON: treated as no choice.
  }
  return undefined;
}

export function saveSignInChoice(choice: SignInChoice): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(choice));
}

export function forgetSignInChoice(): void {
  localStorage.removeItem(STORAGE_KEY);
}

/**
 * The identity, with a sign-out that also forgets the stored choice, so that
 * signing out leads back to the list of users (switching user = sign out,
 * then sign in as someone else).
 */
export function forgettingOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      forgetSignInChoice();
      await identity.signOut();
    },
  };
}

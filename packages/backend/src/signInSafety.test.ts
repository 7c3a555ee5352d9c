import path from 'path';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { Config, ConfigReader } from '@backstage/config';
import {
  ConfigSources,
  FileConfigSource,
  StaticConfigSource,
} from '@backstage/config-loader';
import authPlugin from '@backstage/plugin-auth-backend';
import { signInProviders, unsafeSignInKeys } from './signInSafety';

// The repository root: the test loads the portal's real config files.
// eslint-disable-next-line no-restricted-syntax
const repoRoot = path.resolve(__dirname, '../../..');

/** The environment a production deployment passes (see the README). */
const PRODUCTION_ENV: Record<string, string> = {
  APP_BASE_URL: 'https://portal.example.com',
  BACKEND_BASE_URL: 'https://portal.example.com',
  POSTGRES_HOST: 'db.example.com',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'not-used-here',
  AUTH_GITHUB_CLIENT_ID: 'Iv1.production-client',
  AUTH_GITHUB_CLIENT_SECRET: 'production-secret',
};

/**
 * app-config.yaml, then app-config.production.yaml (as the README's
 * production command loads them), then `extra`, with `${VAR}` from `env`.
 */
async function loadPortalConfig(
  files: string[],
  extra?: object,
  env: Record<string, string> = PRODUCTION_ENV,
): Promise<Config> {
  const substitutionFunc = async (name: string) => env[name];
  const sources = files.map(file =>
    FileConfigSource.create({
      path: path.join(repoRoot, file),
      watch: false,
      substitutionFunc,
    }),
  );
  if (extra) {
    sources.push(StaticConfigSource.create({ data: extra as any }));
  }
  const config = await ConfigSources.toConfig(ConfigSources.merge(sources));
  // A plain snapshot: the backend below must not keep file watchers open.
  const snapshot = ConfigReader.fromConfigs([
    { context: 'portal', data: config.get() as any },
  ]);
  config.close();
  return snapshot;
}

const PRODUCTION = ['app-config.yaml', 'app-config.production.yaml'];

/** Starts the auth backend of the portal with `config`, as packages/backend does. */
async function startAuth(config: Config) {
  // The database and the rest of the portal are not what is tested: an
  // in-memory SQLite database and the auth plugin with its sign-in modules.
  const data = config.get() as Record<string, any>;
  delete data.backend.database;
  delete data.backend.listen;
  delete data.backend.baseUrl;
  const backend = await startTestBackend({
    features: [
      authPlugin,
      signInProviders,
      createServiceFactory({
        service: coreServices.rootConfig,
        deps: {},
        factory: () =>
          ConfigReader.fromConfigs([{ context: 'test', data }]) as any,
      }),
    ],
  });
  const { port } = backend.server.address() as { port: number };
  return { backend, baseUrl: `http://localhost:${port}/api/auth` };
}

describe('sign-in safety of the production config', () => {
  const originalNodeEnv = process.env.NODE_ENV;

  afterEach(() => {
    process.env.NODE_ENV = originalNodeEnv;
  });

  it('turns guest and the example users off and GitHub on in app-config.production.yaml', async () => {
    const config = await loadPortalConfig(PRODUCTION);
    expect(config.getOptionalConfig('auth.providers.guest')).toBeUndefined();
    expect(config.getBoolean('auth.providers.exampleUser.enabled')).toBe(false);
    expect(config.getString('auth.environment')).toBe('production');
    expect(config.getString('auth.providers.github.production.clientId')).toBe(
      'Iv1.production-client',
    );
    expect(unsafeSignInKeys(config, 'production')).toEqual([]);
  });

  it('starts in production with GitHub sign-in from the environment, and no guest', async () => {
    process.env.NODE_ENV = 'production';
    const { backend, baseUrl } = await startAuth(
      await loadPortalConfig(PRODUCTION),
    );
    try {
      const start = await fetch(`${baseUrl}/github/start?env=production`, {
        redirect: 'manual',
      });
      expect(start.status).toBe(302);
      const location = new URL(start.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(
        'https://github.com/login/oauth/authorize',
      );
      expect(location.searchParams.get('client_id')).toBe(
        'Iv1.production-client',
      );

      // No guest provider, no example users.
      const guest = await fetch(`${baseUrl}/guest/refresh`, {
        headers: { 'x-requested-with': 'XMLHttpRequest' },
      });
      expect(guest.status).toBe(404);
      const example = await fetch(`${baseUrl}/exampleUser/refresh?user=carol`, {
        headers: { 'x-requested-with': 'XMLHttpRequest' },
      });
      expect(example.status).toBe(404);
    } finally {
      await backend.stop();
    }
  });

  it('refuses to start in production with guest turned back on, naming the key', async () => {
    process.env.NODE_ENV = 'production';
    const config = await loadPortalConfig(PRODUCTION, {
      auth: { providers: { guest: { userEntityRef: 'user:default/guest' } } },
    });
    expect(unsafeSignInKeys(config)).toEqual([
      'auth.providers.guest.dangerouslyAllowOutsideDevelopment',
    ]);
    await expect(startAuth(config)).rejects.toThrow(
      /auth\.providers\.guest\.dangerouslyAllowOutsideDevelopment/,
    );
  });

  it('refuses the embedded defaults alone in production: guest is on there', async () => {
    process.env.NODE_ENV = 'production';
    const config = await loadPortalConfig(['app-config.yaml']);
    expect(unsafeSignInKeys(config)).toEqual([
      'auth.providers.guest.dangerouslyAllowOutsideDevelopment',
      'auth.providers.exampleUser.dangerouslyAllowOutsideDevelopment',
    ]);
    await expect(startAuth(config)).rejects.toThrow(/Refusing to start/);
  });

  it('starts with guest when the dangerously… key is set knowingly', async () => {
    process.env.NODE_ENV = 'production';
    const { backend, baseUrl } = await startAuth(
      await loadPortalConfig(PRODUCTION, {
        auth: {
          providers: {
            guest: {
              userEntityRef: 'user:default/guest',
              dangerouslyAllowOutsideDevelopment: true,
            },
          },
        },
      }),
    );
    try {
      const guest = await fetch(`${baseUrl}/guest/refresh`, {
        headers: { 'x-requested-with': 'XMLHttpRequest' },
      });
      // The provider is registered (it needs the catalog to sign in, which
      // this backend does not run): anything but "no such provider".
      expect(guest.status).not.toBe(404);
    } finally {
      await backend.stop();
    }
  });

  it('keeps guest and the example users for npm start (development)', async () => {
    const config = await loadPortalConfig(['app-config.yaml']);
    expect(unsafeSignInKeys(config, 'development')).toEqual([]);
    expect(config.getOptionalConfig('auth.providers.guest')).toBeDefined();
    expect(config.getBoolean('auth.providers.exampleUser.enabled')).toBe(true);
  });
});

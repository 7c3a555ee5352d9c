import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { GithubClientFactory } from '../client/GithubClientFactory';
import { GithubModuleConfig, readGithubModuleConfig } from '../config';
import { GithubDeploymentProvider } from '../deployments/GithubDeploymentProvider';
import { FakeGithubServer } from './FakeGithubServer';

export const TOKEN = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';

/** The repository the provider tests read. */
export const REPO = 'acme/payments';

/** A 40-character commit sha numbered `n`. */
export const sha = (n: number) => `${n}`.padStart(40, 'c');

export function component(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

/** `component:default/payments`, annotated with {@link REPO}. */
export const payments = component('payments', {
  'github.com/project-slug': REPO,
});

/** The module's pieces pointed at the fake server through `integrations.github`. */
export function githubProviderFor(
  server: FakeGithubServer,
  options: {
    token?: string;
    releaseCoordinator?: object;
    logger?: ReturnType<typeof mockServices.logger.mock>;
  } = {},
): {
  provider: GithubDeploymentProvider;
  clients: GithubClientFactory;
  config: GithubModuleConfig;
} {
  const rootConfig = new ConfigReader({
    integrations: {
      github: [
        {
          host: 'github.com',
          apiBaseUrl: server.baseUrl,
          ...(options.token !== undefined
            ? options.token && { token: options.token }
            : { token: TOKEN }),
        },
      ],
    },
    ...(options.releaseCoordinator && {
      releaseCoordinator: options.releaseCoordinator,
    }),
  });
  const logger = options.logger ?? mockServices.logger.mock();
  const clients = GithubClientFactory.fromConfig(rootConfig, {
    logger,
    // One "second" of Retry-After is 1 ms here, so the tests stay fast.
    rateLimit: { retryAfterBaseMs: 1, maxWaitSeconds: 60, maxRetries: 3 },
  });
  const config = readGithubModuleConfig(rootConfig);
  return {
    provider: new GithubDeploymentProvider({
      clients,
      config,
      logger,
      // Dispatched runs are looked for three times, 1 ms apart.
      runDiscovery: { attempts: 3, intervalMs: 1 },
    }),
    clients,
    config,
  };
}

export function pullRequest(entity: Entity, cursor?: string) {
  return { entity, cursor, signal: new AbortController().signal };
}

import { ConfigReader } from '@backstage/config';
import { readArgoCdConfig } from './config';

type ConfigData = NonNullable<ConstructorParameters<typeof ConfigReader>[0]>;

const read = (argocd: ConfigData[string]) =>
  readArgoCdConfig(new ConfigReader({ releaseCoordinator: { argocd } }));

describe('readArgoCdConfig', () => {
  it('is empty without config', () => {
    expect(readArgoCdConfig(new ConfigReader({}))).toEqual({
      instances: [],
      environments: [],
      rollbackStartTimeoutMs: 10_000,
    });
  });

  it('reads instances and trims a trailing slash', () => {
    expect(
      read({
        instances: [
          { name: 'eu', url: 'https://argocd.eu.example.com/', token: 't1' },
          { name: 'us', url: 'http://argocd.us.internal', token: 't2' },
        ],
        rollbackStartTimeoutMs: 3000,
      }),
    ).toEqual({
      instances: [
        { name: 'eu', url: 'https://argocd.eu.example.com', token: 't1' },
        { name: 'us', url: 'http://argocd.us.internal', token: 't2' },
      ],
      environments: [],
      rollbackStartTimeoutMs: 3000,
    });
  });

  it('reads the configured environment names', () => {
    const config = new ConfigReader({
      releaseCoordinator: {
        environments: [{ name: 'staging' }, { name: 'production' }],
      },
    });
    expect(readArgoCdConfig(config).environments).toEqual([
      'staging',
      'production',
    ]);
  });

  it.each([
    [
      [{ name: 'a/b', url: 'https://x', token: 't' }],
      "Invalid config at 'releaseCoordinator.argocd.instances[0].name'",
    ],
    [
      [{ name: 'eu', url: 'argocd.example.com', token: 't' }],
      "Invalid config at 'releaseCoordinator.argocd.instances[0].url'",
    ],
    [
      [
        { name: 'eu', url: 'https://a', token: 't' },
        { name: 'eu', url: 'https://b', token: 't' },
      ],
      "the name 'eu' is used twice",
    ],
    [
      [{ name: 'eu', url: 'https://a' }],
      "Missing required config value at 'releaseCoordinator.argocd.instances[0].token'",
    ],
  ])('refuses %j', (instances, message) => {
    expect(() => read({ instances })).toThrow(message);
  });
});

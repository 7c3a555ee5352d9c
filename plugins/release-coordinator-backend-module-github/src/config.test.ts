import { ConfigReader } from '@backstage/config';
import { readGithubModuleConfig } from './config';

const read = (releaseCoordinator: object) =>
  readGithubModuleConfig(new ConfigReader({ releaseCoordinator }));

describe('readGithubModuleConfig', () => {
  it('has defaults for everything', () => {
    expect(read({})).toEqual({
      host: 'github.com',
      initialPullLimit: 100,
      maxCommitsPerDeployment: 250,
      workflows: [],
      checks: {},
    });
  });

  it('reads workflows, checks and the webhook secret', () => {
    expect(
      read({
        github: {
          host: 'ghe.acme.com',
          initialPullLimit: 20,
          maxCommitsPerDeployment: 1000,
          workflows: [
            {
              workflow: 'deploy.yml',
              environment: 'staging',
              entity: 'Component:default/Payments',
            },
            { workflow: '159038', repository: 'Acme/Payments' },
          ],
          checks: { 'tests-passing': ['unit', 'e2e'] },
        },
        webhooks: { github: { secret: 'abc' } },
      }),
    ).toEqual({
      host: 'ghe.acme.com',
      initialPullLimit: 20,
      // GitHub's compare returns at most 250 commits per page.
      maxCommitsPerDeployment: 250,
      workflows: [
        {
          workflow: 'deploy.yml',
          environment: 'staging',
          entity: 'component:default/payments',
        },
        {
          workflow: '159038',
          environment: 'production',
          repository: 'acme/payments',
        },
      ],
      checks: { 'tests-passing': ['unit', 'e2e'] },
      webhookSecret: 'abc',
    });
  });

  it.each([
    [
      { github: { initialPullLimit: 0 } },
      /initialPullLimit must be a positive integer/,
    ],
    [
      { github: { workflows: [{ workflow: '.github/workflows/deploy.yml' }] } },
      /workflows\[0\]\.workflow/,
    ],
    [
      {
        github: {
          workflows: [{ workflow: 'deploy.yml', repository: 'payments' }],
        },
      },
      /workflows\[0\]\.repository/,
    ],
    [
      { github: { checks: { 'db-migration-tested': ['x'] } } },
      /checks\.db-migration-tested/,
    ],
    [
      {
        github: {
          workflows: [{ workflow: 'deploy.yml', environment: 'e'.repeat(64) }],
        },
      },
      /workflows\[0\]\.environment/,
    ],
  ])('rejects bad values, naming the key (%#)', (config, message) => {
    expect(() => read(config)).toThrow(message);
  });
});

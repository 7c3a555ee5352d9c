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

  it('reads the rollback workflow', () => {
    expect(
      read({ github: { rollback: { workflow: 'rollback.yml' } } }),
    ).toMatchObject({
      rollback: { workflow: 'rollback.yml' },
    });
    expect(
      read({ github: { rollback: { workflow: ' 161335 ', ref: 'release' } } })
        .rollback,
    ).toEqual({ workflow: '161335', ref: 'release' });
    expect(read({}).rollback).toBeUndefined();
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
    [
      { github: { rollback: { workflow: '.github/workflows/rollback.yml' } } },
      /releaseCoordinator\.github\.rollback\.workflow must be a workflow file name/,
    ],
    [
      { github: { rollback: { workflow: 'rollback.yml', ref: 'my branch' } } },
      /releaseCoordinator\.github\.rollback\.ref/,
    ],
  ])('rejects bad values, naming the key (%#)', (config, message) => {
    expect(() => read(config)).toThrow(message);
  });
});

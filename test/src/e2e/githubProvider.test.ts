import { createHmac, randomUUID } from 'crypto';
import type { Deployment } from '@release-coordinator/backstage-plugin-common';
// The module's GitHub-speaking test server (docs/product.md §11), reused as-is: it is
// test-only code, not part of the module's published API, so it is imported
// by path rather than through the package's exports.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  FakeGithubServer,
  githubCommit,
  githubDeployment,
  githubDeploymentStatus,
  githubUser,
} from '../../../plugins/release-coordinator-backend-module-github/src/__testUtils__/FakeGithubServer';
import { Portal } from './portal';
import { sleep } from './processes';

const REPO = 'example-org/payments-api';
const SECRET = 'e2e-github-webhook-secret';
const TOKEN = 'test-token';
const DEPLOYMENTS_PATH =
  '/api/release-coordinator/entities/component/default/payments-api/deployments';
const WEBHOOK_PATH = '/api/release-coordinator/webhooks/github';

/** A 40-character hex commit sha numbered `n`. */
const sha = (n: number) => `${n}`.padStart(40, 'a');

/**
 * End-to-end: the real portal backend with the GitHub module pointed (via
 * `integrations.github[].apiBaseUrl`) at a local server speaking GitHub's
 * REST API, pulling on a fast schedule and receiving signed webhooks.
 */
describe('GitHub module against a local GitHub-speaking server', () => {
  let github: FakeGithubServer;
  let portal: Portal;
  let token: string;

  beforeAll(async () => {
    github = new FakeGithubServer();
    await github.start();
    const repo = github.repo(REPO);
    repo.commits.push(
      githubCommit({
        repo: REPO,
        sha: sha(1),
        committedAt: '2026-11-20T09:00:00Z',
      }),
      githubCommit({
        repo: REPO,
        sha: sha(2),
        committedAt: '2026-11-21T09:00:00Z',
      }),
      githubCommit({
        repo: REPO,
        sha: sha(3),
        committedAt: '2026-11-22T09:00:00Z',
      }),
    );
    // Three deployments: with GitHub's page size capped at 2 by the fake
    // server, the provider has to follow the Link header to see them all.
    repo.deployments.push(
      githubDeployment({
        repo: REPO,
        id: 9001,
        sha: sha(1),
        createdAt: '2026-11-20T10:00:00Z',
        payload: { version: '1.4.0-gh' },
      }),
      githubDeployment({
        repo: REPO,
        id: 9002,
        sha: sha(2),
        environment: 'staging',
        createdAt: '2026-11-21T10:00:00Z',
        payload: { version: '1.5.0-gh' },
      }),
      githubDeployment({
        repo: REPO,
        id: 9003,
        sha: sha(3),
        createdAt: '2026-11-22T10:00:00Z',
        payload: { version: '1.6.0-gh' },
      }),
    );
    const status = (
      deploymentId: number,
      id: number,
      state: string,
      at: string,
    ) =>
      githubDeploymentStatus({
        repo: REPO,
        deploymentId,
        id,
        state,
        createdAt: at,
        environment: deploymentId === 9002 ? 'staging' : 'production',
      });
    repo.statuses.set(9001, [
      status(9001, 1, 'in_progress', '2026-11-20T10:01:00Z'),
      status(9001, 2, 'success', '2026-11-20T10:05:00Z'),
    ]);
    repo.statuses.set(9002, [
      status(9002, 3, 'failure', '2026-11-21T10:04:00Z'),
    ]);
    repo.statuses.set(9003, [
      status(9003, 4, 'queued', '2026-11-22T10:00:30Z'),
    ]);

    portal = await Portal.create({
      extraEnv: {
        APP_CONFIG_integrations: JSON.stringify({
          github: [
            { host: 'github.com', apiBaseUrl: github.baseUrl, token: TOKEN },
          ],
        }),
        APP_CONFIG_releaseCoordinator_webhooks_github_secret:
          JSON.stringify(SECRET),
        APP_CONFIG_releaseCoordinator_schedule_providers_github: JSON.stringify(
          {
            frequency: { seconds: 5 },
            initialDelay: { seconds: 2 },
          },
        ),
      },
    });
    await portal.start();
    token = await portal.guestToken();
  });

  afterAll(async () => {
    await portal?.stop();
    portal?.cleanup();
    await github?.stop();
  });

  /** Every deployment of payments-api (all sources), following the cursor. */
  async function listDeployments(): Promise<Deployment[]> {
    const all: Deployment[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: '500' });
      if (cursor) {
        query.set('cursor', cursor);
      }
      const response = await fetch(
        `${portal.baseUrl}${DEPLOYMENTS_PATH}?${query}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      if (!response.ok) {
        throw new Error(
          `deployments list: ${response.status} ${await response.text()}`,
        );
      }
      const body = (await response.json()) as {
        items: Deployment[];
        nextCursor?: string;
      };
      all.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    return all;
  }

  async function githubDeployments(): Promise<Deployment[]> {
    return (await listDeployments()).filter(d => d.source === 'github');
  }

  /** Polls until `check` holds for the github deployments, or fails with them. */
  async function waitForGithubDeployments(
    check: (deployments: Deployment[]) => boolean,
    timeoutMs = 60_000,
  ): Promise<Deployment[]> {
    const deadline = Date.now() + timeoutMs;
    let last: Deployment[] = [];
    while (Date.now() < deadline) {
      last = await githubDeployments();
      if (check(last)) {
        return last;
      }
      await sleep(1000);
    }
    throw new Error(
      `github deployments never matched; last: ${JSON.stringify(
        last,
        null,
        2,
      )}\nlogs:\n${portal.logs.slice(-5000)}`,
    );
  }

  function deploymentStatusDelivery(options: {
    deploymentId: number;
    state: string;
  }) {
    const deployment = githubDeployment({
      repo: REPO,
      id: options.deploymentId,
      sha: sha(3),
      createdAt: '2026-11-22T10:00:00Z',
      payload: { version: '1.6.0-gh' },
    });
    const deploymentStatus = githubDeploymentStatus({
      repo: REPO,
      deploymentId: options.deploymentId,
      id: 50 + options.deploymentId,
      state: options.state,
      createdAt: '2026-11-22T10:07:00Z',
    });
    return JSON.stringify({
      action: 'created',
      deployment_status: deploymentStatus,
      deployment,
      repository: {
        id: 1296269,
        node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
        name: 'payments-api',
        full_name: REPO,
        private: true,
        owner: { ...githubUser('example-org'), type: 'Organization' },
        html_url: `https://github.com/${REPO}`,
        url: `https://api.github.com/repos/${REPO}`,
        default_branch: 'main',
      },
      sender: githubUser('octocat'),
    });
  }

  async function deliver(options: {
    body: string;
    deliveryId: string;
    secret: string;
  }) {
    const signature = `sha256=${createHmac('sha256', options.secret)
      .update(options.body)
      .digest('hex')}`;
    return fetch(`${portal.baseUrl}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/e2e',
        'x-github-event': 'deployment_status',
        'x-github-delivery': options.deliveryId,
        'x-github-hook-id': '292430182',
        'x-hub-signature-256': signature,
      },
      body: options.body,
    });
  }

  it('pulls deployments and their statuses through the REST API', async () => {
    const pulled = await waitForGithubDeployments(
      deployments => deployments.length >= 3,
    );
    const byExternalId = new Map(pulled.map(d => [d.externalId, d]));
    expect(pulled).toHaveLength(3);
    expect(byExternalId.get('deployment-9001')).toMatchObject({
      entityRef: 'component:default/payments-api',
      environment: 'production',
      source: 'github',
      version: '1.4.0-gh',
      commitSha: sha(1),
      status: 'succeeded',
      finishedAt: '2026-11-20T10:05:00.000Z',
      initiator: 'octocat',
    });
    expect(byExternalId.get('deployment-9002')).toMatchObject({
      environment: 'staging',
      version: '1.5.0-gh',
      commitSha: sha(2),
      status: 'failed',
    });
    expect(byExternalId.get('deployment-9003')).toMatchObject({
      environment: 'production',
      version: '1.6.0-gh',
      commitSha: sha(3),
      status: 'queued',
    });

    // It read GitHub with the configured token and followed Link pagination.
    const listRequests = github.requestsTo(
      /^\/repos\/example-org\/payments-api\/deployments$/,
    );
    expect(listRequests.length).toBeGreaterThan(0);
    expect(listRequests.some(r => r.query.get('page') === '2')).toBe(true);
    expect(
      listRequests.every(r => r.headers.authorization === `token ${TOKEN}`),
    ).toBe(true);
    expect(
      github.requestsTo(
        /^\/repos\/example-org\/payments-api\/deployments\/9001\/statuses$/,
      ).length,
    ).toBeGreaterThan(0);
  });

  it('takes signed deployment_status webhooks once and rejects bad signatures', async () => {
    const deliveryId = randomUUID();
    const body = deploymentStatusDelivery({
      deploymentId: 9003,
      state: 'success',
    });

    const first = await deliver({ body, deliveryId, secret: SECRET });
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ duplicate: false });

    const updated = await waitForGithubDeployments(deployments =>
      deployments.some(
        d => d.externalId === 'deployment-9003' && d.status === 'succeeded',
      ),
    );
    expect(updated.filter(d => d.externalId === 'deployment-9003')).toEqual([
      expect.objectContaining({
        status: 'succeeded',
        finishedAt: '2026-11-22T10:07:00.000Z',
        version: '1.6.0-gh',
      }),
    ]);

    const again = await deliver({ body, deliveryId, secret: SECRET });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    const afterDuplicate = await githubDeployments();
    expect(
      afterDuplicate.filter(d => d.externalId === 'deployment-9003'),
    ).toHaveLength(1);

    // A delivery of a deployment GitHub's API does not list, badly signed.
    const forged = await deliver({
      body: deploymentStatusDelivery({ deploymentId: 9099, state: 'success' }),
      deliveryId: randomUUID(),
      secret: 'not-the-secret',
    });
    expect(forged.status).toBe(401);
    // Give a wrongly accepted delivery time to be stored before looking.
    await sleep(2000);
    const afterForged = await githubDeployments();
    expect(afterForged.map(d => d.externalId).sort()).toEqual([
      'deployment-9001',
      'deployment-9002',
      'deployment-9003',
    ]);
  });

  it('stores a signed delivery of a deployment the pulls have not seen', async () => {
    const response = await deliver({
      body: deploymentStatusDelivery({
        deploymentId: 9100,
        state: 'in_progress',
      }),
      deliveryId: randomUUID(),
      secret: SECRET,
    });
    expect(response.status).toBe(202);
    const deployments = await waitForGithubDeployments(found =>
      found.some(d => d.externalId === 'deployment-9100'),
    );
    expect(
      deployments.find(d => d.externalId === 'deployment-9100'),
    ).toMatchObject({
      source: 'github',
      environment: 'production',
      status: 'in_progress',
      commitSha: sha(3),
    });
  });
});

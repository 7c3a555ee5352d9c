import type {
  Deployment,
  Incident,
  Rollback,
} from '@release-coordinator/backstage-plugin-common';
// The module's GitHub-speaking test server (docs/product.md §11), imported by path as
// in githubProvider.test.ts: test-only code, not part of its API.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  FakeGithubServer,
  githubCommit,
  githubDeployment,
  githubDeploymentStatus,
} from '../../../plugins/release-coordinator-backend-module-github/src/__testUtils__/FakeGithubServer';
import { AlertmanagerServer } from './alertmanagerServer';
import { Portal } from './portal';
import { sleep, waitFor } from './processes';
import { GaugeEndpoint, PrometheusServer } from './prometheus';

/**
 * The automated-rollback chain, end to end (issue #5, docs/product.md §5 and §11):
 * Debian's Prometheus scrapes an error-ratio gauge of payments-api and
 * evaluates a critical rule; Debian's Alertmanager sends the firing alert
 * to the portal backend's webhook; the incident starts right after a
 * production deployment that the GitHub module pulled from a local
 * GitHub-speaking server, so the backend rolls it back through that
 * server's `workflow_dispatch`, exactly once however often Alertmanager
 * repeats the alert. When the gauge recovers, the resolved notification
 * resolves the incident.
 */

const REPO = 'example-org/payments-api';
const ENTITY_PATH = 'component/default/payments-api';
const ENTITY_REF = 'component:default/payments-api';
const ALERT = 'PaymentsApiHighErrorRate';
const ALERTMANAGER_TOKEN = 'e2e-chain-alertmanager-token';
const AUTOMATION_ACTOR = 'release-coordinator:automation';

/** A 40-character hex commit sha numbered `n`. */
const sha = (n: number) => `${n}`.padStart(40, 'b');

const ago = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString();

describe('automated rollback: Prometheus rule → Alertmanager → incident → one GitHub rollback', () => {
  let github: FakeGithubServer;
  let gauge: GaugeEndpoint;
  let portal: Portal;
  let alertmanager: AlertmanagerServer | undefined;
  let prometheus: PrometheusServer | undefined;
  let token: string;

  const logs = () =>
    [
      prometheus?.logs() ?? '',
      alertmanager?.logs() ?? '',
      `--- backend ---\n${portal?.logs.slice(-6000)}`,
    ].join('\n');

  async function get<T>(route: string): Promise<T> {
    const response = await fetch(
      `${portal.baseUrl}/api/release-coordinator${route}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (!response.ok) {
      throw new Error(`${route}: ${response.status} ${await response.text()}`);
    }
    return (await response.json()) as T;
  }

  const deployments = async () =>
    (
      await get<{ items: Deployment[] }>(
        `/entities/${ENTITY_PATH}/deployments?environment=production&limit=100`,
      )
    ).items.filter(d => d.source === 'github');
  const incidents = async () =>
    (
      await get<{ items: Incident[] }>(
        `/entities/${ENTITY_PATH}/incidents?limit=100`,
      )
    ).items.filter(i => i.source === 'alertmanager');
  const rollbacks = async () =>
    (await get<{ items: Rollback[] }>(`/entities/${ENTITY_PATH}/rollbacks`))
      .items;
  const dispatches = () =>
    github
      .requestsTo(/\/actions\/workflows\/[^/]+\/dispatches$/)
      .filter(request => request.method === 'POST');

  beforeAll(async () => {
    // Missing binaries fail the suite before anything starts.
    PrometheusServer.binary();
    AlertmanagerServer.binary();

    github = new FakeGithubServer();
    await github.start();
    const repo = github.repo(REPO);
    repo.commits.push(
      githubCommit({ repo: REPO, sha: sha(1), committedAt: ago(26 * 60) }),
      githubCommit({ repo: REPO, sha: sha(2), committedAt: ago(30) }),
    );
    // 1.0.0 yesterday, then 1.1.0 finished two minutes ago: the deployment
    // the alert will be blamed on.
    repo.deployments.push(
      githubDeployment({
        repo: REPO,
        id: 9101,
        sha: sha(1),
        createdAt: ago(24 * 60),
        payload: { version: '1.0.0' },
      }),
      githubDeployment({
        repo: REPO,
        id: 9102,
        sha: sha(2),
        createdAt: ago(5),
        payload: { version: '1.1.0' },
      }),
    );
    repo.statuses.set(9101, [
      githubDeploymentStatus({
        repo: REPO,
        deploymentId: 9101,
        id: 1,
        state: 'success',
        createdAt: ago(24 * 60 - 5),
      }),
    ]);
    repo.statuses.set(9102, [
      githubDeploymentStatus({
        repo: REPO,
        deploymentId: 9102,
        id: 2,
        state: 'success',
        createdAt: ago(2),
      }),
    ]);
    repo.workflows.push({
      id: 161335,
      file: 'rollback.yml',
      name: 'Rollback',
      dispatchInputs: Object.fromEntries(
        [
          'entity',
          'environment',
          'version',
          'sha',
          'reason',
          'idempotency_key',
        ].map(input => [input, { required: true }]),
      ),
      runName:
        'Rollback ${{ inputs.entity }} in ${{ inputs.environment }} to ${{ inputs.version }} [${{ inputs.idempotency_key }}]',
    });

    gauge = new GaugeEndpoint(
      'http_requests_error_ratio',
      'Share of requests that failed.',
      { service: 'payments-api' },
    );
    await gauge.start();

    portal = await Portal.create({
      extraEnv: {
        APP_CONFIG_integrations: JSON.stringify({
          github: [
            { host: 'github.com', apiBaseUrl: github.baseUrl, token: 'e2e' },
          ],
        }),
        APP_CONFIG_releaseCoordinator_github: JSON.stringify({
          rollback: { workflow: 'rollback.yml' },
        }),
        APP_CONFIG_releaseCoordinator_schedule_providers_github: JSON.stringify(
          { frequency: { seconds: 2 }, initialDelay: { seconds: 1 } },
        ),
        // Only GitHub's history: no demo deployments or incidents.
        APP_CONFIG_releaseCoordinator_demo_enabled: 'false',
        APP_CONFIG_releaseCoordinator_environments: JSON.stringify([
          { name: 'staging' },
          {
            name: 'production',
            requiredApprovals: 1,
            approvers: ['owner'],
            watchWindow: { minutes: 60 },
            automatedRollback: { enabled: true },
          },
        ]),
        APP_CONFIG_releaseCoordinator_webhooks_alertmanager_token:
          JSON.stringify(ALERTMANAGER_TOKEN),
      },
    });
    await portal.start();
    token = await portal.guestToken();

    const backendPort = new URL(portal.baseUrl).port;
    alertmanager = await AlertmanagerServer.start({
      webhookUrl: `http://127.0.0.1:${backendPort}/api/release-coordinator/webhooks/alertmanager`,
      token: ALERTMANAGER_TOKEN,
      groupBy: ['alertname', 'service'],
      // A still-firing alert is sent again every 2 s.
      repeatInterval: '2s',
    });
    prometheus = await PrometheusServer.start({
      scrapeTargets: [gauge.address],
      alertmanagerAddress: alertmanager.address,
      rules: [
        {
          alert: ALERT,
          expr: 'http_requests_error_ratio{service="payments-api"} > 0.05',
          for: '0s',
          labels: { severity: 'critical', environment: 'production' },
          annotations: { summary: 'payments-api error ratio above 5%' },
        },
      ],
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await portal?.stop();
    portal?.cleanup();
    await gauge?.stop();
    await github?.stop();
  });

  it('rolls back once when the alert fires, and resolves the incident when it clears', async () => {
    // The GitHub module pulled the production history.
    await waitFor(
      'the production deployments pulled from GitHub',
      async () => {
        const pulled = await deployments();
        return pulled.some(
          d => d.version === '1.1.0' && d.status === 'succeeded',
        )
          ? pulled
          : undefined;
      },
      logs,
    );

    // The service starts failing.
    gauge.value = 0.42;
    const incident = await waitFor(
      'the critical incident from Alertmanager',
      async () =>
        (await incidents()).find(i => i.title.includes('error ratio')),
      logs,
    );
    expect(incident).toMatchObject({
      entityRef: ENTITY_REF,
      severity: 'critical',
      environment: 'production',
      title: 'payments-api error ratio above 5%',
    });
    expect(incident.resolvedAt).toBeUndefined();

    // One rollback reaches GitHub: the rollback workflow, dispatched with
    // the previous good version.
    const [dispatch] = await waitFor(
      'the rollback dispatch at the GitHub server',
      async () => (dispatches().length > 0 ? dispatches() : undefined),
      logs,
    );
    expect(dispatch.path).toBe(
      `/repos/${REPO}/actions/workflows/rollback.yml/dispatches`,
    );
    expect(dispatch.body).toEqual({
      ref: 'main',
      inputs: {
        entity: ENTITY_REF,
        environment: 'production',
        version: '1.0.0',
        sha: sha(1),
        reason: expect.stringMatching(
          /^Automated: critical incident "payments-api error ratio above 5%" started \d+ min after 1\.1\.0 was deployed$/,
        ),
        idempotency_key: expect.stringMatching(/^auto:/),
      },
      return_run_details: true,
    });
    const [rollback] = await waitFor(
      'the automated rollback to be running',
      async () => {
        const found = await rollbacks();
        return found.some(r => r.state === 'running') ? found : undefined;
      },
      logs,
    );
    expect(rollback).toMatchObject({
      environment: 'production',
      automated: true,
      initiator: AUTOMATION_ACTOR,
      incidentId: incident.id,
      fromVersion: '1.1.0',
      targetVersion: '1.0.0',
      provider: 'github',
    });

    // Alertmanager keeps repeating the firing alert; nothing more happens.
    const sent = await alertmanager!.webhookNotificationsSent();
    await waitFor(
      'two more Alertmanager notifications',
      async () =>
        (await alertmanager!.webhookNotificationsSent()) >= sent + 2
          ? true
          : undefined,
      logs,
    );
    expect(dispatches()).toHaveLength(1);
    expect(await rollbacks()).toHaveLength(1);
    expect(await incidents()).toHaveLength(1);

    // The rollback run succeeds on GitHub: the next pull finishes it.
    const [run] = github.repo(REPO).runs.get('rollback.yml') ?? [];
    Object.assign(run, {
      status: 'completed',
      conclusion: 'success',
      updated_at: new Date().toISOString(),
    });
    await waitFor(
      'the rollback to succeed',
      async () =>
        (await rollbacks())[0]?.state === 'succeeded' ? true : undefined,
      logs,
    );
    const history = await deployments();
    expect(history.find(d => d.kind === 'rollback')).toMatchObject({
      externalId: `run-${run.id}`,
      version: '1.0.0',
      status: 'succeeded',
    });

    // The service recovers: the resolved notification resolves the incident.
    gauge.value = 0;
    const resolved = await waitFor(
      'the incident to be resolved',
      async () => {
        const found = (await incidents()).find(i => i.id === incident.id);
        return found?.resolvedAt ? found : undefined;
      },
      logs,
    );
    expect(Date.parse(resolved.resolvedAt!)).toBeGreaterThanOrEqual(
      Date.parse(incident.startedAt),
    );
    // Still the one rollback call.
    await sleep(1000);
    expect(dispatches()).toHaveLength(1);
  });
});

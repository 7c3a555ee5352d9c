import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Portal } from './portal';

const ENTITY = 'component:default/payments-api';
const VERSION = '3.13.0-e2e-mcp';
const COMMIT_SHA = '9e1d2c3b4a5f60718293a4b5c6d7e8f901234567';
/** The static external-access token of the portal's CI (a service principal). */
const CI_TOKEN = 'e2e-mcp-ci-token-0123456789abcdef';
const TOOL = (name: string) => `release-coordinator.${name}`;

type ToolResult = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
};

/**
 * An AI agent's view of the portal: `@modelcontextprotocol/sdk`'s client over
 * Streamable HTTP against the started portal backend's MCP server
 * (`/api/mcp-actions/v1`, @backstage/plugin-mcp-actions-backend), signed in as
 * real users of the demo catalog. The separation-of-duties, permission and
 * idempotency rules are the portal's own (docs/agents.md).
 */
describe('Release actions over MCP (real MCP client)', () => {
  let portal: Portal;
  const clients: Client[] = [];

  beforeAll(async () => {
    portal = await Portal.create({
      extraEnv: {
        APP_CONFIG_backend_auth_externalAccess: JSON.stringify([
          {
            type: 'static',
            options: { token: CI_TOKEN, subject: 'e2e-mcp-ci' },
          },
        ]),
      },
    });
    await portal.start();
    await demoDataReady();
  });

  /**
   * Waits until the demo module has seeded payments-api's deployments and
   * the catalog has stitched its ownership (the policy's owner condition
   * reads the `ownedBy` relation), as a user would find the portal.
   */
  async function demoDataReady(): Promise<void> {
    const headers = { authorization: `Bearer ${await portal.guestToken()}` };
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const [deployments, entity] = await Promise.all([
        fetch(
          `${portal.baseUrl}/api/release-coordinator/entities/component/default/payments-api/deployments?environment=staging&limit=2`,
          { headers },
        ).then(r => (r.ok ? r.json() : { items: [] })),
        fetch(
          `${portal.baseUrl}/api/catalog/entities/by-name/component/default/payments-api`,
          { headers },
        ).then(
          r =>
            (r.ok ? r.json() : {}) as Promise<{
              relations?: Array<{ type: string }>;
            }>,
        ),
      ]);
      const owned = (entity.relations ?? []).some(r => r.type === 'ownedBy');
      if (deployments.items.length >= 2 && owned) {
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
    throw new Error(`demo data did not appear in time:\n${portal.logs}`);
  }

  afterAll(async () => {
    await Promise.all(clients.map(c => c.close().catch(() => undefined)));
    await portal?.stop();
    portal?.cleanup();
  });

  async function connect(token: string): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(
      new URL(`${portal.baseUrl}/api/mcp-actions/v1`),
      { requestInit: { headers: { authorization: `Bearer ${token}` } } },
    );
    const client = new Client({
      name: 'release-coordinator-e2e',
      version: '1.0.0',
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  async function call(
    client: Client,
    name: string,
    args: Record<string, unknown>,
  ): Promise<ToolResult> {
    return (await client.callTool({
      name: TOOL(name),
      arguments: args,
    })) as ToolResult;
  }

  /** The output of a tool call that must succeed. */
  async function ok<T = Record<string, any>>(
    client: Client,
    name: string,
    args: Record<string, unknown>,
  ): Promise<T> {
    const result = await call(client, name, args);
    if (result.isError) {
      throw new Error(`${name} failed: ${result.content[0]?.text}`);
    }
    return JSON.parse(result.content[0].text!) as T;
  }

  let guest: Client;
  let carol: Client;
  let ci: Client;
  let releaseId: string;

  it('lists our tools with their attributes', async () => {
    guest = await connect(await portal.guestToken());
    const { tools } = await guest.listTools();
    const ours = Object.fromEntries(
      tools
        .filter(t => t.name.startsWith('release-coordinator.'))
        .map(t => [t.name, t.annotations]),
    );
    expect(Object.keys(ours).sort()).toEqual(
      [
        'create-release',
        'decide-release',
        'get-delivery-metrics',
        'get-deploy-gate',
        'get-environments',
        'get-release',
        'get-release-readiness',
        'list-deployments',
        'list-releases',
        'record-evidence',
        'roll-back',
        'update-checklist-item',
      ].map(TOOL),
    );
    expect(ours[TOOL('get-release-readiness')]).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
    });
    expect(ours[TOOL('roll-back')]).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
    });
  });

  it('creates a release as guest and reads its readiness', async () => {
    const created = await ok<{ release: { id: string; createdBy: string } }>(
      guest,
      'create-release',
      {
        entityRef: ENTITY,
        version: VERSION,
        environment: 'production',
        commitSha: COMMIT_SHA,
        plan: {
          strategy: 'blue-green',
          zeroDowntime: true,
          hasDatabaseMigrations: false,
          hasConfigChanges: false,
        },
      },
    );
    releaseId = created.release.id;
    expect(created.release.createdBy).toBe('user:default/guest');

    const readiness = await ok(guest, 'get-release-readiness', {
      entityRef: ENTITY,
      environment: 'production',
    });
    expect(readiness).toMatchObject({
      decision: 'blocked',
      release: { id: releaseId, version: VERSION },
    });
    expect(readiness.missing.length).toBeGreaterThan(0);
  });

  it('takes evidence from CI over MCP, refusing it from a user', async () => {
    const items = [
      'tests-passing',
      'security-scan',
      'secrets-not-exposed',
      'image-scanned',
      'team-communication-sent',
    ].map(itemId => ({
      itemId,
      status: 'passed',
      source: 'ci',
      commitSha: COMMIT_SHA,
    }));
    items.push({
      itemId: 'code-coverage',
      status: 'passed',
      source: 'ci',
      commitSha: COMMIT_SHA,
      value: '91',
    } as never);

    const refused = await call(guest, 'record-evidence', { releaseId, items });
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toMatch(/^NotAllowedError/);

    ci = await connect(CI_TOKEN);
    await ok(ci, 'record-evidence', { releaseId, items });
    for (const itemId of [
      'deployment-plan-documented',
      'rollback-procedure-tested',
      'monitoring-alerts-configured',
    ]) {
      await ok(guest, 'update-checklist-item', {
        releaseId,
        itemId,
        status: 'passed',
        evidenceUrl: `https://wiki.example.com/payments-api/${itemId}`,
      });
    }
    const readiness = await ok(guest, 'get-release-readiness', {
      entityRef: ENTITY,
      environment: 'production',
    });
    expect(readiness).toMatchObject({
      decision: 'awaiting-approval',
      missing: [],
      approvals: { remaining: 1 },
    });
    expect(readiness.approvers.excluded).toContain('user:default/guest');
  });

  it('refuses the creator’s approval (separation of duties), then carol approves', async () => {
    const refused = await call(guest, 'decide-release', {
      releaseId,
      decision: 'approve',
    });
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toMatch(
      /NotAllowedError: .*separation of duties/,
    );
    const unchanged = await ok(guest, 'get-release', { releaseId });
    expect(unchanged.release.state).toBe('ready');

    carol = await connect(await portal.userToken('carol'));
    const approved = await ok(carol, 'decide-release', {
      releaseId,
      decision: 'approve',
      comment: 'Approved by SRE through an agent',
    });
    expect(approved.release.state).toBe('approved');
    expect(approved.approvals).toEqual([
      expect.objectContaining({
        approver: 'user:default/carol',
        decision: 'approve',
      }),
    ]);
    const readiness = await ok(carol, 'get-release-readiness', {
      entityRef: ENTITY,
      environment: 'production',
    });
    expect(readiness.decision).toBe('approved');
  });

  it('rolls back with an idempotency key twice: one rollback', async () => {
    const input = {
      entityRef: ENTITY,
      environment: 'staging',
      reason: 'e2e: agent rolls back after a bad deploy',
      idempotencyKey: `e2e-mcp-${Date.now()}`,
    };
    const first = await ok(guest, 'roll-back', input);
    const second = await ok(guest, 'roll-back', input);
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({
      environment: 'staging',
      initiator: 'user:default/guest',
      reason: input.reason,
    });

    // The portal's own API sees exactly one rollback under that reason.
    const response = await fetch(
      `${portal.baseUrl}/api/release-coordinator/entities/component/default/payments-api/rollbacks?environment=staging`,
      { headers: { authorization: `Bearer ${await portal.guestToken()}` } },
    );
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as {
      items: Array<{ id: string; reason: string }>;
    };
    expect(items.filter(r => r.reason === input.reason)).toEqual([
      expect.objectContaining({ id: first.id }),
    ]);
  });

  it('reads delivery metrics and deployment history', async () => {
    const metrics = await ok(guest, 'get-delivery-metrics', {
      entityRef: ENTITY,
      window: '30d',
    });
    expect(metrics.metrics.deploymentFrequency.count).toBeGreaterThan(0);
    const history = await ok(guest, 'list-deployments', {
      entityRef: ENTITY,
      environment: 'production',
      limit: 5,
    });
    expect(history.items).toHaveLength(5);
    const bad = await call(guest, 'get-delivery-metrics', {
      entityRef: ENTITY,
      window: '900d',
    });
    expect(bad.isError).toBe(true);
    expect(bad.content[0].text).toMatch(/^InputError: .*window/);
  });
});

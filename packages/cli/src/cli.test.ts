import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import releaseCoordinatorPlugin from '@release-coordinator/backstage-plugin-backend';
import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { CliIo, entityPath, EXIT, main, parseDuration } from './cli';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const COMMIT = 'a1b2c3d4e5f6';
const ENTITY = 'component:default/payments-api';

const config = {
  releaseCoordinator: {
    environments: [
      { name: 'staging' },
      {
        name: 'production',
        requiredApprovals: 1,
        approvers: ['group:default/sre'],
      },
    ],
    checklist: { coverageThreshold: 80, rollbackRehearsalMaxAgeDays: 30 },
    freezeWindows: [],
  },
};

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

const groupsOf: Record<string, string[]> = {
  'user:default/carol': ['group:default/team-a'],
  'user:default/dave': ['group:default/sre'],
};

const userInfo = mockServices.userInfo.mock({
  getUserInfo: async credentials => {
    const ref = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return {
      userEntityRef: ref,
      ownershipEntityRefs: [ref, ...(groupsOf[ref] ?? [])],
    };
  },
});

/** An io that records output, with a clock that moves only when sleeping. */
function testIo(
  env: Record<string, string | undefined>,
  onSleep: (call: number) => Promise<void> = async () => {},
) {
  const out: string[] = [];
  const err: string[] = [];
  let clock = 0;
  let sleeps = 0;
  const io: CliIo = {
    env,
    out: line => out.push(line),
    err: line => err.push(line),
    fetch: globalThis.fetch,
    sleep: async ms => {
      clock += ms;
      sleeps += 1;
      await onSleep(sleeps);
    },
    now: () => clock,
  };
  return { io, out, err, sleeps: () => sleeps };
}

describe('release-coordinator CLI against a running backend', () => {
  let url: string;
  let stop: () => Promise<void>;
  const env = () => ({
    RELEASE_COORDINATOR_URL: url,
    RELEASE_COORDINATOR_TOKEN: mockCredentials.service.token(),
  });

  async function api(
    method: string,
    route: string,
    body: unknown,
    as: string = mockCredentials.service.header(),
  ) {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: as },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  /** Passes every checklist item of the release, as CI and the team would. */
  async function makeReady(id: string) {
    const evidence = await api('POST', `/releases/${id}/evidence`, {
      items: [
        'tests-passing',
        'security-scan',
        'secrets-not-exposed',
        'image-scanned',
        'team-communication-sent',
      ]
        .map(itemId => ({
          itemId,
          status: 'passed',
          source: 'ci',
          commitSha: COMMIT,
        }))
        .concat([
          {
            itemId: 'code-coverage',
            status: 'passed',
            source: 'ci',
            commitSha: COMMIT,
            value: '88',
          } as never,
        ]),
    });
    expect(evidence.status).toBe(200);
    for (const itemId of [
      'deployment-plan-documented',
      'rollback-procedure-tested',
      'monitoring-alerts-configured',
    ]) {
      const attested = await api(
        'PUT',
        `/releases/${id}/checklist/${itemId}`,
        { status: 'passed', evidenceUrl: `https://wiki.example.com/${itemId}` },
        mockCredentials.user.header('user:default/carol'),
      );
      expect(attested.status).toBe(200);
    }
  }

  async function approve(id: string) {
    const approved = await api(
      'POST',
      `/releases/${id}/approvals`,
      { decision: 'approve' },
      mockCredentials.user.header('user:default/dave'),
    );
    expect(approved.status).toBe(201);
    expect(approved.body.release.state).toBe('approved');
  }

  /** `release create` through the CLI; the created release's id. */
  async function createRelease(version: string): Promise<string> {
    const { io, out } = testIo(env());
    const code = await main(
      [
        'release',
        'create',
        '--entity',
        ENTITY,
        '--environment',
        'production',
        '--version',
        version,
        '--commit',
        COMMIT,
        '--strategy',
        'blue-green',
        '--zero-downtime',
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    const details = JSON.parse(out[0]);
    expect(details.release).toMatchObject({
      version,
      environment: 'production',
      commitSha: COMMIT,
      state: 'draft',
      plan: { strategy: 'blue-green', zeroDowntime: true },
    });
    return details.release.id;
  }

  const gateArgs = (version: string, ...extra: string[]) => [
    'gate',
    '--entity',
    ENTITY,
    '--environment',
    'production',
    '--version',
    version,
    '--commit',
    COMMIT,
    ...extra,
  ];

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    const backend = await startTestBackend({
      features: [
        releaseCoordinatorPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({ data: config }),
        catalogServiceMock.factory({ entities: [entity] }),
        userInfo.factory,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    url = `http://127.0.0.1:${backend.server.port()}/api/release-coordinator`;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
  });

  it('exits 1 with the reasons when denied, 0 once approved', async () => {
    const id = await createRelease('3.13.0');
    const denied = testIo(env());
    expect(await main(gateArgs('3.13.0'), denied.io)).toBe(EXIT.denied);
    expect(denied.out[0]).toBe(`DENIED: release 3.13.0 (${id}, draft)`);
    expect(denied.out[1]).toMatch(
      /^ {2}- \[not-approved\] .*group:default\/sre/,
    );

    await makeReady(id);
    await approve(id);
    const allowed = testIo(env());
    expect(await main(gateArgs('3.13.0'), allowed.io)).toBe(EXIT.allowed);
    expect(allowed.out[0]).toBe(`ALLOWED: release 3.13.0 (${id}, approved)`);
  });

  it('--wait polls until the approval arrives', async () => {
    const id = await createRelease('3.14.0');
    await makeReady(id);
    const waiting = testIo(env(), async call => {
      // The approver acts while the pipeline waits (after the 2nd check).
      if (call === 2) await approve(id);
    });
    const code = await main(
      gateArgs('3.14.0', '--wait', '--interval', '5s', '--timeout', '1h'),
      waiting.io,
    );
    expect(code).toBe(EXIT.allowed);
    expect(waiting.sleeps()).toBe(2);
    // The reason was printed once while waiting, then the answer.
    expect(waiting.out.filter(line => line.startsWith('DENIED'))).toHaveLength(
      1,
    );
    expect(waiting.out.slice(-2)).toEqual([
      `ALLOWED: release 3.14.0 (${id}, approved)`,
      expect.stringMatching(/^ {2}- \[approved\] /),
    ]);
  });

  it('--wait stops at once when the release was rejected', async () => {
    const id = await createRelease('3.16.0');
    const rejected = await api(
      'POST',
      `/releases/${id}/approvals`,
      { decision: 'reject', comment: 'not this one' },
      mockCredentials.user.header('user:default/dave'),
    );
    expect(rejected.status).toBe(201);
    const waiting = testIo(env());
    const code = await main(
      gateArgs('3.16.0', '--wait', '--interval', '10s', '--timeout', '1h'),
      waiting.io,
    );
    expect(code).toBe(EXIT.denied);
    expect(waiting.sleeps()).toBe(0);
    expect(waiting.out[1]).toMatch(/^ {2}- \[rejected\] /);
  });

  it('--wait exits 3 when the timeout passes first', async () => {
    await createRelease('3.15.0');
    const waiting = testIo(env());
    const code = await main(
      gateArgs('3.15.0', '--wait', '--interval', '10s', '--timeout', '1m'),
      waiting.io,
    );
    expect(code).toBe(EXIT.timedOut);
    expect(waiting.sleeps()).toBe(6);
    expect(waiting.err[waiting.err.length - 1]).toMatch(/^Timed out after 1m/);
  });

  it('exits 4 when the backend is unreachable', async () => {
    const closed = http.createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise(resolve => closed.close(resolve));
    const io = testIo({
      ...env(),
      RELEASE_COORDINATOR_URL: `http://127.0.0.1:${port}/api/release-coordinator`,
    });
    expect(await main(gateArgs('1.0.0'), io.io)).toBe(EXIT.unreachable);
    expect(io.err[0]).toContain('is unreachable');
  });

  it('exits 5 when refused (bad token, unknown entity) and 2 on usage errors', async () => {
    const badToken = testIo({
      ...env(),
      RELEASE_COORDINATOR_TOKEN: mockCredentials.service.invalidToken(),
    });
    expect(await main(gateArgs('1.0.0'), badToken.io)).toBe(EXIT.refused);
    expect(badToken.err[0]).toMatch(/^Refused \(401\)/);

    const unknown = testIo(env());
    expect(
      await main(
        [
          'gate',
          '--entity',
          'component:default/nope',
          '--environment',
          'production',
          '--version',
          '1',
        ],
        unknown.io,
      ),
    ).toBe(EXIT.refused);
    expect(unknown.err[0]).toMatch(/^Refused \(404\)/);

    const badEnvironment = testIo(env());
    expect(
      await main(
        ['gate', '--entity', ENTITY, '--environment', 'moon', '--version', '1'],
        badEnvironment.io,
      ),
    ).toBe(EXIT.usage);
    expect(badEnvironment.err[0]).toContain("unknown environment 'moon'");

    const missing = testIo(env());
    expect(await main(['gate', '--entity', ENTITY], missing.io)).toBe(
      EXIT.usage,
    );
    expect(missing.err[0]).toContain('missing --environment, --version');
    const unknownOption = testIo(env());
    expect(await main(['gate', '--bogus'], unknownOption.io)).toBe(EXIT.usage);
    const noUrl = testIo({});
    expect(
      await main(
        ['gate', '--entity', ENTITY, '--environment', 'x', '--version', '1'],
        noUrl.io,
      ),
    ).toBe(EXIT.usage);
    expect(noUrl.err[0]).toContain('RELEASE_COORDINATOR_URL');
  });

  it('runs as a process from the repository (bin shim), exit code and all', async () => {
    const bin = path.resolve(__dirname, '../bin/release-coordinator');
    const result = await new Promise<{ code: number | null; stdout: string }>(
      resolve => {
        execFile(
          process.execPath,
          [bin, ...gateArgs('3.13.0'), '--url', url],
          { env: { ...process.env, ...env(), RELEASE_COORDINATOR_URL: '' } },
          (error, stdout) =>
            resolve({
              code: error ? (error as { code?: number }).code ?? 1 : 0,
              stdout,
            }),
        );
      },
    );
    expect(result.stdout).toMatch(/^ALLOWED: release 3\.13\.0/);
    expect(result.code).toBe(0);
  });
});

describe('argument helpers', () => {
  it('parses durations', () => {
    expect(parseDuration('30m', '--timeout')).toBe(1_800_000);
    expect(parseDuration('10s', '--interval')).toBe(10_000);
    expect(parseDuration('1h', '--timeout')).toBe(3_600_000);
    expect(parseDuration('250ms', '--interval')).toBe(250);
    expect(parseDuration('15', '--interval')).toBe(15_000);
    expect(() => parseDuration('soon', '--timeout')).toThrow(
      "--timeout: 'soon' is not a duration",
    );
  });

  it('turns entity refs into paths', () => {
    expect(entityPath('component:default/payments-api')).toBe(
      'component/default/payments-api',
    );
    expect(entityPath('Component:Payments')).toBe('component/default/payments');
    expect(() => entityPath('payments')).toThrow('--entity');
  });
});

import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import { ReleaseDetails } from '@release-coordinator/backstage-plugin-common';
import { readFileSync } from 'fs';
import { join } from 'path';
import { gzipSync } from 'zlib';
import request from 'supertest';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { releaseCoordinatorPlugin } from '../plugin';
import {
  payments,
  simplePlan,
  testConfig,
} from '../releases/__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const base = '/api/release-coordinator';
const createPath = `${base}/entities/component/default/payments/releases`;
const COMMIT = 'a1b2c3d4e5f6';
/** The repo digest of `__fixtures__/trivy-image.json`. */
const TRIVY_DIGEST =
  'sha256:3f5e1f2a9c0b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e';
/** The manifest digest of `__fixtures__/grype-image.json`. */
const GRYPE_DIGEST =
  'sha256:7c2e5b1d4a3f6e8c9b0a1d2e3f4c5b6a7e8d9c0b1a2f3e4d5c6b7a8e9f0d1c2b';
const ci = mockCredentials.service.header();

const fixture = (name: string) =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

function permissionsDenying(...denied: string[]) {
  return mockServices.permissions.mock({
    authorize: jest.fn(async (requests: AuthorizePermissionRequest[]) =>
      requests.map(r => ({
        result: denied.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      })),
    ),
  }).factory;
}

describe.each(databases.eachSupportedId())(
  'POST /releases/:id/reports on %s',
  databaseId => {
    async function startBackend(
      options: { reports?: object; permissions?: BackendFeature } = {},
    ) {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          releaseCoordinatorPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              releaseCoordinator: {
                ...testConfig.releaseCoordinator,
                freezeWindows: [],
                ...(options.reports && { reports: options.reports }),
              },
            },
          }),
          catalogServiceMock.factory({ entities: [payments] }),
          options.permissions ??
            mockServices.permissions.factory({
              result: AuthorizeResult.ALLOW,
            }),
        ],
      });
      const created = await request(server)
        .post(createPath)
        .set('Authorization', ci)
        .send({
          version: '1.4.0',
          environment: 'production',
          commitSha: COMMIT,
          artifactDigest: TRIVY_DIGEST,
          plan: simplePlan,
        });
      expect(created.status).toBe(201);
      const id = (created.body as ReleaseDetails).release.id;
      return { server, id };
    }

    type Backend = Awaited<ReturnType<typeof startBackend>>;

    function push(
      { server, id }: Backend,
      body: string,
      query: Record<string, string> = {},
    ) {
      return request(server)
        .post(`${base}/releases/${id}/reports`)
        .query(query)
        .set('Authorization', ci)
        .set('Content-Type', 'application/octet-stream')
        .send(body);
    }

    function item(details: ReleaseDetails, itemId: string) {
      return details.checklist.find(i => i.id === itemId)!;
    }

    async function snapshot({ server, id }: Backend) {
      const details = await request(server)
        .get(`${base}/releases/${id}`)
        .set('Authorization', ci);
      const audit = await request(server)
        .get(`${base}/releases/${id}/audit`)
        .set('Authorization', ci);
      return { checklist: details.body.checklist, audit: audit.body.items };
    }

    it('decides code-coverage from Jest LCOV, exactly at the threshold', async () => {
      const backend = await startBackend();
      const res = await push(backend, fixture('jest-lcov.info'), {
        commitSha: COMMIT,
        url: 'https://ci.example.com/runs/7',
      });
      expect(res.status).toBe(200);
      expect(item(res.body, 'code-coverage')).toMatchObject({
        status: 'passed',
        evidence: {
          value: '80',
          source: 'lcov',
          url: 'https://ci.example.com/runs/7',
          report: {
            type: 'coverage',
            format: 'lcov',
            linePct: 80,
            branchPct: 25,
            threshold: 80,
          },
        },
      });
      const below = await push(
        backend,
        'SF:a.js\nLF:10\nLH:7\nend_of_record\n',
      );
      expect(item(below.body, 'code-coverage')).toMatchObject({
        status: 'failed',
        evidence: { value: '70' },
      });
      // Cobertura from the same run, format named.
      const strict = await startBackend();
      const cobertura = await request(strict.server)
        .post(`${base}/releases/${strict.id}/reports?format=cobertura`)
        .set('Authorization', ci)
        .set('Content-Type', 'application/xml')
        .send(fixture('jest-cobertura.xml'));
      expect(cobertura.status).toBe(200);
      expect(item(cobertura.body, 'code-coverage').status).toBe('passed');
    });

    it('fails tests-passing from a jest-junit report and keeps the failing suite', async () => {
      const backend = await startBackend();
      const res = await push(backend, fixture('jest-junit.xml'));
      expect(res.status).toBe(200);
      expect(item(res.body, 'tests-passing')).toMatchObject({
        status: 'failed',
        evidence: {
          value: '4 of 5 passed, 1 failed, 1 skipped',
          report: {
            type: 'tests',
            totals: { tests: 6, failures: 1, errors: 0, skipped: 1 },
            failingSuites: [
              { name: 'src/api.integration.test.ts', failures: 1 },
            ],
          },
        },
      });
    });

    it('passes tests-passing only when every configured kind is present and green', async () => {
      const backend = await startBackend({
        reports: {
          testKinds: { unit: ['com.example.*'], e2e: ['e2e/*'] },
        },
      });
      const unit = await push(backend, fixture('surefire-junit.xml'));
      expect(unit.status).toBe(200);
      expect(item(unit.body, 'tests-passing')).toMatchObject({
        status: 'failed',
        evidence: {
          value: '4 of 4 passed; no e2e tests yet',
          report: { missingKinds: ['e2e'] },
        },
      });
      const e2e = await push(
        backend,
        '<testsuites><testsuite name="e2e/portal.test.ts"><testcase name="shows the tab"/></testsuite></testsuites>',
      );
      expect(e2e.status).toBe(200);
      expect(item(e2e.body, 'tests-passing')).toMatchObject({
        status: 'passed',
        evidence: {
          value: '5 of 5 passed',
          report: {
            kinds: {
              unit: { tests: 4, failures: 0 },
              e2e: { tests: 1, failures: 0 },
            },
          },
        },
      });
    });

    it('keeps both kinds when two test reports arrive at once', async () => {
      const backend = await startBackend({
        reports: {
          testKinds: { unit: ['com.example.*'], e2e: ['e2e/*'] },
        },
      });
      const e2eReport =
        '<testsuites><testsuite name="e2e/portal.test.ts"><testcase name="shows the tab"/></testsuite></testsuites>';
      const [unit, e2e] = await Promise.all([
        push(backend, fixture('surefire-junit.xml')),
        push(backend, e2eReport),
      ]);
      expect([unit.status, e2e.status]).toEqual([200, 200]);
      const details = await request(backend.server)
        .get(`${base}/releases/${backend.id}`)
        .set('Authorization', ci);
      expect(item(details.body, 'tests-passing')).toMatchObject({
        status: 'passed',
        evidence: {
          report: {
            kinds: { unit: { tests: 4 }, e2e: { tests: 1 } },
          },
        },
      });
    });

    it('reads a gzip-compressed report', async () => {
      const backend = await startBackend();
      const res = await request(backend.server)
        .post(`${base}/releases/${backend.id}/reports`)
        .set('Authorization', ci)
        .set('Content-Type', 'application/octet-stream')
        .set('Content-Encoding', 'gzip')
        .send(gzipSync(fixture('jest-lcov.info')));
      expect(res.status).toBe(200);
      expect(item(res.body, 'code-coverage').evidence?.value).toBe('80');
    });

    it('fails security-scan on a high CodeQL finding and shows it; gitleaks goes to secrets', async () => {
      const backend = await startBackend();
      const codeql = await push(backend, fixture('codeql.sarif'));
      expect(codeql.status).toBe(200);
      const scan = item(codeql.body, 'security-scan');
      expect(scan.status).toBe('failed');
      expect(scan.evidence?.value).toBe('2 high, 1 low');
      expect(scan.evidence?.report).toMatchObject({
        type: 'findings',
        tool: 'CodeQL',
        failAt: 'high',
        top: [
          {
            ruleId: 'js/sql-injection',
            severity: 'high',
            location: 'src/routes/orders.js:27',
          },
          { ruleId: 'js/missing-rate-limiting' },
          { ruleId: 'js/unused-local-variable' },
        ],
      });
      const gitleaks = await push(backend, fixture('gitleaks.sarif'));
      expect(gitleaks.status).toBe(200);
      expect(item(gitleaks.body, 'secrets-not-exposed')).toMatchObject({
        status: 'failed',
        evidence: { value: '1 medium', source: 'sarif' },
      });
    });

    it('passes security-scan below the configured severity', async () => {
      const backend = await startBackend({
        reports: { failAt: { 'security-scan': 'critical' } },
      });
      const res = await push(backend, fixture('codeql.sarif'));
      expect(item(res.body, 'security-scan').status).toBe('passed');
    });

    it('binds an image scan to the release digest; another image is 409 naming both', async () => {
      const backend = await startBackend();
      const before = await snapshot(backend);
      const other = await push(backend, fixture('grype-image.json'));
      expect(other.status).toBe(409);
      expect(other.body.error.message).toBe(
        `The report is for image digest ${GRYPE_DIGEST}, but the release is at artifact digest ${TRIVY_DIGEST}`,
      );
      expect(await snapshot(backend)).toEqual(before);
      const trivy = await push(backend, fixture('trivy-image.json'));
      expect(trivy.status).toBe(200);
      expect(item(trivy.body, 'image-scanned')).toMatchObject({
        status: 'failed',
        evidence: {
          value: '1 high, 2 medium, 1 low',
          report: { artifactDigest: TRIVY_DIGEST },
        },
      });
      const top = item(trivy.body, 'image-scanned').evidence?.report;
      expect(top?.type === 'findings' && top.top[0]).toEqual({
        ruleId: 'CVE-2024-4068',
        severity: 'high',
        location: 'braces@3.0.2',
        message:
          'braces: fails to limit the number of characters it can handle',
      });
    });

    it('refuses a malformed report with 400 naming the line, and stores nothing', async () => {
      const backend = await startBackend();
      const before = await snapshot(backend);
      const res = await push(
        backend,
        '<testsuites>\n<testsuite name="a">\n</testsuites>',
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^Malformed JUnit XML report: line 3, column \d+/,
      );
      const lcov = await push(backend, 'SF:a.js\nLF:ten\nend_of_record\n', {
        format: 'lcov',
      });
      expect(lcov.status).toBe(400);
      expect(lcov.body.error.message).toContain("line 2 LF is 'ten'");
      const wrongItem = await push(backend, fixture('jest-lcov.info'), {
        item: 'tests-passing',
      });
      expect(wrongItem.status).toBe(400);
      expect(wrongItem.body.error.message).toContain(
        "a lcov report cannot decide 'tests-passing'",
      );
      const badQuery = await push(backend, fixture('jest-lcov.info'), {
        format: 'pdf',
      });
      expect(badQuery.status).toBe(400);
      expect(badQuery.body.error.message).toContain('format');
      expect(await snapshot(backend)).toEqual(before);
    });

    it('answers 409 for a report of another commit', async () => {
      const backend = await startBackend();
      const sarif = (revisionId: string) =>
        JSON.stringify({
          version: '2.1.0',
          runs: [
            {
              tool: { driver: { name: 'Semgrep OSS' } },
              versionControlProvenance: [
                {
                  repositoryUri: 'https://github.com/example/payments',
                  revisionId,
                },
              ],
              results: [],
            },
          ],
        });
      const otherSarif = await push(backend, sarif('ffff0000'.repeat(5)));
      expect(otherSarif.status).toBe(409);
      expect(otherSarif.body.error.message).toBe(
        `The report is for commit ${'ffff0000'.repeat(
          5,
        )}, but the release is at commit ${COMMIT}`,
      );
      const sameSarif = await push(
        backend,
        sarif(`${COMMIT}0123456789abcdef0123456789ab`),
      );
      expect(sameSarif.status).toBe(200);
      expect(item(sameSarif.body, 'security-scan')).toMatchObject({
        status: 'passed',
        evidence: { value: 'no findings' },
      });
      const res = await push(backend, fixture('jest-lcov.info'), {
        commitSha: 'ffff0000',
      });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain('ffff0000');
      expect(res.body.error.message).toContain(COMMIT);
    });

    it('answers 413 above the configured size and stores nothing', async () => {
      const backend = await startBackend({ reports: { maxBytes: 200 } });
      const before = await snapshot(backend);
      const res = await push(backend, fixture('jest-lcov.info'));
      expect(res.status).toBe(413);
      expect(res.body.error.message).toContain(
        'the limit is 200 bytes (releaseCoordinator.reports.maxBytes)',
      );
      expect(await snapshot(backend)).toEqual(before);
      const small = await push(backend, 'SF:a.js\nLF:2\nLH:2\nend_of_record\n');
      expect(small.status).toBe(200);
    });

    it('needs release-coordinator.events.push, through the access layer', async () => {
      const backend = await startBackend({
        permissions: permissionsDenying('release-coordinator.events.push'),
      });
      const before = await snapshot(backend);
      const res = await push(backend, fixture('jest-lcov.info'));
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'Not allowed to record checklist evidence for component:default/payments',
      );
      expect(await snapshot(backend)).toEqual(before);
      const anonymous = await request(backend.server)
        .post(`${base}/releases/${backend.id}/reports`)
        .set('Authorization', mockCredentials.none.header())
        .send(fixture('jest-lcov.info'));
      expect(anonymous.status).toBe(401);
    });
  },
);

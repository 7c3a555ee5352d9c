import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { ReleaseState } from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { DatabaseReleaseStore } from '../database/DatabaseReleaseStore';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from '../deployments/DatabaseDeploymentStore';
import { DeploymentUpsert } from '../deployments/DeploymentStore';
import { DeploymentService } from '../deployments/DeploymentService';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { readReleaseReadinessSettings } from './config';
import { ReleaseService } from './ReleaseService';
import {
  payments as paymentsEntity,
  recordingAuditor,
  testConfig,
} from './__testUtils__/fixtures';
import {
  deploymentMatchesRelease,
  stateAfterDeployment,
} from './releaseLifecycle';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const payments = 'component:default/payments';
const plan = {
  strategy: 'rolling' as const,
  zeroDowntime: false,
  hasDatabaseMigrations: false,
  hasConfigChanges: false,
};

function deployment(overrides: Partial<DeploymentUpsert>): DeploymentUpsert {
  return {
    entityRef: payments,
    environment: 'production',
    source: 'github',
    externalId: 'run-1',
    version: '1.0.0',
    kind: 'deploy',
    status: 'succeeded',
    startedAt: '2026-11-20T10:00:00.000Z',
    finishedAt: '2026-11-20T10:05:00.000Z',
    commits: [],
    ...overrides,
  };
}

describe('stateAfterDeployment', () => {
  it.each<[ReleaseState, DeploymentUpsert['status'], ReleaseState | undefined]>(
    [
      ['approved', 'queued', 'deploying'],
      ['approved', 'in_progress', 'deploying'],
      ['deploying', 'in_progress', undefined],
      ['approved', 'succeeded', 'deployed'],
      ['deploying', 'succeeded', 'deployed'],
      ['deploying', 'failed', 'failed'],
      ['failed', 'in_progress', 'deploying'],
      ['deploying', 'cancelled', 'approved'],
      ['deployed', 'failed', undefined],
      ['ready', 'succeeded', undefined],
      ['rejected', 'succeeded', undefined],
    ],
  )('%s + %s → %s', (state, status, expected) => {
    expect(stateAfterDeployment(state, status)).toBe(expected);
  });
});

describe('deploymentMatchesRelease', () => {
  it.each([
    ['version only', { version: '1' }, { version: '1' }, true],
    ['other version', { version: '1' }, { version: '2' }, false],
    [
      'commit matches',
      { version: '1', commitSha: 'abc' },
      { version: '1', commitSha: 'abc' },
      true,
    ],
    [
      'commit differs',
      { version: '1', commitSha: 'abc' },
      { version: '1', commitSha: 'def' },
      false,
    ],
    [
      'commit missing on the deployment',
      { version: '1', commitSha: 'abc' },
      { version: '1' },
      false,
    ],
    [
      'digest differs',
      { version: '1', artifactDigest: 'sha256:a' },
      { version: '1', artifactDigest: 'sha256:b' },
      false,
    ],
    [
      'release without commit, deployment with one',
      { version: '1' },
      { version: '1', commitSha: 'abc' },
      true,
    ],
  ])('%s', (_name, release, deployed, expected) => {
    expect(deploymentMatchesRelease(release, deployed)).toBe(expected);
  });
});

type ReleaseSpec = {
  name: string;
  version: string;
  state: ReleaseState;
  commitSha?: string;
  artifactDigest?: string;
};

type LifecycleCase = {
  title: string;
  releases: ReleaseSpec[];
  /** Batches, ingested one after the other. */
  batches: Array<Array<Partial<DeploymentUpsert>>>;
  /** Release states at the end, by name. */
  states: Record<string, ReleaseState>;
  /** Release each deployment (by externalId) is linked to (none: null). */
  links: Record<string, string | null>;
  /** Audit actions of each release, in order. */
  audits?: Record<string, string[]>;
};

const cases: LifecycleCase[] = [
  {
    title: 'version only: approved → deploying → deployed',
    releases: [{ name: 'r1', version: '1.0.0', state: 'approved' }],
    batches: [
      [{ status: 'in_progress', finishedAt: undefined }],
      [{ status: 'succeeded' }],
    ],
    states: { r1: 'deployed' },
    links: { 'run-1': 'r1' },
    audits: { r1: ['release.deploying', 'release.deployed'] },
  },
  {
    title: 'version and commit match',
    releases: [
      { name: 'r1', version: '1.0.0', state: 'approved', commitSha: 'abc' },
    ],
    batches: [[{ commitSha: 'abc', status: 'failed' }]],
    states: { r1: 'failed' },
    links: { 'run-1': 'r1' },
    audits: { r1: ['release.failed'] },
  },
  {
    title: 'commit mismatch leaves the release alone',
    releases: [
      { name: 'r1', version: '1.0.0', state: 'approved', commitSha: 'abc' },
    ],
    batches: [[{ commitSha: 'def' }]],
    states: { r1: 'approved' },
    links: { 'run-1': null },
    audits: { r1: [] },
  },
  {
    title: 'digest mismatch leaves the release alone',
    releases: [
      {
        name: 'r1',
        version: '1.0.0',
        state: 'approved',
        artifactDigest: 'sha256:aaa',
      },
    ],
    batches: [[{ artifactDigest: 'sha256:bbb' }]],
    states: { r1: 'approved' },
    links: { 'run-1': null },
  },
  {
    title: 'digest match',
    releases: [
      {
        name: 'r1',
        version: '1.0.0',
        state: 'approved',
        artifactDigest: 'sha256:aaa',
      },
    ],
    batches: [[{ artifactDigest: 'sha256:aaa' }]],
    states: { r1: 'deployed' },
    links: { 'run-1': 'r1' },
  },
  {
    title: 'a digest named by a later report of the same run',
    releases: [
      {
        name: 'r1',
        version: '1.0.0',
        state: 'approved',
        artifactDigest: 'sha256:aaa',
      },
    ],
    batches: [
      [{ status: 'in_progress', finishedAt: undefined }],
      [
        {
          status: 'in_progress',
          finishedAt: undefined,
          artifactDigest: 'sha256:aaa',
        },
      ],
      [{ status: 'succeeded' }],
    ],
    states: { r1: 'deployed' },
    links: { 'run-1': 'r1' },
    audits: { r1: ['release.deploying', 'release.deployed'] },
  },
  {
    title: 'a release not approved does not follow',
    releases: [{ name: 'r1', version: '1.0.0', state: 'ready' }],
    batches: [[{}]],
    states: { r1: 'ready' },
    links: { 'run-1': null },
  },
  {
    title:
      'two releases of one version: the newest approved one ships, the older is superseded',
    releases: [
      { name: 'old', version: '1.0.0', state: 'approved' },
      { name: 'rejected', version: '1.0.0', state: 'rejected' },
      { name: 'new', version: '1.0.0', state: 'approved' },
    ],
    batches: [[{}]],
    states: { old: 'superseded', rejected: 'rejected', new: 'deployed' },
    links: { 'run-1': 'new' },
    audits: { old: ['release.superseded'], new: ['release.deployed'] },
  },
  {
    title: 'supersede: a newer deployed release supersedes older open ones',
    releases: [
      { name: 'draft', version: '0.8.0', state: 'draft' },
      { name: 'ready', version: '0.9.0', state: 'ready' },
      { name: 'approved', version: '0.9.5', state: 'approved' },
      { name: 'r1', version: '1.0.0', state: 'approved' },
      { name: 'later', version: '1.1.0', state: 'approved' },
    ],
    batches: [[{}]],
    states: {
      draft: 'superseded',
      ready: 'superseded',
      approved: 'superseded',
      r1: 'deployed',
      later: 'approved',
    },
    links: { 'run-1': 'r1' },
  },
  {
    title: 'rollback naming the deployment: deployed → rolled-back',
    releases: [
      { name: 'r0', version: '0.9.0', state: 'approved' },
      { name: 'r1', version: '1.0.0', state: 'approved' },
    ],
    batches: [
      [
        {
          externalId: 'run-0',
          version: '0.9.0',
          startedAt: '2026-11-19T10:00:00.000Z',
          finishedAt: '2026-11-19T10:05:00.000Z',
        },
      ],
      [{}],
      [
        {
          externalId: 'run-2',
          kind: 'rollback',
          version: '0.9.0',
          rollbackOfExternalId: 'run-1',
          startedAt: '2026-11-20T11:00:00.000Z',
          finishedAt: '2026-11-20T11:05:00.000Z',
        },
      ],
    ],
    states: { r0: 'deployed', r1: 'rolled-back' },
    links: { 'run-0': 'r0', 'run-1': 'r1', 'run-2': null },
    audits: { r1: ['release.deployed', 'release.rolled-back'] },
  },
  {
    title:
      'rollback without rollbackOf: the previous deployed release is rolled back',
    releases: [{ name: 'r1', version: '1.0.0', state: 'approved' }],
    batches: [
      [{}],
      [
        {
          externalId: 'run-2',
          kind: 'rollback',
          version: '0.9.0',
          startedAt: '2026-11-20T11:00:00.000Z',
          finishedAt: '2026-11-20T11:05:00.000Z',
        },
      ],
    ],
    states: { r1: 'rolled-back' },
    links: { 'run-1': 'r1', 'run-2': null },
  },
  {
    title: 'redelivery: the same reports again move nothing more',
    releases: [{ name: 'r1', version: '1.0.0', state: 'approved' }],
    batches: [
      [{ status: 'in_progress', finishedAt: undefined }],
      [{ status: 'in_progress', finishedAt: undefined }],
      [{ status: 'succeeded' }],
      [{ status: 'succeeded' }],
      [{ status: 'in_progress', finishedAt: undefined }],
    ],
    states: { r1: 'deployed' },
    links: { 'run-1': 'r1' },
    audits: { r1: ['release.deploying', 'release.deployed'] },
  },
  {
    title: 'queued and succeeded in one batch: one move to deployed',
    releases: [{ name: 'r1', version: '1.0.0', state: 'approved' }],
    batches: [
      [{ status: 'queued', finishedAt: undefined }, { status: 'succeeded' }],
    ],
    states: { r1: 'deployed' },
    links: { 'run-1': 'r1' },
    audits: { r1: ['release.deployed'] },
  },
  {
    title: 'another environment does not count',
    releases: [{ name: 'r1', version: '1.0.0', state: 'approved' }],
    batches: [[{ environment: 'staging' }]],
    states: { r1: 'approved' },
    links: { 'run-1': null },
  },
];

describe.each(databases.eachSupportedId())(
  'releases follow their deployments (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let releases: DatabaseReleaseStore;
    let deployments: DatabaseDeploymentStore;
    let clock: Date;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      releases = await DatabaseReleaseStore.create({
        database,
        now: () => clock,
      });
      deployments = await DatabaseDeploymentStore.create({
        database,
        skipMigrations: true,
        now: () => clock,
      });
    });

    beforeEach(async () => {
      clock = new Date('2026-11-26T09:00:00.000Z');
      await knex('deployment_commits').del();
      await knex('deployment_artifacts').del();
      await knex('rollbacks').del();
      await knex('deployments').del();
      await knex('audit_events').del();
      await knex('approvals').del();
      await knex('freeze_overrides').del();
      await knex('checklist_items').del();
      await knex('releases').del();
    });

    it.each(cases)('$title', async testCase => {
      const ids = new Map<string, string>();
      for (const spec of testCase.releases) {
        clock = new Date(clock.getTime() + 60_000);
        const release = await releases.createRelease({
          entityRef: payments,
          environment: 'production',
          version: spec.version,
          commitSha: spec.commitSha,
          artifactDigest: spec.artifactDigest,
          plan,
          state: spec.state,
          createdBy: 'user:default/alice',
        });
        ids.set(spec.name, release.id);
      }
      const names = new Map([...ids].map(([name, id]) => [id, name]));
      const moved: string[] = [];
      for (const batch of testCase.batches) {
        clock = new Date(clock.getTime() + 60_000);
        const outcomes = await deployments.upsertDeployments(
          batch.map(overrides => deployment(overrides)),
        );
        for (const outcome of outcomes) {
          for (const t of outcome.releaseTransitions ?? []) {
            moved.push(`${names.get(t.releaseId)}:${t.from}→${t.to}`);
          }
        }
      }

      for (const [name, state] of Object.entries(testCase.states)) {
        expect([
          name,
          (await releases.getRelease(ids.get(name)!))?.state,
        ]).toEqual([name, state]);
      }
      for (const [externalId, name] of Object.entries(testCase.links)) {
        const row = await knex('deployments')
          .where({ external_id: externalId })
          .first();
        expect([externalId, row.release_id]).toEqual([
          externalId,
          name === null ? null : ids.get(name),
        ]);
      }
      // Each reported move has exactly one audit row, and nothing else was
      // audited by the lifecycle.
      const auditRows = await knex('audit_events')
        .where('actor', 'like', 'deployment:%')
        .orderBy('id');
      expect(auditRows).toHaveLength(moved.length);
      for (const [name, actions] of Object.entries(testCase.audits ?? {})) {
        expect(
          (await releases.listAuditEvents(ids.get(name)!))
            .filter(event => event.actor === 'deployment:github')
            .map(event => event.action),
        ).toEqual(actions);
      }
    });

    it('lists the linked release on the deployment (wire type)', async () => {
      const release = await releases.createRelease({
        entityRef: payments,
        environment: 'production',
        version: '1.0.0',
        artifactDigest: 'sha256:aaa',
        plan,
        state: 'approved',
        createdBy: 'user:default/alice',
      });
      await deployments.upsertDeployments([
        deployment({ artifactDigest: 'sha256:aaa' }),
      ]);
      const { items } = await deployments.listDeployments({
        entityRef: payments,
        limit: 10,
      });
      expect(items).toEqual([
        expect.objectContaining({
          releaseId: release.id,
          artifactDigest: 'sha256:aaa',
        }),
      ]);
    });

    it('sends one auditor event per move and signals the release, through the ingest path', async () => {
      const auditor = recordingAuditor();
      const published: Array<{ channel: string; message: unknown }> = [];
      const signals = {
        publish: async (signal: { channel: string; message: unknown }) => {
          published.push(signal);
        },
      };
      const catalog = catalogServiceMock({ entities: [paymentsEntity] });
      const releaseService = new ReleaseService({
        store: releases,
        settings: readReleaseReadinessSettings(new ConfigReader(testConfig)),
        auditor,
        catalog,
        auth: mockServices.auth(),
        signals: signals as any,
        now: () => clock,
      });
      const service = new DeploymentService({
        store: deployments,
        catalog,
        auth: mockServices.auth(),
      });
      service.addReleaseTransitionListener(
        releaseService.onDeploymentTransitions,
      );
      const release = await releases.createRelease({
        entityRef: payments,
        environment: 'production',
        version: '1.0.0',
        plan,
        state: 'approved',
        createdBy: 'user:default/alice',
      });
      const report = {
        ...deployment({}),
        commits: undefined,
        status: 'in_progress',
        finishedAt: undefined,
      };
      await service.ingestDeployments([report]);
      await service.ingestDeployments([report]);
      await service.ingestDeployments([{ ...report, status: 'succeeded' }]);

      expect(
        auditor.events.map(e => [
          e.eventId,
          e.meta?.from,
          e.meta?.to,
          e.outcome,
        ]),
      ).toEqual([
        ['release-deployment-transition', 'approved', 'deploying', 'success'],
        ['release-deployment-transition', 'deploying', 'deployed', 'success'],
      ]);
      expect(
        published
          .filter(
            p => p.channel === `release-coordinator:release:${release.id}`,
          )
          .map(p => p.message),
      ).toEqual([
        expect.objectContaining({ state: 'deploying', action: 'deployment' }),
        expect.objectContaining({ state: 'deployed', action: 'deployment' }),
      ]);
    });
  },
);

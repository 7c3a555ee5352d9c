import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ReleaseDetails,
  ReleasePlan,
} from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { DatabaseReleaseStore } from '../database/DatabaseReleaseStore';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { Actor } from './ApprovalPolicy';
import { readReleaseReadinessSettings } from './config';
import { ReleaseService } from './ReleaseService';
import {
  migrationPlan,
  payments,
  paymentsRef,
  people,
  recordingAuditor,
  simplePlan,
  testConfig,
} from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const COMMIT = 'a1b2c3d4e5f6';
const DAY = 24 * 60 * 60 * 1000;

describe.each(databases.eachSupportedId())(
  'ReleaseService (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseReleaseStore;
    let clock: Date;
    let auditor: ReturnType<typeof recordingAuditor>;
    let service: ReleaseService;

    function createService(config: object = testConfig) {
      auditor = recordingAuditor();
      return new ReleaseService({
        store,
        settings: readReleaseReadinessSettings(new ConfigReader(config)),
        auditor,
        catalog: catalogServiceMock({ entities: [payments] }),
        auth: mockServices.auth(),
        now: () => clock,
      });
    }

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseReleaseStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
        now: () => clock,
      });
    });

    beforeEach(async () => {
      // A Thursday, outside every freeze window.
      clock = new Date('2026-11-26T10:00:00.000Z');
      for (const table of [
        'freeze_overrides',
        'approvals',
        'checklist_items',
        'audit_events',
        'releases',
      ]) {
        await knex(table).del();
      }
      service = createService();
    });

    async function create(
      options: {
        plan?: ReleasePlan;
        environment?: string;
        actor?: Actor;
      } = {},
    ): Promise<ReleaseDetails> {
      return service.createRelease({
        entityRef: paymentsRef,
        actor: options.actor ?? people.alice,
        request: {
          version: '1.4.0',
          environment: options.environment ?? 'production',
          commitSha: COMMIT,
          plan: options.plan ?? simplePlan,
          commitAuthors: ['bob'],
        },
      });
    }

    async function passAutomaticItems(id: string, coverage = '91.5') {
      return service.recordEvidence({
        id,
        actor: people.ci,
        request: {
          items: [
            {
              itemId: 'tests-passing',
              status: 'passed',
              source: 'github',
              commitSha: COMMIT,
            },
            {
              itemId: 'code-coverage',
              status: 'passed',
              value: coverage,
              source: 'codecov',
            },
            { itemId: 'security-scan', status: 'passed', source: 'trivy' },
            {
              itemId: 'secrets-not-exposed',
              status: 'passed',
              source: 'gitleaks',
            },
            { itemId: 'image-scanned', status: 'passed', source: 'trivy' },
            {
              itemId: 'team-communication-sent',
              status: 'passed',
              source: 'notifications',
            },
          ],
        },
      });
    }

    async function attest(
      id: string,
      itemId: string,
      actor: Actor = people.carol,
    ) {
      return service.updateChecklistItem({
        id,
        itemId,
        actor,
        request: { status: 'passed', evidenceUrl: `https://wiki/${itemId}` },
      });
    }

    /** Passes every applicable item. */
    async function makeReady(details: ReleaseDetails): Promise<ReleaseDetails> {
      let current = await passAutomaticItems(details.release.id);
      for (const item of current.checklist) {
        if (item.status === 'pending') {
          current = await attest(
            details.release.id,
            item.id,
            item.requiredRole ? people.erin : people.carol,
          );
        }
      }
      return current;
    }

    function approve(id: string, actor: Actor, extra: object = {}) {
      return service.decide({
        id,
        actor,
        request: { decision: 'approve', comment: 'looks good', ...extra },
      });
    }

    describe('create', () => {
      it('builds the checklist for the plan and records the creation', async () => {
        const details = await create();
        expect(details.release).toMatchObject({
          entityRef: paymentsRef,
          environment: 'production',
          state: 'draft',
          createdBy: 'user:default/alice',
          commitAuthors: ['user:default/bob'],
        });
        expect(details.checklist.map(i => i.id)).toEqual([
          'tests-passing',
          'code-coverage',
          'security-scan',
          'secrets-not-exposed',
          'image-scanned',
          'deployment-plan-documented',
          'rollback-procedure-tested',
          'monitoring-alerts-configured',
          'team-communication-sent',
        ]);
        expect(details.checklist.every(i => i.status === 'pending')).toBe(true);
        expect(details.openItemIds).toHaveLength(9);
        expect(details.approvalsRequired).toBe(2);
        expect(details.approvalsRemaining).toBe(2);
        expect(details.stages.map(s => [s.stage, s.status])).toEqual([
          ['commit', 'passed'],
          ['tests', 'pending'],
          ['build', 'pending'],
          ['staging', 'pending'],
          ['production', 'pending'],
        ]);
        const audit = await service.getAuditTrail(details.release.id);
        expect(audit.map(e => [e.action, e.actor])).toEqual([
          ['release.created', 'user:default/alice'],
        ]);
        expect(auditor.events).toEqual([
          expect.objectContaining({
            eventId: 'release-create',
            outcome: 'success',
          }),
        ]);
      });

      it('refuses a zero-downtime rolling plan naming plan.strategy', async () => {
        await expect(
          create({ plan: { ...simplePlan, strategy: 'rolling' } }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(/^plan\.strategy/),
        });
        expect(await knex('releases')).toHaveLength(0);
      });

      it('refuses an environment that is not configured, naming it', async () => {
        await expect(create({ environment: 'qa' })).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(/^environment: 'qa'/),
        });
      });

      it('adds the migration items with the database-admin role', async () => {
        const details = await create({ plan: migrationPlan });
        expect(
          details.checklist.find(i => i.id === 'db-migration-tested'),
        ).toMatchObject({
          stage: 'staging',
          kind: 'manual',
          requiredRole: 'database-admin',
        });
        expect(details.checklist.map(i => i.id)).toContain(
          'migration-rollback-plan',
        );
        expect(details.databaseAdminApprovalMissing).toBe(true);
      });
    });

    describe('evidence', () => {
      it('compares coverage with the threshold', async () => {
        const { release } = await create();
        const record = (value: string) =>
          service.recordEvidence({
            id: release.id,
            actor: people.ci,
            request: {
              items: [
                {
                  itemId: 'code-coverage',
                  status: 'passed',
                  value,
                  source: 'codecov',
                },
              ],
            },
          });
        let details = await record('79.9');
        expect(
          details.checklist.find(i => i.id === 'code-coverage'),
        ).toMatchObject({
          status: 'failed',
          evidence: {
            value: '79.9',
            source: 'codecov',
            recordedBy: 'external:ci',
            recordedAt: clock.toISOString(),
          },
        });
        expect(details.stages.find(s => s.stage === 'tests')?.status).toBe(
          'failed',
        );
        details = await record('80%');
        expect(
          details.checklist.find(i => i.id === 'code-coverage')?.status,
        ).toBe('passed');
        await expect(record('lots')).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(/^items\[0\]\.value/),
        });
      });

      it('refuses evidence for another commit with 409 naming both', async () => {
        const { release } = await create();
        await expect(
          service.recordEvidence({
            id: release.id,
            actor: people.ci,
            request: {
              items: [
                {
                  itemId: 'tests-passing',
                  status: 'passed',
                  source: 'github',
                  commitSha: 'ffff0000',
                },
              ],
            },
          }),
        ).rejects.toMatchObject({
          name: 'ConflictError',
          message: expect.stringContaining(
            `commit ffff0000, but the release is at commit ${COMMIT}`,
          ),
        });
        const details = await service.getDetails(release.id);
        expect(details.checklist[0].status).toBe('pending');
      });

      it('refuses evidence for unknown and manual items', async () => {
        const { release } = await create();
        await expect(
          service.recordEvidence({
            id: release.id,
            actor: people.ci,
            request: {
              items: [
                {
                  itemId: 'config-rollout-plan',
                  status: 'passed',
                  source: 'ci',
                },
              ],
            },
          }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringContaining(
            "'config-rollout-plan' is not on the checklist",
          ),
        });
        await expect(
          service.recordEvidence({
            id: release.id,
            actor: people.ci,
            request: {
              items: [
                {
                  itemId: 'rollback-procedure-tested',
                  status: 'passed',
                  source: 'ci',
                },
              ],
            },
          }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringContaining('attested by a person'),
        });
      });
    });

    describe('attest and waive', () => {
      it('lets only the database-admin role attest db-migration-tested', async () => {
        const { release } = await create({ plan: migrationPlan });
        await expect(
          attest(release.id, 'db-migration-tested', people.carol),
        ).rejects.toMatchObject({
          name: 'NotAllowedError',
          message: expect.stringContaining('needs the role database-admin'),
        });
        const details = await attest(
          release.id,
          'db-migration-tested',
          people.erin,
        );
        expect(
          details.checklist.find(i => i.id === 'db-migration-tested'),
        ).toMatchObject({
          status: 'passed',
          evidence: {
            url: 'https://wiki/db-migration-tested',
            recordedBy: 'user:default/erin',
          },
        });
      });

      it('denies role items when the role has no groups', async () => {
        service = createService({
          releaseCoordinator: { ...testConfig.releaseCoordinator, roles: {} },
        });
        const { release } = await create({ plan: migrationPlan });
        await expect(
          attest(release.id, 'db-migration-tested', people.erin),
        ).rejects.toMatchObject({
          name: 'NotAllowedError',
          message: expect.stringContaining(
            'releaseCoordinator.roles.database-admin',
          ),
        });
      });

      it('needs an evidence URL or a comment, and refuses automatic items', async () => {
        const { release } = await create();
        await expect(
          service.updateChecklistItem({
            id: release.id,
            itemId: 'deployment-plan-documented',
            actor: people.carol,
            request: { status: 'passed' },
          }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(/^evidenceUrl/),
        });
        await expect(attest(release.id, 'tests-passing')).rejects.toMatchObject(
          { name: 'InputError' },
        );
        await expect(attest(release.id, 'no-such-item')).rejects.toMatchObject({
          name: 'NotFoundError',
        });
      });

      it('expires the rollback rehearsal after rollbackRehearsalMaxAgeDays', async () => {
        const { release } = await create();
        await attest(release.id, 'rollback-procedure-tested');
        clock = new Date(clock.getTime() + 30 * DAY);
        let details = await service.getDetails(release.id);
        expect(
          details.checklist.find(i => i.id === 'rollback-procedure-tested')
            ?.status,
        ).toBe('passed');
        clock = new Date(clock.getTime() + 60_000);
        details = await service.getDetails(release.id);
        expect(
          details.checklist.find(i => i.id === 'rollback-procedure-tested')
            ?.status,
        ).toBe('expired');
        expect(details.openItemIds).toContain('rollback-procedure-tested');
      });

      it('waives an item only with a reason, audited with high severity', async () => {
        const { release } = await create();
        await service.recordEvidence({
          id: release.id,
          actor: people.ci,
          request: {
            items: [
              { itemId: 'image-scanned', status: 'failed', source: 'trivy' },
            ],
          },
        });
        await expect(
          service.updateChecklistItem({
            id: release.id,
            itemId: 'image-scanned',
            actor: people.dave,
            request: { status: 'waived', comment: '  ' },
          }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(/^comment/),
        });
        const details = await service.updateChecklistItem({
          id: release.id,
          itemId: 'image-scanned',
          actor: people.dave,
          request: {
            status: 'waived',
            comment: 'CVE in unused base layer, fix tracked',
          },
        });
        expect(
          details.checklist.find(i => i.id === 'image-scanned'),
        ).toMatchObject({
          status: 'waived',
          waiverReason: 'CVE in unused base layer, fix tracked',
        });
        const audit = await service.getAuditTrail(release.id);
        expect(audit.at(-1)).toMatchObject({
          action: 'checklist.waived',
          actor: 'user:default/dave',
          reason: 'CVE in unused base layer, fix tracked',
          before: { itemId: 'image-scanned', status: 'failed' },
        });
        expect(auditor.events.at(-1)).toMatchObject({
          eventId: 'checklist-waive',
          severityLevel: 'high',
          outcome: 'success',
        });
        await attest(release.id, 'deployment-plan-documented');
        await expect(
          service.updateChecklistItem({
            id: release.id,
            itemId: 'deployment-plan-documented',
            actor: people.dave,
            request: { status: 'waived', comment: 'x' },
          }),
        ).rejects.toMatchObject({ name: 'ConflictError' });
      });

      it('becomes ready when every applicable item is passed or waived', async () => {
        const details = await makeReady(await create());
        expect(details.release.state).toBe('ready');
        expect(details.openItemIds).toEqual([]);
        expect(details.stages.every(s => s.status === 'passed')).toBe(true);
      });
    });

    describe('approvals', () => {
      it.each([
        ['the creator', people.alice, /created this release/],
        ['a commit author', people.bob, /authored commits/],
        [
          'someone outside the approver groups',
          people.frank,
          /not an eligible approver.*group:default\/team-a, group:default\/sre/,
        ],
        ['a service', people.ci, /only users/],
        [
          'a database admin when no migration needs one',
          people.erin,
          /not an eligible approver/,
        ],
      ])('refuses %s with 403 and the reason', async (_who, actor, reason) => {
        const { release } = await makeReady(await create());
        await expect(approve(release.id, actor)).rejects.toMatchObject({
          name: 'NotAllowedError',
          message: expect.stringMatching(reason),
        });
        expect(await knex('approvals')).toHaveLength(0);
      });

      it('refuses approval while items are open, listing them', async () => {
        const { release } = await create();
        await passAutomaticItems(release.id);
        await expect(approve(release.id, people.carol)).rejects.toMatchObject({
          name: 'ConflictError',
          message: expect.stringContaining(
            'deployment-plan-documented, rollback-procedure-tested, monitoring-alerts-configured',
          ),
        });
      });

      it('approves with the required number of people, each counted once', async () => {
        const { release } = await makeReady(await create());
        let details = await approve(release.id, people.carol);
        expect(details.release.state).toBe('ready');
        expect(details.approvalsRemaining).toBe(1);
        clock = new Date(clock.getTime() + 1000);
        await expect(approve(release.id, people.carol)).rejects.toMatchObject({
          name: 'ConflictError',
          message: expect.stringContaining('counts once'),
        });
        details = await approve(release.id, people.dave);
        expect(details.release.state).toBe('approved');
        expect(details.approvalsRemaining).toBe(0);
        expect(details.approvals.map(a => [a.approver, a.decision])).toEqual([
          ['user:default/carol', 'approve'],
          ['user:default/dave', 'approve'],
        ]);
        expect(details.approvals[0]).not.toHaveProperty('databaseAdmin');
        const audit = await service.getAuditTrail(release.id);
        expect(audit.filter(e => e.action === 'release.approved')).toHaveLength(
          1,
        );
      });

      it('needs one approval from a database admin when the plan migrates', async () => {
        const { release } = await makeReady(
          await create({ plan: migrationPlan }),
        );
        await approve(release.id, people.carol);
        let details = await approve(release.id, people.dave);
        expect(details.release.state).toBe('ready');
        expect(details.approvalsRemaining).toBe(0);
        expect(details.databaseAdminApprovalMissing).toBe(true);
        details = await approve(release.id, people.erin);
        expect(details.release.state).toBe('approved');
        expect(details.databaseAdminApprovalMissing).toBe(false);
      });

      it('treats a reject as final', async () => {
        const { release } = await makeReady(await create());
        const details = await service.decide({
          id: release.id,
          actor: people.dave,
          request: {
            decision: 'reject',
            comment: 'canary error rate too high',
          },
        });
        expect(details.release.state).toBe('rejected');
        await expect(approve(release.id, people.carol)).rejects.toMatchObject({
          name: 'ConflictError',
          message: expect.stringContaining('a reject is final'),
        });
        await expect(
          service.updateRelease({
            id: release.id,
            actor: people.alice,
            request: { commitSha: 'beef0001' },
          }),
        ).rejects.toMatchObject({ name: 'ConflictError' });
        const audit = await service.getAuditTrail(release.id);
        expect(audit.at(-1)).toMatchObject({
          action: 'release.rejected',
          reason: 'canary error rate too high',
        });
      });

      it.each([
        ['a recurring window', '2026-11-28T09:00:00.000Z', 'weekends'],
        ['a one-off window', '2026-12-22T15:00:00.000Z', 'year-end'],
      ])(
        'blocks approval in %s unless overridden with a reason',
        async (_what, at, windowName) => {
          const { release } = await makeReady(await create());
          clock = new Date(at);
          const details = await service.getDetails(release.id);
          expect(details.activeFreeze?.name).toBe(windowName);
          await expect(approve(release.id, people.carol)).rejects.toMatchObject(
            {
              name: 'ConflictError',
              message: expect.stringContaining(`frozen by '${windowName}'`),
            },
          );
          await expect(
            approve(release.id, people.carol, {
              overrideFreeze: { reason: ' ' },
            }),
          ).rejects.toMatchObject({
            name: 'InputError',
            message: expect.stringMatching(/^overrideFreeze\.reason/),
          });
          await approve(release.id, people.carol, {
            overrideFreeze: { reason: 'payment outage hotfix' },
          });
          expect(await knex('freeze_overrides')).toEqual([
            expect.objectContaining({
              actor: 'user:default/carol',
              reason: 'payment outage hotfix',
              window_name: windowName,
            }),
          ]);
          const audit = await service.getAuditTrail(release.id);
          expect(audit.map(e => e.action)).toContain('freeze.overridden');
          expect(auditor.events).toContainEqual(
            expect.objectContaining({
              eventId: 'freeze-override',
              severityLevel: 'high',
            }),
          );
        },
      );

      it('does not block staging during a production freeze', async () => {
        const { release } = await create({ environment: 'staging' });
        clock = new Date('2026-11-28T09:00:00.000Z');
        const details = await service.getDetails(release.id);
        expect(details.activeFreeze).toBeUndefined();
        expect(details.approvalsRequired).toBe(0);
        expect(details.approvalsRemaining).toBe(0);
      });
    });

    describe('update', () => {
      it('a new commit resets automatic items and invalidates approvals', async () => {
        const { release } = await makeReady(await create());
        await approve(release.id, people.carol);
        const details = await service.updateRelease({
          id: release.id,
          actor: people.alice,
          request: { commitSha: 'beef0001' },
        });
        expect(details.release).toMatchObject({
          commitSha: 'beef0001',
          state: 'draft',
        });
        expect(details.approvals).toEqual([]);
        const statuses = Object.fromEntries(
          details.checklist.map(i => [i.id, i.status]),
        );
        expect(statuses).toEqual({
          'tests-passing': 'pending',
          'code-coverage': 'pending',
          'security-scan': 'pending',
          'secrets-not-exposed': 'pending',
          'image-scanned': 'pending',
          'deployment-plan-documented': 'passed',
          'rollback-procedure-tested': 'passed',
          'monitoring-alerts-configured': 'passed',
          'team-communication-sent': 'pending',
        });
        const audit = await service.getAuditTrail(release.id);
        expect(audit.slice(-2)).toEqual([
          expect.objectContaining({ action: 'release.updated' }),
          expect.objectContaining({
            action: 'approvals.invalidated',
            before: [
              expect.objectContaining({
                approver: 'user:default/carol',
                decision: 'approve',
              }),
            ],
          }),
        ]);
        // Evidence for the old commit is now stale.
        await expect(
          service.recordEvidence({
            id: release.id,
            actor: people.ci,
            request: {
              items: [
                {
                  itemId: 'tests-passing',
                  status: 'passed',
                  source: 'github',
                  commitSha: COMMIT,
                },
              ],
            },
          }),
        ).rejects.toMatchObject({ name: 'ConflictError' });
        // The same person may approve again once the new commit is ready.
        await service.recordEvidence({
          id: release.id,
          actor: people.ci,
          request: {
            items: [
              'tests-passing',
              'security-scan',
              'secrets-not-exposed',
              'image-scanned',
              'team-communication-sent',
            ]
              .map(itemId => ({
                itemId,
                status: 'passed' as const,
                source: 'ci',
                commitSha: 'beef0001',
              }))
              .concat([
                {
                  itemId: 'code-coverage',
                  status: 'passed' as const,
                  source: 'ci',
                  commitSha: 'beef0001',
                  value: '85',
                } as never,
              ]),
          },
        });
        await expect(approve(release.id, people.carol)).resolves.toMatchObject({
          approvalsRemaining: 1,
        });
      });

      it('a new plan recomputes the checklist, keeping what still applies', async () => {
        const { release } = await makeReady(await create());
        const details = await service.updateRelease({
          id: release.id,
          actor: people.alice,
          request: { plan: { ...migrationPlan, hasConfigChanges: true } },
        });
        const statuses = Object.fromEntries(
          details.checklist.map(i => [i.id, i.status]),
        );
        expect(statuses).toMatchObject({
          'tests-passing': 'passed',
          'db-migration-tested': 'pending',
          'migration-rollback-plan': 'pending',
          'config-rollout-plan': 'pending',
          'deployment-plan-documented': 'passed',
        });
        expect(details.release.state).toBe('draft');
        expect(details.release.plan.hasDatabaseMigrations).toBe(true);
      });

      it('refuses a zero-downtime rolling plan', async () => {
        const { release } = await create();
        await expect(
          service.updateRelease({
            id: release.id,
            actor: people.alice,
            request: { plan: { ...simplePlan, strategy: 'rolling' } },
          }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(/^plan\.strategy/),
        });
      });

      it('reports an unknown release as not found', async () => {
        await expect(
          service.getDetails('no-such-release'),
        ).rejects.toMatchObject({ name: 'NotFoundError' });
        await expect(
          service.updateRelease({
            id: 'no-such-release',
            actor: people.alice,
            request: { commitSha: 'abc1234' },
          }),
        ).rejects.toMatchObject({ name: 'NotFoundError' });
      });
    });

    describe('concurrency', () => {
      it('counts two simultaneous approvals and moves to approved exactly once', async () => {
        const { release } = await makeReady(await create());
        const results = await Promise.allSettled([
          approve(release.id, people.carol),
          approve(release.id, people.dave),
        ]);
        expect(results.map(r => r.status)).toEqual(['fulfilled', 'fulfilled']);
        const details = await service.getDetails(release.id);
        expect(details.release.state).toBe('approved');
        expect(details.approvals).toHaveLength(2);
        const audit = await service.getAuditTrail(release.id);
        expect(audit.filter(e => e.action === 'release.approved')).toHaveLength(
          1,
        );
      });

      it('counts one person once even when they approve twice at the same moment', async () => {
        const { release } = await makeReady(await create());
        const results = await Promise.allSettled([
          approve(release.id, people.carol),
          approve(release.id, people.carol),
          approve(release.id, people.carol),
        ]);
        expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
        for (const result of results.filter(r => r.status === 'rejected')) {
          expect((result as PromiseRejectedResult).reason).toMatchObject({
            name: 'ConflictError',
          });
        }
        expect(await knex('approvals')).toHaveLength(1);
      });
    });
  },
);

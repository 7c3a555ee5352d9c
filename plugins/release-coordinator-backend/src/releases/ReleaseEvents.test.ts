import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { SignalPayload } from '@backstage/plugin-signals-node';
import {
  ReleaseDetails,
  ReleasePlan,
} from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { DatabaseReleaseStore } from '../database/DatabaseReleaseStore';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { readReleaseReadinessSettings } from './config';
import { releaseReadinessLink, releaseSummaryText } from './ReleaseEvents';
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

const unfrozen = {
  releaseCoordinator: { ...testConfig.releaseCoordinator, freezeWindows: [] },
};
const alwaysFrozen = {
  releaseCoordinator: {
    ...testConfig.releaseCoordinator,
    freezeWindows: [
      {
        name: 'change-freeze',
        environments: ['production'],
        start: '2000-01-01T00:00:00Z',
        end: '2100-01-01T00:00:00Z',
      },
    ],
  },
};

describe.each(databases.eachSupportedId())(
  'ReleaseService signals and notifications (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseReleaseStore;
    let auditor: ReturnType<typeof recordingAuditor>;
    let published: SignalPayload[];
    let sent: NotificationSendOptions[];
    let publish: jest.Mock;
    let send: jest.Mock;
    let logger: ReturnType<typeof mockServices.logger.mock>;
    let service: ReleaseService;

    function createService(config: object = unfrozen) {
      auditor = recordingAuditor();
      return new ReleaseService({
        store,
        settings: readReleaseReadinessSettings(new ConfigReader(config)),
        auditor,
        catalog: catalogServiceMock({ entities: [payments] }),
        auth: mockServices.auth(),
        signals: { publish },
        notifications: { send },
        logger,
      });
    }

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseReleaseStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
    });

    beforeEach(async () => {
      for (const table of [
        'freeze_overrides',
        'approvals',
        'checklist_items',
        'audit_events',
        'releases',
      ]) {
        await knex(table).del();
      }
      published = [];
      sent = [];
      publish = jest.fn(async (signal: SignalPayload) => {
        published.push(signal);
      });
      send = jest.fn(async (options: NotificationSendOptions) => {
        sent.push(options);
      });
      logger = mockServices.logger.mock();
      service = createService();
    });

    function create(
      options: {
        plan?: ReleasePlan;
        environment?: string;
        version?: string;
      } = {},
    ): Promise<ReleaseDetails> {
      return service.createRelease({
        entityRef: paymentsRef,
        actor: people.alice,
        request: {
          version: options.version ?? '1.4.0',
          environment: options.environment ?? 'production',
          commitSha: COMMIT,
          plan: options.plan ?? simplePlan,
          commitAuthors: ['bob'],
        },
      });
    }

    function passAutomaticItems(id: string, withTeamItem = true) {
      const ids = [
        'tests-passing',
        'security-scan',
        'secrets-not-exposed',
        'image-scanned',
        ...(withTeamItem ? ['team-communication-sent'] : []),
      ];
      return service.recordEvidence({
        id,
        actor: people.ci,
        request: {
          items: [
            ...ids.map(itemId => ({
              itemId,
              status: 'passed' as const,
              source: 'ci',
            })),
            {
              itemId: 'code-coverage',
              status: 'passed',
              value: '91',
              source: 'ci',
            },
          ],
        },
      });
    }

    async function attestManualItems(details: ReleaseDetails) {
      let current = details;
      for (const item of details.checklist) {
        if (item.kind === 'manual' && item.status === 'pending') {
          current = await service.updateChecklistItem({
            id: details.release.id,
            itemId: item.id,
            actor: item.requiredRole ? people.erin : people.carol,
            request: {
              status: 'passed',
              evidenceUrl: `https://wiki/${item.id}`,
            },
          });
        }
      }
      return current;
    }

    function signalsOf(releaseId: string) {
      return published.filter(
        s => s.channel === `release-coordinator:release:${releaseId}`,
      );
    }

    describe('signals', () => {
      it('publishes every change on the release and entity channels', async () => {
        const created = await create();
        const id = created.release.id;
        await passAutomaticItems(id);
        await attestManualItems(await service.getDetails(id));
        await service.decide({
          id,
          actor: people.carol,
          request: { decision: 'approve' },
        });
        await service.decide({
          id,
          actor: people.dave,
          request: { decision: 'reject', comment: 'not today' },
        });

        const releaseSignals = signalsOf(id);
        expect(
          releaseSignals.map(s => [s.message.action, s.message.state]),
        ).toEqual([
          ['create', 'draft'],
          ['evidence', 'draft'],
          ['attest', 'draft'],
          ['attest', 'draft'],
          ['attest', 'ready'],
          ['approve', 'ready'],
          ['reject', 'rejected'],
        ]);
        expect(releaseSignals[0].message).toEqual({
          releaseId: id,
          entityRef: paymentsRef,
          state: 'draft',
          action: 'create',
        });
        // The entity channel carries the same messages; all are broadcast.
        const entitySignals = published.filter(
          s =>
            s.channel ===
            'release-coordinator:releases:component:default/payments',
        );
        expect(entitySignals.map(s => s.message)).toEqual(
          releaseSignals.map(s => s.message),
        );
        expect(published).toHaveLength(2 * releaseSignals.length);
        expect(published.every(s => s.recipients.type === 'broadcast')).toBe(
          true,
        );
      });

      it('names waive, update and override', async () => {
        service = createService(alwaysFrozen);
        const { release } = await create();
        await service.updateChecklistItem({
          id: release.id,
          itemId: 'rollback-procedure-tested',
          actor: people.carol,
          request: { status: 'waived', comment: 'rehearsed last week' },
        });
        await service.updateRelease({
          id: release.id,
          actor: people.alice,
          request: { commitSha: 'ffff0000' },
        });
        // Back on the new commit, then ready and approved through a freeze.
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
              }))
              .concat([
                {
                  itemId: 'code-coverage',
                  status: 'passed',
                  source: 'ci',
                  value: '90',
                } as never,
              ]),
          },
        });
        await attestManualItems(await service.getDetails(release.id));
        await service.decide({
          id: release.id,
          actor: people.carol,
          request: {
            decision: 'approve',
            overrideFreeze: { reason: 'hotfix for an outage' },
          },
        });
        expect(signalsOf(release.id).map(s => s.message.action)).toEqual([
          'create',
          'waive',
          'update',
          'evidence',
          'attest',
          'attest',
          'override',
        ]);
      });

      it('keeps the change when publishing fails', async () => {
        publish.mockRejectedValue(new Error('signals are down'));
        const created = await create();
        expect(created.release.state).toBe('draft');
        expect(await service.getDetails(created.release.id)).toBeDefined();
        expect(logger.warn).toHaveBeenCalledWith(
          expect.stringContaining('signals are down'),
        );
      });

      it('publishes nothing for a refused change', async () => {
        const { release } = await create();
        await expect(
          service.decide({
            id: release.id,
            actor: people.carol,
            request: { decision: 'approve' },
          }),
        ).rejects.toThrow(/open checklist items/);
        expect(signalsOf(release.id).map(s => s.message.action)).toEqual([
          'create',
        ]);
      });
    });

    describe('approver notifications', () => {
      it('notifies the eligible approvers once when the release becomes ready', async () => {
        const { release } = await create();
        await passAutomaticItems(release.id);
        expect(send).not.toHaveBeenCalled();
        const ready = await attestManualItems(
          await service.getDetails(release.id),
        );
        expect(ready.release.state).toBe('ready');
        expect(sent).toEqual([
          {
            recipients: {
              type: 'entity',
              // `owner` (team-a) and the configured group.
              entityRef: ['group:default/team-a', 'group:default/sre'],
              // Creator and commit author may not approve.
              excludeEntityRef: ['user:default/alice', 'user:default/bob'],
            },
            payload: {
              title: `Release 1.4.0 of ${paymentsRef} awaits approval for production`,
              description: releaseSummaryText(ready),
              link: `/catalog/default/component/payments/release-readiness?release=${release.id}`,
              topic: 'release-coordinator',
              severity: 'normal',
              scope: `release:${release.id}`,
            },
          },
        ]);

        // Changes that leave the release ready do not notify again.
        await service.recordEvidence({
          id: release.id,
          actor: people.ci,
          request: {
            items: [
              { itemId: 'tests-passing', status: 'passed', source: 'ci' },
            ],
          },
        });
        await service.decide({
          id: release.id,
          actor: people.carol,
          request: { decision: 'approve' },
        });
        expect(send).toHaveBeenCalledTimes(1);
      });

      it('updates the one notification when the release is approved or rejected', async () => {
        const approvedRelease = (await create()).release;
        await passAutomaticItems(approvedRelease.id);
        await attestManualItems(await service.getDetails(approvedRelease.id));
        for (const actor of [people.carol, people.dave]) {
          await service.decide({
            id: approvedRelease.id,
            actor,
            request: { decision: 'approve' },
          });
        }
        const rejectedRelease = (await create({ version: '1.5.0' })).release;
        await passAutomaticItems(rejectedRelease.id);
        await attestManualItems(await service.getDetails(rejectedRelease.id));
        await service.decide({
          id: rejectedRelease.id,
          actor: people.dave,
          request: { decision: 'reject', comment: 'not this week' },
        });

        expect(sent.map(n => [n.payload.scope, n.payload.title])).toEqual([
          [
            `release:${approvedRelease.id}`,
            `Release 1.4.0 of ${paymentsRef} awaits approval for production`,
          ],
          [
            `release:${approvedRelease.id}`,
            `Release 1.4.0 of ${paymentsRef} approved for production`,
          ],
          [
            `release:${rejectedRelease.id}`,
            `Release 1.5.0 of ${paymentsRef} awaits approval for production`,
          ],
          [
            `release:${rejectedRelease.id}`,
            `Release 1.5.0 of ${paymentsRef} rejected for production`,
          ],
        ]);
        // The update reaches the same people, links to the release and says
        // who decided.
        expect(sent[1].recipients).toEqual(sent[0].recipients);
        expect(sent[1].payload.link).toBe(
          `/catalog/default/component/payments/release-readiness?release=${approvedRelease.id}`,
        );
        expect(sent[1].payload.description).toContain('is approved');
        expect(sent[1].payload.description).toContain('2 of 2 approvals');
      });

      it('adds the database admins when the plan migrates the database', async () => {
        const { release } = await create({ plan: migrationPlan });
        await passAutomaticItems(release.id);
        await attestManualItems(await service.getDetails(release.id));
        expect(sent).toHaveLength(1);
        expect(sent[0].recipients).toEqual({
          type: 'entity',
          entityRef: [
            'group:default/team-a',
            'group:default/sre',
            'group:default/dba',
          ],
          excludeEntityRef: ['user:default/alice', 'user:default/bob'],
        });
      });

      it('notifies nobody where no approval is required', async () => {
        const { release } = await create({ environment: 'staging' });
        await passAutomaticItems(release.id);
        const ready = await attestManualItems(
          await service.getDetails(release.id),
        );
        expect(ready.release.state).toBe('ready');
        expect(send).not.toHaveBeenCalled();
      });

      it('notifies again when a release becomes ready a second time', async () => {
        const { release } = await create();
        await passAutomaticItems(release.id);
        await attestManualItems(await service.getDetails(release.id));
        // A new commit resets the automatic items: back to draft.
        const draft = await service.updateRelease({
          id: release.id,
          actor: people.alice,
          request: { commitSha: 'ffff0000' },
        });
        expect(draft.release.state).toBe('draft');
        const ready = await passAutomaticItems(release.id);
        expect(ready.release.state).toBe('ready');
        // One notification, updated: ready, no longer ready, ready again.
        expect(sent.map(n => [n.payload.scope, n.payload.title])).toEqual([
          [
            `release:${release.id}`,
            `Release 1.4.0 of ${paymentsRef} awaits approval for production`,
          ],
          [
            `release:${release.id}`,
            `Release 1.4.0 of ${paymentsRef} is no longer ready for production`,
          ],
          [
            `release:${release.id}`,
            `Release 1.4.0 of ${paymentsRef} awaits approval for production`,
          ],
        ]);
      });

      it('keeps the change when notifying fails', async () => {
        send.mockRejectedValue(new Error('notifications are down'));
        const { release } = await create();
        await passAutomaticItems(release.id);
        const ready = await attestManualItems(
          await service.getDetails(release.id),
        );
        expect(ready.release.state).toBe('ready');
        expect(logger.warn).toHaveBeenCalledWith(
          expect.stringContaining('notifications are down'),
        );
      });
    });

    describe('notify team', () => {
      it('notifies the owner group and passes team-communication-sent', async () => {
        const { release } = await create();
        await passAutomaticItems(release.id, false);
        const details = await service.notifyTeam({
          id: release.id,
          actor: people.carol,
        });

        expect(sent).toHaveLength(1);
        expect(sent[0].recipients).toEqual({
          type: 'entity',
          entityRef: 'group:default/team-a',
        });
        expect(sent[0].payload).toMatchObject({
          title: `Release 1.4.0 of ${paymentsRef} to production`,
          link: `/catalog/default/component/payments/release-readiness?release=${release.id}`,
          topic: 'release-coordinator',
          severity: 'normal',
        });
        expect(sent[0].payload.description).toContain(
          'open items: deployment-plan-documented, rollback-procedure-tested, monitoring-alerts-configured, team-communication-sent',
        );

        const item = details.checklist.find(
          i => i.id === 'team-communication-sent',
        );
        expect(item).toMatchObject({
          status: 'passed',
          evidence: {
            source: 'notification',
            recordedBy: 'user:default/carol',
            value: 'notified group:default/team-a',
          },
        });
        expect(details.openItemIds).not.toContain('team-communication-sent');

        const audit = await service.getAuditTrail(release.id);
        expect(audit.at(-1)).toMatchObject({
          actor: 'user:default/carol',
          action: 'team.notified',
          before: { itemId: 'team-communication-sent', status: 'pending' },
          after: {
            group: 'group:default/team-a',
            itemId: 'team-communication-sent',
            status: 'passed',
          },
        });
        expect(
          auditor.events.find(e => e.eventId === 'release-notify-team'),
        ).toMatchObject({ severityLevel: 'low', outcome: 'success' });
        expect(signalsOf(release.id).at(-1)?.message.action).toBe('notify');
      });

      it('makes the release ready when it was the last open item', async () => {
        const { release } = await create();
        await passAutomaticItems(release.id, false);
        await attestManualItems(await service.getDetails(release.id));
        const details = await service.notifyTeam({
          id: release.id,
          actor: people.carol,
        });
        expect(details.release.state).toBe('ready');
        // The team notification, then the approvers'.
        expect(sent.map(s => s.payload.scope)).toEqual([
          `release:${release.id}:team`,
          `release:${release.id}`,
        ]);
      });

      it('refuses a rejected release without sending', async () => {
        const { release } = await create();
        await service.decide({
          id: release.id,
          actor: people.dave,
          request: { decision: 'reject', comment: 'no' },
        });
        await expect(
          service.notifyTeam({ id: release.id, actor: people.carol }),
        ).rejects.toMatchObject({ name: 'ConflictError' });
        expect(send).not.toHaveBeenCalled();
      });

      it('records nothing when the notification cannot be sent', async () => {
        send.mockRejectedValue(new Error('notifications backend is down'));
        const { release } = await create();
        await expect(
          service.notifyTeam({ id: release.id, actor: people.carol }),
        ).rejects.toMatchObject({
          // 502 with our own message: the upstream error is logged only.
          name: 'UpstreamServiceError',
          statusCode: 502,
          message: expect.not.stringContaining('notifications backend is down'),
        });
        const details = await service.getDetails(release.id);
        expect(
          details.checklist.find(i => i.id === 'team-communication-sent')
            ?.status,
        ).toBe('pending');
        const audit = await service.getAuditTrail(release.id);
        expect(audit.map(e => e.action)).toEqual(['release.created']);
        expect(
          auditor.events.find(e => e.eventId === 'release-notify-team'),
        ).toMatchObject({ outcome: 'fail' });
      });

      it('refuses an entity without owner', async () => {
        const { release } = await create();
        service = new ReleaseService({
          store,
          settings: readReleaseReadinessSettings(new ConfigReader(unfrozen)),
          auditor: recordingAuditor(),
          catalog: catalogServiceMock({
            entities: [{ ...payments, spec: { type: 'service' } }],
          }),
          auth: mockServices.auth(),
          notifications: { send },
        });
        await expect(
          service.notifyTeam({ id: release.id, actor: people.carol }),
        ).rejects.toThrow(/names no owner group/);
        expect(send).not.toHaveBeenCalled();
      });
    });
  },
);

describe('release notification texts', () => {
  it('links to the Release readiness tab of the entity', () => {
    expect(
      releaseReadinessLink({
        id: 'r-1',
        entityRef: 'component:default/payments',
      } as never),
    ).toBe('/catalog/default/component/payments/release-readiness?release=r-1');
  });

  it('summarizes plan, open items and approvals', () => {
    expect(
      releaseSummaryText({
        release: {
          version: '1.4.0',
          entityRef: 'component:default/payments',
          environment: 'production',
          commitSha: 'a1b2c3d4e5f60011223344',
          state: 'draft',
          plan: migrationPlan,
        },
        openItemIds: ['db-migration-tested'],
        approvalsRequired: 2,
        approvalsRemaining: 2,
      } as never),
    ).toBe(
      'Release 1.4.0 of component:default/payments to production (commit a1b2c3d4e5f6) is draft; plan: blue-green, zero-downtime, database migrations; open items: db-migration-tested; 0 of 2 approvals.',
    );
  });
});

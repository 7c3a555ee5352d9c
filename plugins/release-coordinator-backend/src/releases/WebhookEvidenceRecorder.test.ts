import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { SignalPayload } from '@backstage/plugin-signals-node';
import {
  ReleaseDetails,
  ReleaseState,
} from '@release-coordinator/backstage-plugin-common';
import { WebhookEvidenceInput } from '@release-coordinator/backstage-plugin-node';
import { Knex } from 'knex';
import { DatabaseReleaseStore } from '../database/DatabaseReleaseStore';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { WebhookDeliveryStore } from '../webhooks/WebhookDeliveryStore';
import { WebhookService } from '../webhooks/WebhookService';
import { ReleaseService } from './ReleaseService';
import { WebhookEvidenceRecorder } from './WebhookEvidenceRecorder';
import {
  payments,
  paymentsRef,
  people,
  recordingAuditor,
  simplePlan,
  testSettings,
} from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const COMMIT = 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0';
const OTHER_COMMIT = 'ffffffffffffffffffffffffffffffffffffffff';
const CHECK_URL = 'https://github.com/acme/payments/runs/4';

function checkRun(
  overrides: Partial<WebhookEvidenceInput> = {},
): WebhookEvidenceInput {
  return {
    entityRef: paymentsRef,
    itemId: 'tests-passing',
    status: 'passed',
    url: CHECK_URL,
    source: 'github',
    commitSha: COMMIT,
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'WebhookEvidenceRecorder (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseReleaseStore;
    let published: SignalPayload[];
    let auditor: ReturnType<typeof recordingAuditor>;
    let logger: ReturnType<typeof mockServices.logger.mock>;
    let releases: ReleaseService;
    let recorder: WebhookEvidenceRecorder;

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
      auditor = recordingAuditor();
      logger = mockServices.logger.mock();
      releases = new ReleaseService({
        store,
        settings: testSettings,
        auditor,
        catalog: catalogServiceMock({ entities: [payments] }),
        auth: mockServices.auth(),
        signals: {
          publish: async payload => {
            published.push(payload as SignalPayload);
          },
        },
        logger,
      });
      recorder = new WebhookEvidenceRecorder({ releases, store, logger });
    });

    function create(
      options: { commitSha?: string; entityRef?: string } = {},
    ): Promise<ReleaseDetails> {
      return releases.createRelease({
        entityRef: options.entityRef ?? paymentsRef,
        actor: people.alice,
        request: {
          version: '1.4.0',
          environment: 'staging',
          commitSha: options.commitSha ?? COMMIT,
          plan: simplePlan,
        },
      });
    }

    async function item(releaseId: string, itemId: string) {
      const details = await releases.getDetails(releaseId);
      return details.checklist.find(i => i.id === itemId);
    }

    it('records a check run on the open release at its commit', async () => {
      const { release } = await create();

      const outcomes = await recorder.recordWebhookEvidence([checkRun()]);

      expect(outcomes).toEqual([
        { releaseId: release.id, itemId: 'tests-passing', outcome: 'recorded' },
      ]);
      expect(await item(release.id, 'tests-passing')).toMatchObject({
        status: 'passed',
        evidence: {
          url: CHECK_URL,
          source: 'github',
          recordedBy: 'webhook:github',
        },
      });
      const trail = await releases.getAuditTrail(release.id);
      expect(trail[trail.length - 1]).toMatchObject({
        actor: 'webhook:github',
        action: 'checklist.evidence',
        before: { itemId: 'tests-passing', status: 'pending' },
        after: { itemId: 'tests-passing', status: 'passed', source: 'github' },
      });
      expect(
        auditor.events.find(e => e.eventId === 'checklist-evidence'),
      ).toMatchObject({
        meta: { actor: 'webhook:github' },
        outcome: 'success',
      });
      expect(
        published
          .filter(
            s => s.channel === `release-coordinator:release:${release.id}`,
          )
          .map(s => (s.message as { action: string }).action),
      ).toEqual(['create', 'evidence']);
    });

    it('applies the coverage threshold like POST /releases/:id/evidence', async () => {
      const { release } = await create();

      await recorder.recordWebhookEvidence([
        checkRun({ itemId: 'code-coverage', status: 'passed', value: '72.5' }),
      ]);

      expect(await item(release.id, 'code-coverage')).toMatchObject({
        status: 'failed',
        evidence: { value: '72.5', recordedBy: 'webhook:github' },
      });
    });

    it('leaves the releases of other commits and other entities alone', async () => {
      const { release: other } = await create({ commitSha: OTHER_COMMIT });
      const { release: otherEntity } = await create({
        entityRef: 'component:default/ledger',
      });
      const { release: matching } = await create();

      await recorder.recordWebhookEvidence([checkRun()]);

      expect(await item(matching.id, 'tests-passing')).toMatchObject({
        status: 'passed',
      });
      for (const id of [other.id, otherEntity.id]) {
        expect(await item(id, 'tests-passing')).toMatchObject({
          status: 'pending',
        });
        expect((await releases.getAuditTrail(id)).map(e => e.action)).toEqual([
          'release.created',
        ]);
      }
    });

    it('stores nothing for a commit no release has, and logs it at debug', async () => {
      const { release } = await create({ commitSha: OTHER_COMMIT });
      const auditRows = await knex('audit_events').count({ n: '*' });

      const outcomes = await recorder.recordWebhookEvidence([checkRun()]);

      expect(outcomes).toEqual([]);
      expect(await knex('audit_events').count({ n: '*' })).toEqual(auditRows);
      expect(await item(release.id, 'tests-passing')).toMatchObject({
        status: 'pending',
      });
      expect(logger.debug).toHaveBeenCalledWith(
        expect.stringContaining(`No open release of ${paymentsRef} at commit`),
      );
      expect(logger.warn).not.toHaveBeenCalled();
    });

    it.each<ReleaseState>(['approved', 'rejected', 'deployed'])(
      'leaves a %s release alone',
      async state => {
        const { release } = await create();
        await knex('releases').where({ id: release.id }).update({ state });

        expect(await recorder.recordWebhookEvidence([checkRun()])).toEqual([]);
        expect(await item(release.id, 'tests-passing')).toMatchObject({
          status: 'pending',
        });
      },
    );

    it('skips items the release rejects with a warning and records the others', async () => {
      const { release } = await create();

      const outcomes = await recorder.recordWebhookEvidence([
        checkRun({ itemId: 'no-such-item' }),
        checkRun({ itemId: 'deployment-plan-documented' }),
        checkRun({ itemId: 'code-coverage', value: 'lots' }),
        checkRun(),
      ]);

      expect(outcomes.map(o => [o.itemId, o.outcome])).toEqual([
        ['no-such-item', 'skipped'],
        ['deployment-plan-documented', 'skipped'],
        ['code-coverage', 'skipped'],
        ['tests-passing', 'recorded'],
      ]);
      expect(logger.warn).toHaveBeenCalledTimes(3);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining("'no-such-item' is not on the checklist"),
      );
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('attested by a person'),
      );
      const details = await releases.getDetails(release.id);
      expect(
        details.checklist.find(i => i.id === 'deployment-plan-documented'),
      ).toMatchObject({ status: 'pending' });
      expect(
        details.checklist.find(i => i.id === 'tests-passing'),
      ).toMatchObject({ status: 'passed' });
    });

    it('moves the release to ready when the check run closes the last open item', async () => {
      const { release } = await create();
      const automatic = [
        'security-scan',
        'secrets-not-exposed',
        'image-scanned',
        'team-communication-sent',
      ];
      let details = await releases.recordEvidence({
        id: release.id,
        actor: people.ci,
        request: {
          items: [
            ...automatic.map(itemId => ({
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
      for (const open of details.checklist) {
        if (open.kind === 'manual' && open.status === 'pending') {
          details = await releases.updateChecklistItem({
            id: release.id,
            itemId: open.id,
            actor: open.requiredRole ? people.erin : people.carol,
            request: { status: 'passed', evidenceUrl: 'https://wiki/x' },
          });
        }
      }
      expect(details.openItemIds).toEqual(['tests-passing']);
      expect(details.release.state).toBe('draft');

      await recorder.recordWebhookEvidence([checkRun()]);

      expect((await releases.getDetails(release.id)).release.state).toBe(
        'ready',
      );
    });

    it('turns a webhook delivery with evidence into a passed checklist item', async () => {
      const { release } = await create();
      const claimed = new Set<string>();
      const deliveries: WebhookDeliveryStore = {
        async claimDelivery(key) {
          if (claimed.has(key.deliveryId)) return false;
          claimed.add(key.deliveryId);
          return true;
        },
        async releaseDelivery(key) {
          claimed.delete(key.deliveryId);
        },
      };
      const webhooks = new WebhookService({
        handlers: [
          {
            path: 'github',
            handle: async () => ({
              deliveryId: 'delivery-1',
              evidence: [checkRun()],
            }),
          },
        ],
        store: deliveries,
        sink: {
          ingestDeployments: async () => [],
          ingestIncidents: async () => [],
        },
        catalog: catalogServiceMock({ entities: [payments] }),
        auth: mockServices.auth(),
        logger,
        evidenceSink: recorder,
      });

      await expect(
        webhooks.receive({
          handlerPath: 'github',
          headers: {},
          rawBody: Buffer.from('{}'),
        }),
      ).resolves.toEqual({ duplicate: false, deployments: [], incidents: [] });

      expect(await item(release.id, 'tests-passing')).toMatchObject({
        status: 'passed',
        evidence: { source: 'github', recordedBy: 'webhook:github' },
      });
      expect(logger.warn).not.toHaveBeenCalled();
    });
  },
);

import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import {
  ChecklistItem,
  ReleasePlan,
} from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { DatabaseReleaseStore } from './DatabaseReleaseStore';
import { createTestDatabases } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const plan: ReleasePlan = {
  strategy: 'canary',
  zeroDowntime: true,
  hasDatabaseMigrations: true,
  hasConfigChanges: false,
  notes: 'canary 10% for 30 minutes',
};

const payments = 'component:default/payments';
const ledger = 'component:default/ledger';

describe.each(databases.eachSupportedId())(
  'DatabaseReleaseStore (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseReleaseStore;
    let clock: Date;

    const tick = (ms = 1000) => {
      clock = new Date(clock.getTime() + ms);
    };

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseReleaseStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
        now: () => clock,
      });
    });

    beforeEach(async () => {
      clock = new Date('2026-11-20T08:00:00.123Z');
      for (const table of [
        'freeze_overrides',
        'approvals',
        'checklist_items',
        'audit_events',
      ]) {
        await knex(table).del();
      }
      await knex('releases').del();
    });

    it('creates a release and reads it back with every field', async () => {
      const created = await store.createRelease({
        entityRef: payments,
        environment: 'production',
        version: '1.4.0',
        commitSha: 'a1b2c3d4',
        artifactDigest: 'sha256:feed',
        plan,
        createdBy: 'user:default/alice',
        commitAuthors: ['user:default/bob', 'user:default/carol'],
      });

      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        entityRef: payments,
        environment: 'production',
        version: '1.4.0',
        commitSha: 'a1b2c3d4',
        artifactDigest: 'sha256:feed',
        plan,
        state: 'draft',
        createdBy: 'user:default/alice',
        commitAuthors: ['user:default/bob', 'user:default/carol'],
        createdAt: '2026-11-20T08:00:00.123Z',
        updatedAt: '2026-11-20T08:00:00.123Z',
      });
      await expect(store.getRelease(created.id)).resolves.toEqual(created);
    });

    it('leaves optional fields out rather than returning nulls', async () => {
      const created = await store.createRelease({
        entityRef: payments,
        environment: 'staging',
        version: '1.4.0',
        plan: { ...plan, notes: undefined },
        createdBy: 'user:default/alice',
      });
      const read = await store.getRelease(created.id);
      expect(read).not.toHaveProperty('commitSha');
      expect(read).not.toHaveProperty('artifactDigest');
      expect(read?.commitAuthors).toEqual([]);
      expect(read?.plan).toEqual({
        strategy: 'canary',
        zeroDowntime: true,
        hasDatabaseMigrations: true,
        hasConfigChanges: false,
      });
    });

    it('returns undefined for an unknown or malformed id', async () => {
      await expect(
        store.getRelease('00000000-0000-4000-8000-000000000000'),
      ).resolves.toBeUndefined();
      await expect(store.getRelease('not-a-uuid')).resolves.toBeUndefined();
    });

    it('lists the releases of one entity newest first', async () => {
      const v1 = await store.createRelease({
        entityRef: payments,
        environment: 'staging',
        version: '1.0.0',
        plan,
        createdBy: 'user:default/alice',
      });
      tick();
      await store.createRelease({
        entityRef: ledger,
        environment: 'staging',
        version: '9.9.9',
        plan,
        createdBy: 'user:default/alice',
      });
      tick();
      const v2 = await store.createRelease({
        entityRef: payments,
        environment: 'production',
        version: '1.1.0',
        plan,
        createdBy: 'user:default/alice',
      });
      tick(24 * 3600 * 1000);
      const v3 = await store.createRelease({
        entityRef: payments,
        environment: 'staging',
        version: '1.2.0',
        plan,
        createdBy: 'user:default/alice',
      });

      const all = await store.listReleases({ entityRef: payments });
      expect(all.map(r => r.version)).toEqual(['1.2.0', '1.1.0', '1.0.0']);
      expect(all.map(r => r.id)).toEqual([v3.id, v2.id, v1.id]);
    });

    it('filters by environment and honours the limit', async () => {
      for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
        await store.createRelease({
          entityRef: payments,
          environment: 'staging',
          version,
          plan,
          createdBy: 'user:default/alice',
        });
        tick();
      }
      await store.createRelease({
        entityRef: payments,
        environment: 'production',
        version: '1.0.0',
        plan,
        createdBy: 'user:default/alice',
      });

      const staging = await store.listReleases({
        entityRef: payments,
        environment: 'staging',
      });
      expect(staging.map(r => r.version)).toEqual(['1.2.0', '1.1.0', '1.0.0']);

      const latestTwo = await store.listReleases({
        entityRef: payments,
        environment: 'staging',
        limit: 2,
      });
      expect(latestTwo.map(r => r.version)).toEqual(['1.2.0', '1.1.0']);

      await expect(
        store.listReleases({ entityRef: payments, environment: 'qa' }),
      ).resolves.toEqual([]);
      await expect(store.listReleases({ entityRef: ledger })).resolves.toEqual(
        [],
      );
    });

    it('appends audit events and lists a release trail oldest first', async () => {
      const release = await store.createRelease({
        entityRef: payments,
        environment: 'production',
        version: '2.0.0',
        plan,
        createdBy: 'user:default/alice',
      });
      const other = await store.createRelease({
        entityRef: payments,
        environment: 'staging',
        version: '2.0.0',
        plan,
        createdBy: 'user:default/alice',
      });

      const created = await store.appendAuditEvent({
        releaseId: release.id,
        entityRef: payments,
        actor: 'user:default/alice',
        action: 'release.created',
        after: { state: 'draft', plan: { strategy: 'canary' } },
      });
      tick();
      await store.appendAuditEvent({
        releaseId: other.id,
        entityRef: payments,
        actor: 'user:default/alice',
        action: 'release.created',
      });
      tick();
      const waived = await store.appendAuditEvent({
        releaseId: release.id,
        entityRef: payments,
        actor: 'user:default/dana',
        action: 'checklist.waived',
        before: { status: 'failed' },
        after: { status: 'waived' },
        reason: 'scanner outage, manual review done',
      });
      await store.appendAuditEvent({
        entityRef: payments,
        actor: 'release-coordinator',
        action: 'deployment.rolled-back',
        before: null,
      });

      expect(created).toEqual({
        id: expect.any(String),
        releaseId: release.id,
        entityRef: payments,
        actor: 'user:default/alice',
        action: 'release.created',
        after: { state: 'draft', plan: { strategy: 'canary' } },
        createdAt: '2026-11-20T08:00:00.123Z',
      });

      const trail = await store.listAuditEvents(release.id);
      expect(trail).toEqual([created, waived]);
      expect(trail[1]).toMatchObject({
        before: { status: 'failed' },
        after: { status: 'waived' },
        reason: 'scanner outage, manual review done',
        createdAt: '2026-11-20T08:00:02.123Z',
      });
      expect(Number(waived.id)).toBeGreaterThan(Number(created.id));

      const rows = await knex('audit_events').whereNull('release_id');
      expect(rows).toHaveLength(1);
      expect(rows[0].before).toBe('null');
    });

    it('refuses an audit event for a release that does not exist', async () => {
      await expect(
        store.appendAuditEvent({
          releaseId: '00000000-0000-4000-8000-000000000000',
          entityRef: payments,
          actor: 'user:default/alice',
          action: 'release.created',
        }),
      ).rejects.toThrow('No release 00000000-0000-4000-8000-000000000000');
      await expect(knex('audit_events')).resolves.toEqual([]);
    });

    describe('release readiness', () => {
      const checklist: ChecklistItem[] = [
        {
          id: 'tests-passing',
          title: 'Tests pass',
          stage: 'tests',
          kind: 'automatic',
          status: 'pending',
        },
        {
          id: 'db-migration-tested',
          title: 'Migration tested',
          stage: 'staging',
          kind: 'manual',
          status: 'pending',
          requiredRole: 'database-admin',
        },
      ];

      async function createWithChecklist() {
        return store.createRelease({
          entityRef: payments,
          environment: 'production',
          version: '1.4.0',
          plan,
          createdBy: 'user:default/alice',
          checklist,
        });
      }

      it('stores the checklist with the release and writes items back', async () => {
        const release = await createWithChecklist();
        expect(await store.listChecklistItems(release.id)).toEqual(checklist);
        await store.inReleaseTransaction(release.id, tx =>
          tx.updateChecklistItem({
            ...checklist[1],
            status: 'waived',
            waiverReason: 'replica down',
            evidence: {
              url: 'https://wiki/db',
              recordedBy: 'user:default/erin',
              recordedAt: '2026-11-20T09:00:00.000Z',
            },
          }),
        );
        expect((await store.listChecklistItems(release.id))[1]).toEqual({
          ...checklist[1],
          status: 'waived',
          waiverReason: 'replica down',
          evidence: {
            url: 'https://wiki/db',
            recordedBy: 'user:default/erin',
            recordedAt: '2026-11-20T09:00:00.000Z',
          },
        });
      });

      it('moves the state only from the expected states', async () => {
        const release = await createWithChecklist();
        const moved = await store.inReleaseTransaction(release.id, tx =>
          tx.transitionState(['ready'], 'approved'),
        );
        expect(moved).toBe(false);
        await store.inReleaseTransaction(release.id, async tx => {
          expect(await tx.transitionState(['draft'], 'ready')).toBe(true);
          expect(tx.release.state).toBe('ready');
        });
        expect((await store.getRelease(release.id))?.state).toBe('ready');
      });

      it('counts a person once and rolls back everything on failure', async () => {
        const release = await createWithChecklist();
        const decision = {
          approver: 'user:default/carol',
          decision: 'approve' as const,
          databaseAdmin: false,
        };
        await store.inReleaseTransaction(release.id, tx =>
          tx.insertApproval(decision),
        );
        await expect(
          store.inReleaseTransaction(release.id, async tx => {
            await tx.appendAuditEvent({
              actor: 'user:default/carol',
              action: 'release.approval',
            });
            await tx.insertApproval(decision);
          }),
        ).rejects.toMatchObject({ name: 'ConflictError' });
        expect(await store.listApprovals(release.id)).toEqual([
          expect.objectContaining({
            approver: 'user:default/carol',
            decision: 'approve',
            databaseAdmin: false,
            decidedAt: '2026-11-20T08:00:00.123Z',
          }),
        ]);
        // The audit row of the failed transaction was rolled back.
        expect(await store.listAuditEvents(release.id)).toEqual([]);
      });

      it('deletes approvals and reports what it deleted', async () => {
        const release = await createWithChecklist();
        const deleted = await store.inReleaseTransaction(
          release.id,
          async tx => {
            await tx.insertApproval({
              approver: 'user:default/dave',
              decision: 'approve',
              comment: 'ok',
              databaseAdmin: true,
            });
            return tx.deleteApprovals();
          },
        );
        expect(deleted).toEqual([
          expect.objectContaining({
            approver: 'user:default/dave',
            comment: 'ok',
            databaseAdmin: true,
          }),
        ]);
        expect(await store.listApprovals(release.id)).toEqual([]);
      });

      it('reports a missing release as not found', async () => {
        await expect(
          store.inReleaseTransaction('missing', async () => undefined),
        ).rejects.toMatchObject({ name: 'NotFoundError' });
      });
    });
  },
);

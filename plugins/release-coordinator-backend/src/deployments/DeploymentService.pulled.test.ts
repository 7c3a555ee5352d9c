import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DeploymentInput } from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from './DatabaseDeploymentStore';
import { DeploymentService } from './DeploymentService';

jest.setTimeout(60_000);

const databases = createTestDatabases();

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:team-a' },
  };
}

function run(n: number, overrides: Partial<DeploymentInput> = {}) {
  return {
    entityRef: 'component:default/payments',
    environment: 'production',
    source: 'github',
    externalId: `run-${n}`,
    version: `abc000${n}`,
    kind: 'deploy',
    status: 'succeeded',
    startedAt: '2026-11-20T10:00:00Z',
    finishedAt: '2026-11-20T10:05:00Z',
    ...overrides,
  } as DeploymentInput;
}

describe.each(databases.eachSupportedId())(
  'DeploymentService pulled items (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let service: DeploymentService;
    let logger: ReturnType<typeof mockServices.logger.mock>;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
    });

    beforeEach(async () => {
      const store = await DatabaseDeploymentStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      await knex('deployment_commits').del();
      await knex('deployments').del();
      await knex('incidents').del();
      logger = mockServices.logger.mock();
      service = new DeploymentService({
        store,
        catalog: catalogServiceMock({ entities: [component('payments')] }),
        auth: mockServices.auth(),
        logger,
      });
    });

    it('stores the valid items of a pull and skips (and logs) the invalid ones', async () => {
      const { results, skipped } = await service.ingestPulledDeployments([
        run(1),
        // Finished before it started: refused on its own, not the batch.
        run(2, { finishedAt: '2026-11-20T09:59:35Z' }),
        run(3, { entityRef: 'component:default/unknown' }),
        run(4, { kind: 'rollback', rollbackOf: 'run-2' }),
        run(5),
      ]);
      expect(skipped).toEqual([
        expect.objectContaining({
          index: 1,
          message: expect.stringContaining(
            'finishedAt: must not be before startedAt',
          ),
        }),
        expect.objectContaining({ index: 2, field: 'entityRef' }),
        // Its target was left out, so it would be an orphan.
        expect.objectContaining({ index: 3, field: 'rollbackOf' }),
      ]);
      expect(results.map(r => r.status)).toEqual(['created', 'created']);
      const stored = await knex('deployments').orderBy('external_id');
      expect(stored.map(r => r.external_id)).toEqual(['run-1', 'run-5']);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('Skipped pulled item 1 (github/run-2)'),
      );
    });

    it('tells incident listeners of a reopened incident as open, and stores it open', async () => {
      const told: Array<{ externalId: string; resolvedAt?: string }> = [];
      service.addIncidentListener(async changed => {
        told.push(...changed);
      });
      const incident = {
        entityRef: 'component:default/payments',
        source: 'pagerduty',
        externalId: 'PGR0VU2',
        severity: 'critical' as const,
        title: 'Payments API 5xx rate above 5%',
        startedAt: '2026-11-26T09:30:07.000Z',
      };
      await service.ingestIncidents([
        { ...incident, reportedAt: '2026-11-26T09:30:07.000Z' },
      ]);
      await service.ingestIncidents([
        {
          ...incident,
          resolvedAt: '2026-11-26T10:12:45.120Z',
          reportedAt: '2026-11-26T10:12:45.120Z',
        },
      ]);
      told.length = 0;
      // incident.reopened, then a late redelivery of the first triggered.
      await expect(
        service.ingestIncidents([
          { ...incident, reportedAt: '2026-11-26T11:02:13.511Z' },
        ]),
      ).resolves.toEqual([expect.objectContaining({ status: 'updated' })]);
      await expect(
        service.ingestIncidents([
          { ...incident, reportedAt: '2026-11-26T09:30:07.000Z' },
        ]),
      ).resolves.toEqual([expect.objectContaining({ status: 'unchanged' })]);
      expect(told).toEqual([
        expect.objectContaining({
          externalId: 'PGR0VU2',
          severity: 'critical',
        }),
      ]);
      expect(told[0]).not.toHaveProperty('resolvedAt');
      // What the automated rollback re-reads before acting: open.
      const { items } = await service.listIncidents({
        entityRef: 'component:default/payments',
        limit: 10,
      });
      expect(items).toEqual([
        expect.not.objectContaining({ resolvedAt: expect.anything() }),
      ]);
    });

    it('stores nothing and skips everything when no item is valid', async () => {
      const { results, skipped } = await service.ingestPulledIncidents([
        { source: 'pagerduty', externalId: 'P1' },
      ]);
      expect(results).toEqual([]);
      expect(skipped.map(s => s.index)).toEqual([0]);
      expect(await knex('incidents')).toEqual([]);
    });
  },
);

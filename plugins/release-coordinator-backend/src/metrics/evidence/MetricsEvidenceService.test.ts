import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import {
  EvidenceCommitRow,
  EvidenceDeploymentRow,
  EvidenceIncidentRow,
  METRIC_NAMES,
} from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from '../../deployments/DatabaseDeploymentStore';
import {
  edges,
  END,
  goldenHistory,
  ledger,
  orders,
  payments,
  quiet,
  rework,
} from '../__testUtils__/goldenHistory';
import { clearHistory, storeHistory } from '../__testUtils__/history';
import { DatabaseMetricsStore } from '../DatabaseMetricsStore';
import { MetricsService } from '../MetricsService';
import { EvidenceStore } from './EvidenceStore';
import { MetricsEvidenceService } from './MetricsEvidenceService';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const DAY_MS = 86_400_000;

/** Every query of the golden tables (src/metrics/MetricsService.test.ts). */
const QUERIES: Array<{
  entityRefs: string[];
  environment: string;
  windowDays: number;
}> = [
  { entityRefs: [payments], environment: 'production', windowDays: 20 },
  { entityRefs: [payments], environment: 'production', windowDays: 30 },
  { entityRefs: [ledger], environment: 'production', windowDays: 30 },
  { entityRefs: [ledger], environment: 'staging', windowDays: 30 },
  { entityRefs: [rework], environment: 'production', windowDays: 10 },
  { entityRefs: [rework], environment: 'staging', windowDays: 10 },
  { entityRefs: [orders], environment: 'production', windowDays: 30 },
  { entityRefs: [quiet], environment: 'production', windowDays: 7 },
  { entityRefs: [edges], environment: 'production', windowDays: 1 },
  { entityRefs: [ledger, quiet], environment: 'production', windowDays: 30 },
  { entityRefs: [payments, quiet], environment: 'production', windowDays: 20 },
  {
    entityRefs: [rework, ledger, quiet],
    environment: 'production',
    windowDays: 10,
  },
  {
    entityRefs: [payments, ledger, rework, orders, edges, quiet],
    environment: 'production',
    windowDays: 30,
  },
  { entityRefs: [], environment: 'production', windowDays: 30 },
];

describe.each(databases.eachSupportedId())(
  'MetricsEvidenceService (%s)',
  (databaseId: TestDatabaseId) => {
    let service: MetricsService;
    let scopedService: MetricsService;
    let evidence: MetricsEvidenceService;
    let ids: Map<string, string>;

    beforeAll(async () => {
      const knex: Knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      const deploymentStore = await DatabaseDeploymentStore.create({
        database,
      });
      service = new MetricsService({
        store: await DatabaseMetricsStore.create({ database }),
      });
      // Roll-ups of 2 or more members through the roll-up caches.
      scopedService = new MetricsService({
        store: await DatabaseMetricsStore.create({
          database,
          scopeMinMembers: 2,
        }),
      });
      evidence = new MetricsEvidenceService({
        store: await EvidenceStore.create({ database }),
      });
      await clearHistory(knex);
      ids = await storeHistory(knex, deploymentStore, goldenHistory);
    });

    it.each(QUERIES)(
      'the summary of every metric equals GET …/metrics: %j',
      async query => {
        for (const metrics of [service, scopedService]) {
          const computed = await metrics.compute({ ...query, end: END });
          const start = new Date(END.getTime() - query.windowDays * DAY_MS);
          for (const metric of METRIC_NAMES) {
            const current = await evidence.evidence({
              ...query,
              metric,
              end: END,
            });
            expect({ metric, summary: current.summary }).toEqual({
              metric,
              summary: computed.metrics[metric],
            });
            expect(current.window).toEqual(computed.window);
            // The previous window is the window that ends at its start.
            const previous = await evidence.evidence({
              ...query,
              metric,
              end: start,
            });
            expect({ metric, previous: previous.summary }).toEqual({
              metric,
              previous: computed.previous[metric],
            });
          }
        }
      },
    );

    it('payments, 20 days: d10 counted once, with the incidents behind it', async () => {
      const result = await evidence.evidence({
        entityRefs: [payments],
        environment: 'production',
        windowDays: 20,
        end: END,
        metric: 'changeFailureRate',
      });
      const rows = result.rows as EvidenceDeploymentRow[];
      const failures = rows.filter(r => r.changeFailure);
      expect(failures.map(r => r.id)).toEqual([ids.get('d10')]);
      expect(
        failures[0].attributedTo.map(a => `${a.type} ${a.title}`).sort(),
      ).toEqual(['incident I1', 'incident I2', 'incident I3']);
      // 20 succeeded deploys counted; failed, cancelled rows shown, not counted.
      expect(rows.filter(r => r.counted)).toHaveLength(20);
      const f1 = rows.find(r => r.id === ids.get('f1'))!;
      expect(f1).toMatchObject({
        counted: false,
        reason: 'notSucceeded',
        failed: true,
        changeFailure: false,
      });
      // Newest first.
      const finished = rows.map(r => r.finishedAt!);
      expect([...finished].sort().reverse()).toEqual(finished);
    });

    it('payments, 20 days: rework names the incident open at the start', async () => {
      const result = await evidence.evidence({
        entityRefs: [payments],
        environment: 'production',
        windowDays: 20,
        end: END,
        metric: 'deploymentReworkRate',
      });
      const rows = result.rows as EvidenceDeploymentRow[];
      const reworked = rows.filter(r => r.counted && r.rework);
      expect(reworked.map(r => r.id)).toEqual([ids.get('d1')]);
      expect(reworked[0].reworkIncidentIds).toHaveLength(1);
      expect(result.summary).toEqual({
        value: 0.05,
        rework: 1,
        deployments: 20,
      });
    });

    it('payments, 20 days: lead-time commits, dropped ones marked', async () => {
      const result = await evidence.evidence({
        entityRefs: [payments],
        environment: 'production',
        windowDays: 20,
        end: END,
        metric: 'leadTimeForChanges',
      });
      const rows = result.rows as EvidenceCommitRow[];
      // d1: 2 commits, d2: 3 (2 dropped), d3: 1.
      expect(rows).toHaveLength(6);
      expect(
        rows
          .filter(r => r.counted)
          .map(r => r.leadSeconds)
          .sort((a, b) => a - b),
      ).toEqual([1800, 3600, 7200, 86400]);
      expect(rows.filter(r => !r.counted).map(r => r.reason)).toEqual([
        'leadNotPositive',
        'leadNotPositive',
      ]);
    });

    it('payments, 20 days: recovery incidents with their attribution', async () => {
      const result = await evidence.evidence({
        entityRefs: [payments],
        environment: 'production',
        windowDays: 20,
        end: END,
        metric: 'meanTimeToRecovery',
      });
      const rows = result.rows as EvidenceIncidentRow[];
      const counted = rows.filter(r => r.counted);
      expect(counted.map(r => r.title).sort()).toEqual([
        'I1',
        'I2',
        'I3',
        'I4',
      ]);
      expect(
        counted
          .filter(r => r.title !== 'I4')
          .map(r => r.attributedDeploymentId),
      ).toEqual([ids.get('d10'), ids.get('d10'), ids.get('d10')]);
      // I4 started before any deploy: attributed to none.
      expect(
        counted.find(r => r.title === 'I4')!.attributedDeploymentId,
      ).toBeUndefined();
    });

    it('a series bucket: the rows and counts of that day only', async () => {
      const result = await evidence.evidence({
        entityRefs: [payments],
        environment: 'production',
        windowDays: 20,
        end: END,
        metric: 'deploymentFrequency',
        bucket: { start: new Date('2026-11-15T00:00:00.000Z'), size: 'day' },
      });
      const series = await service.series({
        entityRefs: [payments],
        environment: 'production',
        windowDays: 20,
        end: END,
        metric: 'deploymentFrequency',
        bucket: 'day',
      });
      const point = series.points.find(
        p => p.start === '2026-11-15T00:00:00.000Z',
      )!;
      expect(result.summary).toMatchObject({
        count: point.values.succeeded,
      });
      expect(result.rows.map(r => (r as EvidenceDeploymentRow).id)).toEqual([
        ids.get('d10'),
      ]);
      expect(result.window).toEqual({
        start: '2026-11-15T00:00:00.000Z',
        end: '2026-11-16T00:00:00.000Z',
        days: 1,
      });
    });
  },
);

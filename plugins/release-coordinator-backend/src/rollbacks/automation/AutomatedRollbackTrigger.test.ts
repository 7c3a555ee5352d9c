import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AUTOMATION_ACTOR,
  DeploymentInput,
  IncidentInput,
} from '@release-coordinator/backstage-plugin-common';
import createKnex, { Knex } from 'knex';
import { DatabaseReleaseStore } from '../../database/DatabaseReleaseStore';
import { createTestDatabases } from '../../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from '../../deployments/DatabaseDeploymentStore';
import { DeploymentService } from '../../deployments/DeploymentService';
import { readReleaseReadinessSettings } from '../../releases/config';
import {
  payments,
  paymentsRef,
  recordingAuditor,
} from '../../releases/__testUtils__/fixtures';
import { DatabaseRollbackStore } from '../DatabaseRollbackStore';
import { RollbackEvents } from '../RollbackEvents';
import { RollbackService } from '../RollbackService';
import {
  recordingNotifications,
  recordingSignals,
  ScriptedRollbackProvider,
} from '../__testUtils__/rollbackFixtures';
import { AutomatedRollbackTrigger } from './AutomatedRollbackTrigger';
import { readAutomatedRollbackSettings } from './config';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** 1.1.0 finished deploying to production at this time. */
const DEPLOYED_AT = '2026-11-22T10:05:00.000Z';
const minutesAfterDeploy = (minutes: number) =>
  new Date(Date.parse(DEPLOYED_AT) + minutes * 60_000).toISOString();

function deployment(
  day: number,
  version: string,
  overrides: Partial<DeploymentInput> = {},
): DeploymentInput {
  const date = `2026-11-${String(day).padStart(2, '0')}`;
  return {
    entityRef: paymentsRef,
    environment: 'production',
    source: 'ci',
    externalId: `run-${day}`,
    version,
    kind: 'deploy',
    status: 'succeeded',
    startedAt: `${date}T10:00:00.000Z`,
    finishedAt: `${date}T10:05:00.000Z`,
    commits: [{ sha: `sha-${day}`, committedAt: `${date}T09:00:00.000Z` }],
    ...overrides,
  };
}

function incident(
  minutes: number,
  overrides: Partial<IncidentInput> = {},
): IncidentInput {
  return {
    entityRef: paymentsRef,
    source: 'alertmanager',
    externalId: `alert-${minutes}`,
    severity: 'critical',
    title: 'Checkout error rate above 5%',
    environment: 'production',
    startedAt: minutesAfterDeploy(minutes),
    ...overrides,
  };
}

/** production: automated, 60 min window; canary: dry run; staging: off. */
const environmentsConfig = {
  releaseCoordinator: {
    environments: [
      { name: 'staging', automatedRollback: { enabled: false } },
      {
        name: 'production',
        watchWindow: { minutes: 60 },
        automatedRollback: { enabled: true },
      },
      {
        name: 'canary',
        watchWindow: { minutes: 30 },
        automatedRollback: { enabled: true, dryRun: true },
      },
    ],
  },
};

/** One backend instance: its services over a database connection. */
interface Instance {
  deployments: DeploymentService;
  rollbacks: RollbackService;
  rollbackStore: DatabaseRollbackStore;
  trigger: AutomatedRollbackTrigger;
  logger: ReturnType<typeof mockServices.logger.mock>;
}

/** Service subjects that may not roll back (the access layer's answer). */
const mayNotRollBack = new Set<string>();

async function createInstance(
  knex: Knex,
  provider: ScriptedRollbackProvider,
): Promise<Instance> {
  const database = mockServices.database({ knex, migrations: { skip: false } });
  const releaseStore = await DatabaseReleaseStore.create({ database });
  const deploymentStore = await DatabaseDeploymentStore.create({ database });
  const rollbackStore = await DatabaseRollbackStore.create({ database });
  const catalog = catalogServiceMock({ entities: [payments] });
  const auth = mockServices.auth();
  const config = new ConfigReader(environmentsConfig);
  const { environments } = readReleaseReadinessSettings(config);
  const logger = mockServices.logger.mock();
  const deployments = new DeploymentService({
    store: deploymentStore,
    catalog,
    auth,
  });
  const rollbacks = new RollbackService({
    store: rollbackStore,
    releases: releaseStore,
    catalog,
    auth,
    deploymentProviders: [provider],
    environments: environments.map(env => env.name),
    settings: { staleAfter: { minutes: 30 } },
    events: new RollbackEvents({
      auditor: recordingAuditor(),
      auditTrail: releaseStore,
      signals: recordingSignals(),
      notifications: recordingNotifications(),
    }),
  });
  deployments.addChangeListener(rollbacks.onDeploymentsChanged);
  const trigger = new AutomatedRollbackTrigger({
    rollbacks,
    rollbackStore,
    incidents: deploymentStore,
    settings: readAutomatedRollbackSettings(config, environments),
    mayRollBack: async ({ credentials }) =>
      !mayNotRollBack.has(
        (credentials.principal as { subject?: string }).subject ?? '',
      ),
    logger,
  });
  deployments.addIncidentListener(trigger.onIncidentsChanged);
  return { deployments, rollbacks, rollbackStore, trigger, logger };
}

describe.each(databases.eachSupportedId())(
  'AutomatedRollbackTrigger (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let provider: ScriptedRollbackProvider;
    let instance: Instance;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
    });

    beforeEach(async () => {
      provider = new ScriptedRollbackProvider('ci');
      instance = await createInstance(knex, provider);
      for (const table of [
        'rollbacks',
        'deployment_commits',
        'deployments',
        'incidents',
        'audit_events',
      ]) {
        await knex(table).del();
      }
      // 1.0.0 on the 20th, 1.1.0 on the 22nd: production runs 1.1.0.
      await instance.deployments.ingestDeployments([
        deployment(20, '1.0.0'),
        deployment(22, '1.1.0'),
        deployment(20, '1.0.0', { environment: 'canary', externalId: 'c-20' }),
        deployment(22, '1.1.0', { environment: 'canary', externalId: 'c-22' }),
        deployment(20, '1.0.0', { environment: 'staging', externalId: 's-20' }),
        deployment(22, '1.1.0', { environment: 'staging', externalId: 's-22' }),
      ]);
    });

    /** Ingests incidents as a webhook would, and waits for the automation. */
    async function report(...incidents: IncidentInput[]) {
      await instance.deployments.ingestIncidents(incidents);
      await instance.trigger.idle();
    }

    async function deploymentId(externalId: string) {
      const row = await knex('deployments')
        .where({ source: 'ci', external_id: externalId })
        .first();
      return row.id as string;
    }

    it('rolls back once, as the automation, with the incident linked', async () => {
      await report(incident(12));

      expect(provider.calls).toHaveLength(1);
      const [call] = provider.calls;
      const current = await deploymentId('run-22');
      expect(call).toMatchObject({
        environment: 'production',
        target: { version: '1.0.0' },
        current: { version: '1.1.0' },
        initiator: AUTOMATION_ACTOR,
        idempotencyKey: `auto:${current}`,
        reason:
          'Automated: critical incident "Checkout error rate above 5%" started 12 min after 1.1.0 was deployed',
      });
      const [stored] = await knex('incidents').select('id');
      expect(
        await instance.rollbackStore.findAutomatedFor(current),
      ).toMatchObject({
        automated: true,
        initiator: AUTOMATION_ACTOR,
        incidentId: stored.id,
        state: 'running',
      });
    });

    it.each([
      ['when the deploy finished', 0, 1],
      ['at the end of the watch window', 60, 1],
      ['just after the watch window', 60.001, 0],
      ['before the deploy finished', -1, 0],
    ])('%s (%s min): %s rollback(s)', async (_, minutes, calls) => {
      await report(incident(minutes));
      expect(provider.calls).toHaveLength(calls);
    });

    it('acts on a pushed incident only when its caller may roll the entity back', async () => {
      mayNotRollBack.add('external:dashboard');
      try {
        await instance.deployments.ingestIncidents([incident(5)], {
          credentials: mockCredentials.service('external:dashboard'),
        });
        await instance.trigger.idle();
        expect(provider.calls).toEqual([]);
        expect(await knex('rollbacks')).toEqual([]);
        expect(instance.logger.info).toHaveBeenCalledWith(
          expect.stringContaining(
            'whoever pushed it may not roll component:default/payments back',
          ),
        );

        await instance.deployments.ingestIncidents([incident(6)], {
          credentials: mockCredentials.service('external:alerts'),
        });
        await instance.trigger.idle();
        expect(provider.calls).toHaveLength(1);
      } finally {
        mayNotRollBack.clear();
      }
    });

    it('ignores resolved incidents and other severities', async () => {
      await report(
        incident(5, { resolvedAt: minutesAfterDeploy(8) }),
        incident(6, { severity: 'major' }),
        incident(7, { severity: 'minor' }),
      );
      expect(provider.calls).toEqual([]);
    });

    it('ignores a late report of an incident that is resolved already', async () => {
      await report(incident(5, { resolvedAt: minutesAfterDeploy(8) }));
      // The same incident again, unresolved, with a new title: the stored
      // incident keeps its resolvedAt.
      await report(incident(5, { title: 'Checkout errors (renamed)' }));
      expect(provider.calls).toEqual([]);
      expect(instance.logger.info).toHaveBeenCalledWith(
        expect.stringContaining('it is resolved'),
      );
    });

    it('acts only where the environment enables it', async () => {
      await report(
        incident(5, { environment: 'staging' }),
        incident(6, { environment: 'qa' }),
      );
      expect(provider.calls).toEqual([]);
    });

    it('takes an incident without environment as production', async () => {
      await report(incident(5, { environment: undefined }));
      expect(provider.calls.map(c => c.environment)).toEqual(['production']);
    });

    it('in dry-run mode records and notifies without calling the provider', async () => {
      await report(incident(5, { environment: 'canary' }));
      expect(provider.calls).toEqual([]);
      expect(
        await instance.rollbackStore.findAutomatedFor(
          await deploymentId('c-22'),
        ),
      ).toMatchObject({ state: 'dry-run', automated: true });
    });

    it('never rolls back a rollback', async () => {
      await instance.deployments.ingestDeployments([
        deployment(23, '1.0.0', { kind: 'rollback', rollbackOf: 'run-22' }),
      ]);
      await report(incident(0, { startedAt: '2026-11-23T10:06:00.000Z' }));
      expect(provider.calls).toEqual([]);
      expect(instance.logger.info).toHaveBeenCalledWith(
        expect.stringContaining('never rolls back a rollback'),
      );
    });

    it('rolls a deploy back once, however many incidents follow it', async () => {
      await report(incident(5));
      // The rollback failed at the provider, releasing the lock: still no
      // second automated rollback of the same deploy.
      await instance.deployments.ingestDeployments([
        {
          ...deployment(22, '1.0.0'),
          externalId: `rollback-auto:${await deploymentId('run-22')}`,
          kind: 'rollback',
          status: 'failed',
          finishedAt: minutesAfterDeploy(9),
        },
      ]);
      await report(incident(10), incident(11, { title: 'Latency' }));
      // Both at once, too.
      await Promise.all([
        instance.deployments.ingestIncidents([incident(20)]),
        instance.deployments.ingestIncidents([incident(21)]),
      ]);
      await instance.trigger.idle();
      expect(provider.calls).toHaveLength(1);
    });

    it('is told of created and changed incidents, not of repeats', async () => {
      const told: string[][] = [];
      instance.deployments.addIncidentListener(async incidents => {
        told.push(incidents.map(i => `${i.externalId}:${i.resolvedAt ?? ''}`));
      });
      await report(incident(5), incident(6));
      await report(incident(5), incident(6)); // an Alertmanager repeat
      await report(incident(5, { resolvedAt: minutesAfterDeploy(30) }));
      expect(told).toEqual([
        ['alert-5:', 'alert-6:'],
        [`alert-5:${minutesAfterDeploy(30)}`],
      ]);
      expect(provider.calls).toHaveLength(1);
    });

    it('never fails ingestion when the rollback fails', async () => {
      provider.answer = { error: 'GitHub is down' };
      const results = await instance.deployments.ingestIncidents([incident(5)]);
      expect(results).toEqual([
        { index: 0, status: 'created', id: expect.any(String) },
      ]);
      await instance.trigger.idle();
      expect(provider.calls).toHaveLength(1);
      expect(instance.logger.error).toHaveBeenCalledWith(
        expect.stringContaining('GitHub is down'),
      );
    });

    it('races a manual rollback on two backend instances: one provider call', async () => {
      // A second instance with its own connection pool to the same database
      // (SQLite in memory has one connection: the instances share it).
      const other = databaseId.startsWith('POSTGRES')
        ? createKnex(knex.client.config)
        : knex;
      try {
        const first = instance;
        const second = await createInstance(other, provider);
        // The same database: the second instance sees the deployments.
        expect(
          (await second.rollbacks.getPlan(paymentsRef, 'production')).current
            ?.version,
        ).toBe('1.1.0');
        for (let round = 0; round < 10; round++) {
          await knex('rollbacks').del();
          provider.calls.length = 0;
          const startManual = () =>
            second.rollbacks
              .start({
                entityRef: paymentsRef,
                environment: 'production',
                reason: 'checkout errors',
                idempotencyKey: `manual-${round}`,
                initiator: 'user:default/alice',
              })
              .then(
                () => 'started',
                (error: Error) => `${error.name}: ${error.message}`,
              );
          const reportIncident = () =>
            first.deployments.ingestIncidents([
              incident(5, { externalId: `race-${round}` }),
            ]);
          // Either side gets a head start: the manual request, or the
          // automation by a few milliseconds more each round.
          let manual: Promise<string>;
          if (round % 2 === 0) {
            manual = startManual();
            await reportIncident();
          } else {
            await reportIncident();
            await new Promise(resolve => setTimeout(resolve, round * 3));
            manual = startManual();
          }
          const [manualOutcome] = await Promise.all([
            manual,
            first.trigger.idle(),
          ]);
          expect(provider.calls).toHaveLength(1);
          const rows = await knex('rollbacks').select('state');
          expect(rows.filter(r => r.state === 'running')).toHaveLength(1);
          // The manual request lost to the automation, or won.
          expect(manualOutcome).toMatch(
            /^(started|ConflictError: A rollback of .* is already (pending|running))/,
          );
        }
      } finally {
        if (other !== knex) {
          await other.destroy();
        }
      }
    });
  },
);

describe('readAutomatedRollbackSettings', () => {
  const read = (releaseCoordinator: object) => {
    const config = new ConfigReader({ releaseCoordinator });
    return readAutomatedRollbackSettings(
      config,
      readReleaseReadinessSettings(config).environments,
    );
  };

  it('is off unless enabled, with the environment watch windows', () => {
    expect(read({})).toEqual([
      {
        environment: 'staging',
        enabled: false,
        dryRun: false,
        watchWindow: { minutes: 60 },
      },
      {
        environment: 'production',
        enabled: false,
        dryRun: false,
        watchWindow: { minutes: 60 },
      },
    ]);
    expect(read(environmentsConfig.releaseCoordinator)).toEqual([
      expect.objectContaining({ environment: 'staging', enabled: false }),
      {
        environment: 'production',
        enabled: true,
        dryRun: false,
        watchWindow: { minutes: 60 },
      },
      {
        environment: 'canary',
        enabled: true,
        dryRun: true,
        watchWindow: { minutes: 30 },
      },
    ]);
  });

  it('names the key of a bad value', () => {
    expect(() =>
      read({
        environments: [
          { name: 'staging' },
          { name: 'production', automatedRollback: { enabled: 'yes please' } },
        ],
      }),
    ).toThrow(
      'Invalid config at releaseCoordinator.environments[1].automatedRollback.enabled: expected true or false',
    );
  });
});

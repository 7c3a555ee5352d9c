import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DeploymentInput,
  IncidentInput,
} from '@release-coordinator/backstage-plugin-common';
import fc from 'fast-check';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDeploymentStore } from './DatabaseDeploymentStore';
import { DeploymentService } from './DeploymentService';

jest.setTimeout(120_000);

const databases = createTestDatabases();

/** Values that are valid somewhere, mixed with junk of every JSON type. */
const anyValue = fc.oneof(
  fc.constantFrom(
    'component:default/payments',
    'Component:payments',
    'production',
    'deploy',
    'rollback',
    'queued',
    'succeeded',
    'failed',
    'critical',
    '2026-11-20T10:00:00Z',
    '2026-11-20T10:05:00+01:00',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
    'https://ci.example.com/1',
    'build-1',
    '',
    '\u0000',
    'x'.repeat(300),
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(
    fc.record(
      {
        sha: fc.oneof(fc.string({ maxLength: 70 }), fc.constant('abc')),
        committedAt: fc.oneof(fc.string(), fc.constant('2026-11-19T10:00:00Z')),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 3 },
  ),
);

const deploymentKeys = [
  'entityRef',
  'environment',
  'source',
  'externalId',
  'version',
  'commitSha',
  'kind',
  'status',
  'startedAt',
  'finishedAt',
  'initiator',
  'url',
  'rollbackOf',
  'commits',
  'unexpected',
] as const;

const incidentKeys = [
  'entityRef',
  'source',
  'externalId',
  'severity',
  'title',
  'environment',
  'startedAt',
  'resolvedAt',
  'url',
] as const;

/**
 * A valid report with up to two fields replaced by arbitrary values (or
 * removed), so that runs reach the database as well as the validation.
 */
function mutated(
  base: Record<string, unknown>,
  keys: readonly string[],
): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      fc.array(
        fc.tuple(
          fc.constantFrom(...keys),
          fc.option(anyValue, { nil: undefined }),
        ),
        { maxLength: 2 },
      ),
      fc.string({ minLength: 1, maxLength: 8 }),
    )
    .map(([overrides, externalId]) => ({
      ...base,
      externalId,
      ...Object.fromEntries(overrides),
    }));
}

const deploymentLike = mutated(
  {
    entityRef: 'component:default/payments',
    environment: 'production',
    source: 'fuzz',
    version: '1.0.0',
    kind: 'deploy',
    status: 'succeeded',
    startedAt: '2026-11-20T10:00:00Z',
    finishedAt: '2026-11-20T10:05:00Z',
    commits: [{ sha: 'abc', committedAt: '2026-11-19T10:00:00Z' }],
  },
  deploymentKeys,
);

const incidentLike = mutated(
  {
    entityRef: 'component:default/payments',
    source: 'fuzz',
    severity: 'critical',
    title: 'Down',
    startedAt: '2026-11-20T10:00:00Z',
  },
  incidentKeys,
);

describe.each(databases.eachSupportedId())(
  'DeploymentService with arbitrary input (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let service: DeploymentService;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      service = new DeploymentService({
        store: await DatabaseDeploymentStore.create({
          database: mockServices.database({
            knex,
            migrations: { skip: false },
          }),
        }),
        catalog: catalogServiceMock({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'payments', namespace: 'default' },
              spec: {},
            },
          ],
        }),
        auth: mockServices.auth(),
      });
    });

    let accepted = 0;

    async function acceptsOrRefusesAsBadInput(run: () => Promise<unknown>) {
      try {
        await run();
        accepted++;
      } catch (error) {
        // Anything but a 400 would surface as a 5xx.
        expect(error).toMatchObject({ name: 'InputError' });
      }
    }

    beforeEach(() => {
      accepted = 0;
    });

    it('answers every deployment batch with results or a 400, never a database error', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(deploymentLike, { minLength: 1, maxLength: 4 }),
          async items =>
            acceptsOrRefusesAsBadInput(() =>
              service.ingestDeployments(items as unknown as DeploymentInput[]),
            ),
        ),
        // Enough runs that the share of valid batches (random: ~10–20 %)
        // cannot fall below the floor below by chance.
        { numRuns: 400 },
      );
      // The property must also have exercised the database.
      expect(accepted).toBeGreaterThan(15);
    });

    it('answers every incident batch with results or a 400, never a database error', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(incidentLike, { minLength: 1, maxLength: 4 }),
          async items =>
            acceptsOrRefusesAsBadInput(() =>
              service.ingestIncidents(items as unknown as IncidentInput[]),
            ),
        ),
        // Enough runs that the share of valid batches (random: ~10–20 %)
        // cannot fall below the floor below by chance.
        { numRuns: 400 },
      );
      // The property must also have exercised the database.
      expect(accepted).toBeGreaterThan(15);
    });

    it('stores extreme but valid values on this database', async () => {
      const results = await service.ingestDeployments([
        {
          entityRef: 'component:default/payments',
          environment: 'e'.repeat(63),
          source: 's'.repeat(63),
          externalId: '\u{1F680}'.repeat(127),
          version: 'v'.repeat(255),
          commitSha: 'f'.repeat(64),
          kind: 'deploy',
          status: 'succeeded',
          startedAt: '1970-01-01T00:00:00Z',
          finishedAt: '9999-12-31T23:59:59.999Z',
          initiator: 'i'.repeat(255),
          url: `https://example.com/${'p'.repeat(2000)}`,
          commits: [
            { sha: 'a'.repeat(64), committedAt: '1970-01-01T00:00:00Z' },
          ],
        },
      ]);
      expect(results).toEqual([
        { index: 0, status: 'created', id: expect.any(String) },
      ]);
    });
  },
);

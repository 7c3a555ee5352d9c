import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DeploymentInput,
  IncidentInput,
} from '@release-coordinator/backstage-plugin-common';
import { Knex } from 'knex';
import { DatabaseDeploymentStore } from './DatabaseDeploymentStore';
import { DeploymentService } from './DeploymentService';
import { KNOWN_ENTITY_TTL_MS, KnownEntityCache } from './KnownEntityCache';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:team-a' },
  };
}

function deployment(overrides: Partial<DeploymentInput> = {}): DeploymentInput {
  return {
    entityRef: 'component:default/payments',
    environment: 'production',
    source: 'ci',
    externalId: 'build-1',
    version: '1.0.0',
    kind: 'deploy',
    status: 'succeeded',
    startedAt: '2026-11-20T10:00:00Z',
    finishedAt: '2026-11-20T10:05:00+00:00',
    ...overrides,
  };
}

function incident(overrides: Partial<IncidentInput> = {}): IncidentInput {
  return {
    entityRef: 'component:default/payments',
    source: 'pagerduty',
    externalId: 'P1',
    severity: 'major',
    title: 'Latency',
    startedAt: '2026-11-20T11:00:00Z',
    ...overrides,
  };
}

describe('DeploymentService', () => {
  let knex: Knex;
  let store: DatabaseDeploymentStore;
  let service: DeploymentService;
  let catalog: ReturnType<typeof catalogServiceMock.mock>;

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
    store = await DatabaseDeploymentStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    catalog = catalogServiceMock.mock();
    const entities = catalogServiceMock({
      entities: [component('payments'), component('ledger')],
    });
    catalog.getEntitiesByRefs.mockImplementation((request, options) =>
      entities.getEntitiesByRefs(request, options),
    );
    service = new DeploymentService({
      store,
      catalog,
      auth: mockServices.auth(),
    });
  });

  it('normalises and stores a batch, reporting per-item outcomes', async () => {
    const results = await service.ingestDeployments([
      deployment({ entityRef: 'Component:default/payments' }),
      deployment({ externalId: 'build-2', entityRef: 'component:ledger' }),
    ]);
    expect(results).toEqual([
      { index: 0, status: 'created', id: expect.any(String) },
      { index: 1, status: 'created', id: expect.any(String) },
    ]);
    const rows = await knex('deployments').orderBy('external_id');
    expect(rows.map(r => [r.entity_ref, r.finished_at])).toEqual([
      ['component:default/payments', '2026-11-20T10:05:00.000Z'],
      ['component:default/ledger', '2026-11-20T10:05:00.000Z'],
    ]);
    // One catalog call for the batch, with the plugin's own credentials.
    expect(catalog.getEntitiesByRefs).toHaveBeenCalledTimes(1);
    expect(catalog.getEntitiesByRefs).toHaveBeenCalledWith(
      expect.objectContaining({
        entityRefs: ['component:default/payments', 'component:default/ledger'],
      }),
      { credentials: expect.anything() },
    );

    await expect(
      service.ingestDeployments([deployment({ status: 'queued' })]),
    ).resolves.toEqual([{ index: 0, status: 'unchanged', id: results[0].id }]);
  });

  it('asks the catalog with the caller credentials when given', async () => {
    const credentials = mockCredentials.user('user:default/alice');
    await service.ingestIncidents([incident()], { credentials });
    expect(catalog.getEntitiesByRefs).toHaveBeenCalledWith(expect.anything(), {
      credentials,
    });
  });

  it('asks the catalog again only for entities it did not show the same caller in the last seconds', async () => {
    let now = 0;
    const cached = new DeploymentService({
      store,
      catalog,
      auth: mockServices.auth(),
      knownEntities: new KnownEntityCache({ now: () => now }),
    });
    const ci = { credentials: mockCredentials.service('external:ci') };
    const alice = { credentials: mockCredentials.user('user:default/alice') };

    await cached.ingestDeployments([deployment()], ci);
    await cached.ingestDeployments([deployment({ externalId: 'build-2' })], ci);
    await cached.ingestIncidents([incident()], ci);
    expect(catalog.getEntitiesByRefs).toHaveBeenCalledTimes(1);

    // Another caller may see other entities.
    await cached.ingestDeployments(
      [deployment({ externalId: 'build-3' })],
      alice,
    );
    expect(catalog.getEntitiesByRefs).toHaveBeenCalledTimes(2);

    // Only the refs not shown recently are asked about; an unknown entity
    // is asked about every time.
    const withGhost = [
      deployment({ externalId: 'build-4' }),
      deployment({
        externalId: 'build-5',
        entityRef: 'component:default/ghost',
      }),
    ];
    for (const calls of [3, 4]) {
      await expect(cached.ingestDeployments(withGhost, ci)).rejects.toThrow(
        '[1] entityRef: entity component:default/ghost is not in the catalog',
      );
      expect(catalog.getEntitiesByRefs).toHaveBeenCalledTimes(calls);
      expect(catalog.getEntitiesByRefs).toHaveBeenLastCalledWith(
        expect.objectContaining({ entityRefs: ['component:default/ghost'] }),
        ci,
      );
    }

    // Once the answer is old, the catalog decides again: an entity deleted
    // meanwhile is refused.
    now = KNOWN_ENTITY_TTL_MS;
    catalog.getEntitiesByRefs.mockResolvedValue({ items: [undefined] });
    await expect(
      cached.ingestDeployments([deployment({ externalId: 'build-6' })], ci),
    ).rejects.toThrow('component:default/payments is not in the catalog');
    await expect(
      knex('deployments').orderBy('external_id').pluck('external_id'),
    ).resolves.toEqual(['build-1', 'build-2', 'build-3']);
  });

  it.each<[string, Partial<DeploymentInput> | Record<string, unknown>, string]>(
    [
      ['entityRef', { entityRef: 'payments' }, 'entityRef'],
      ['environment', { environment: '' }, 'environment'],
      ['source', { source: '  ' }, 'source'],
      ['externalId', { externalId: 'x'.repeat(256) }, 'externalId'],
      ['version', { version: undefined }, 'version'],
      ['kind', { kind: 'redeploy' }, 'kind'],
      ['status', { status: 'done' }, 'status'],
      ['startedAt', { startedAt: 'yesterday' }, 'startedAt'],
      ['year 0', { startedAt: '0000-01-01T00:00:00Z' }, 'startedAt'],
      ['impossible date', { startedAt: '2026-02-30T00:00:00Z' }, 'startedAt'],
      [
        'entityRef too long once defaulted',
        { entityRef: `component:${'n'.repeat(250)}` },
        'entityRef',
      ],
      [
        'finishedAt before startedAt',
        { finishedAt: '2026-11-20T09:00:00Z' },
        'finishedAt',
      ],
      [
        'commit sha',
        { commits: [{ sha: '', committedAt: '2026-11-20T09:00:00Z' }] },
        'commits.0.sha',
      ],
      [
        'commit time',
        { commits: [{ sha: 'abc', committedAt: 'now' }] },
        'commits.0.committedAt',
      ],
      ['url scheme', { url: 'ftp://ci.example.com/run/1' }, 'url'],
      ['NUL in a string', { initiator: 'a\u0000b' }, 'initiator'],
      ['unknown field', { finshedAt: '2026-11-20T09:00:00Z' }, 'finshedAt'],
      ['rollbackOf on a deploy', { rollbackOf: 'build-0' }, 'rollbackOf'],
    ],
  )(
    'rejects a bad %s naming the item and field, storing nothing',
    async (_name, override, field) => {
      await expect(
        service.ingestDeployments([
          deployment({ externalId: 'good' }),
          { ...deployment(), ...override } as DeploymentInput,
        ]),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(`[1] ${field}`),
      });
      await expect(knex('deployments')).resolves.toEqual([]);
    },
  );

  it('names every bad item of a batch in one error', async () => {
    const error = await service
      .ingestDeployments([
        deployment({ environment: '' }),
        deployment({ externalId: 'ok' }),
        deployment({ externalId: 'x', entityRef: 'component:default/unknown' }),
      ])
      .catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toContain('[0] environment');
    // Field errors are reported before the catalog is asked.
    expect(error.message).not.toContain('[2]');
    expect(catalog.getEntitiesByRefs).not.toHaveBeenCalled();
  });

  it('rejects an unknown entity naming it, and stores nothing of the batch', async () => {
    await expect(
      service.ingestDeployments([
        deployment(),
        deployment({ externalId: 'b', entityRef: 'component:default/ghost' }),
      ]),
    ).rejects.toThrow(
      'Rejected 1 of 2 items, nothing was stored: [1] entityRef: entity component:default/ghost is not in the catalog',
    );
    await expect(knex('deployments')).resolves.toEqual([]);

    await expect(
      service.ingestIncidents([
        incident({ entityRef: 'system:default/ghost' }),
      ]),
    ).rejects.toThrow('system:default/ghost is not in the catalog');
    await expect(knex('incidents')).resolves.toEqual([]);
  });

  it('resolves rollbackOf in the same source, stored or in the batch', async () => {
    const [deployed] = await service.ingestDeployments([deployment()]);
    const [rollback] = await service.ingestDeployments([
      deployment({
        externalId: 'rb-1',
        kind: 'rollback',
        rollbackOf: 'build-1',
        startedAt: '2026-11-20T12:00:00Z',
        finishedAt: '2026-11-20T12:01:00Z',
      }),
    ]);
    const row = await knex('deployments').where({ id: rollback.id }).first();
    expect(row.rollback_of).toBe(deployed.id);

    const batch = await service.ingestDeployments([
      deployment({
        externalId: 'rb-2',
        kind: 'rollback',
        rollbackOf: 'build-2',
      }),
      deployment({ externalId: 'build-2', version: '1.1.0' }),
    ]);
    const inBatch = await knex('deployments')
      .where({ id: batch[0].id })
      .first();
    expect(inBatch.rollback_of).toBe(batch[1].id);
  });

  it('rejects a rollbackOf that is unknown, of another source or of another entity', async () => {
    await service.ingestDeployments([
      deployment(),
      deployment({
        externalId: 'ledger-1',
        entityRef: 'component:default/ledger',
      }),
    ]);
    const rollback = (rollbackOf: string, source = 'ci') =>
      deployment({
        externalId: `rb-${rollbackOf}-${source}`,
        kind: 'rollback',
        rollbackOf,
        source,
      });

    await expect(service.ingestDeployments([rollback('nope')])).rejects.toThrow(
      '[0] rollbackOf: no deployment nope from source ci',
    );
    await expect(
      service.ingestDeployments([rollback('build-1', 'github')]),
    ).rejects.toThrow(
      '[0] rollbackOf: no deployment build-1 from source github',
    );
    await expect(
      service.ingestDeployments([rollback('ledger-1')]),
    ).rejects.toThrow('belongs to component:default/ledger');
    await expect(knex('deployments')).resolves.toHaveLength(2);
  });

  it('validates incidents: severity, times and order', async () => {
    await expect(
      service.ingestIncidents([
        incident({ severity: 'sev1' as IncidentInput['severity'] }),
        incident({ externalId: 'P2', resolvedAt: '2026-11-20T10:00:00Z' }),
        incident({ externalId: 'P3', startedAt: '' }),
        incident({ externalId: 'P4', title: '' }),
      ]),
    ).rejects.toThrow(
      /Rejected 4 of 4 items.*\[0\] severity.*\[1\] resolvedAt: must not be before startedAt.*\[2\] startedAt.*\[3\] title/,
    );
  });

  it('takes one object as a batch of one and refuses more than 1000 items', () => {
    expect(service.toBatch({ a: 1 })).toEqual([{ a: 1 }]);
    expect(service.toBatch(new Array(1000).fill({}))).toHaveLength(1000);
    expect(() => service.toBatch(new Array(1001).fill({}))).toThrow(
      'at most 1000 items per request, got 1001',
    );
  });

  it('signals each entity whose deployments changed, once per batch', async () => {
    const signals = { publish: jest.fn(async () => {}) };
    const signalling = new DeploymentService({
      store: await DatabaseDeploymentStore.create({
        database: mockServices.database({ knex }),
        skipMigrations: true,
      }),
      catalog,
      auth: mockServices.auth(),
      signals,
    });
    await signalling.ingestDeployments([
      deployment(),
      deployment({ externalId: 'b' }),
      deployment({ externalId: 'c', entityRef: 'component:default/ledger' }),
    ]);
    expect(signals.publish.mock.calls).toEqual([
      [
        {
          recipients: { type: 'broadcast' },
          channel: 'release-coordinator:deployments:component:default/payments',
          message: { entityRef: 'component:default/payments' },
        },
      ],
      [
        expect.objectContaining({
          channel: 'release-coordinator:deployments:component:default/ledger',
        }),
      ],
    ]);

    // Nothing changed: nothing to announce.
    signals.publish.mockClear();
    await signalling.ingestDeployments([deployment({ status: 'queued' })]);
    expect(signals.publish).not.toHaveBeenCalled();
  });

  it('summarises environments with the sync state of the providers', async () => {
    await service.ingestDeployments([deployment()]);
    const environments = await service.getEnvironments(
      'component:default/payments',
    );
    expect(environments).toEqual({
      items: [
        {
          environment: 'production',
          current: expect.objectContaining({ externalId: 'build-1' }),
          latest: expect.objectContaining({ externalId: 'build-1' }),
        },
      ],
      sync: [],
    });
  });
});

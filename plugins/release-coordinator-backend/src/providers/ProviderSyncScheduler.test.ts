import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DeploymentInput,
  IncidentInput,
} from '@release-coordinator/backstage-plugin-common';
import {
  DeploymentProvider,
  IncidentProvider,
  ProviderPullRequest,
} from '@release-coordinator/backstage-plugin-node';
import {
  ProviderSyncScheduler,
  ProviderSyncSchedulerOptions,
} from './ProviderSyncScheduler';
import { ProviderSink, ProviderStateStore } from './types';

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: {
      type: 'service',
      owner: 'group:default/team',
      lifecycle: 'production',
    },
  };
}

const payments = component('Payments', {
  'github.com/project-slug': 'acme/payments',
});
const identity = component('identity', { 'argocd/app-name': 'identity' });
const search = component('search', { 'gitlab.com/project-id': '42' });
const unannotated = component('legacy', {
  'backstage.io/techdocs-ref': 'dir:.',
});
const blank = component('blank', { 'github.com/project-slug': ' ' });

/** Keeps sync state like the database store does (cursor kept when undefined). */
class InMemoryState implements ProviderStateStore {
  readonly rows = new Map<
    string,
    { cursor?: string; successes: number; lastError?: string }
  >();

  #row(providerId: string, entityRef: string) {
    const key = `${providerId}|${entityRef}`;
    const row = this.rows.get(key) ?? { successes: 0 };
    this.rows.set(key, row);
    return row;
  }

  get(providerId: string, entityRef: string) {
    return this.rows.get(`${providerId}|${entityRef}`);
  }

  async getCursor(providerId: string, entityRef: string) {
    return this.rows.get(`${providerId}|${entityRef}`)?.cursor;
  }

  async recordSyncSuccess(o: {
    providerId: string;
    entityRef: string;
    cursor?: string;
  }) {
    const row = this.#row(o.providerId, o.entityRef);
    row.cursor = o.cursor ?? row.cursor;
    row.successes += 1;
    row.lastError = undefined;
  }

  async recordSyncError(o: {
    providerId: string;
    entityRef: string;
    error: string;
  }) {
    this.#row(o.providerId, o.entityRef).lastError = o.error;
  }
}

class RecordingSink implements ProviderSink {
  readonly deployments: DeploymentInput[] = [];
  readonly incidents: IncidentInput[] = [];
  failDeploymentsFor?: string;

  async ingestPulledDeployments(items: DeploymentInput[]) {
    if (items.some(i => i.entityRef === this.failDeploymentsFor)) {
      throw new Error('invalid deployment');
    }
    this.deployments.push(...items);
    return { skipped: [] };
  }

  async ingestPulledIncidents(items: IncidentInput[]) {
    this.incidents.push(...items);
    return { skipped: [] };
  }
}

function deployment(entityRef: string, n: number): DeploymentInput {
  return {
    entityRef,
    environment: 'production',
    source: 'github',
    externalId: `${entityRef}-${n}`,
    version: `1.0.${n}`,
    kind: 'deploy',
    status: 'succeeded',
  };
}

/** A provider whose cursor is the number of deployments handed out so far. */
function countingProvider(
  id: string,
  overrides: Partial<DeploymentProvider> = {},
): DeploymentProvider & { requests: ProviderPullRequest[] } {
  const requests: ProviderPullRequest[] = [];
  return {
    id,
    requests,
    async pull(request) {
      requests.push(request);
      const from = Number(request.cursor ?? '0');
      const ref = `component:default/${request.entity.metadata.name.toLowerCase()}`;
      return {
        deployments: [deployment(ref, from + 1), deployment(ref, from + 2)],
        cursor: String(from + 2),
      };
    },
    ...overrides,
  };
}

function httpError(status: number, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`HTTP ${status}`), {
    status,
    response: { status, headers },
  });
}

function setup(
  options: Partial<ProviderSyncSchedulerOptions> & {
    entities?: Entity[];
    configData?: object;
  } = {},
) {
  const scheduler = mockServices.scheduler();
  const state = new InMemoryState();
  const sink = new RecordingSink();
  const sleeps: number[] = [];
  let nowMs = Date.parse('2026-11-26T10:00:00Z');
  const syncScheduler = new ProviderSyncScheduler({
    config: new ConfigReader(options.configData ?? {}),
    logger: mockServices.logger.mock(),
    scheduler,
    auth: mockServices.auth(),
    catalog: catalogServiceMock({
      entities: options.entities ?? [
        payments,
        identity,
        search,
        unannotated,
        blank,
      ],
    }),
    deploymentProviders: [],
    incidentProviders: [],
    sink,
    state,
    now: () => nowMs,
    sleep: async ms => {
      sleeps.push(ms);
      nowMs += ms;
    },
    ...options,
  });
  return { scheduler, state, sink, sleeps, syncScheduler };
}

describe('ProviderSyncScheduler', () => {
  it('schedules one global task per provider id on the configured schedule', async () => {
    const scheduler = mockServices.scheduler.mock();
    const demo = countingProvider('demo');
    const demoIncidents: IncidentProvider = {
      id: 'demo',
      pull: async () => ({ incidents: [] }),
    };
    const sync = new ProviderSyncScheduler({
      config: new ConfigReader({
        releaseCoordinator: {
          schedule: {
            frequency: { minutes: 30 },
            timeout: 'PT2M',
            providers: { github: { frequency: { hours: 1 } } },
          },
        },
      }),
      logger: mockServices.logger.mock(),
      scheduler,
      auth: mockServices.auth(),
      catalog: catalogServiceMock({ entities: [] }),
      deploymentProviders: [demo, countingProvider('github')],
      incidentProviders: [demoIncidents],
      sink: new RecordingSink(),
      state: new InMemoryState(),
    });
    await sync.start();

    expect(scheduler.scheduleTask).toHaveBeenCalledTimes(2);
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'release-coordinator.sync.demo',
        scope: 'global',
        frequency: { minutes: 30 },
        timeout: { minutes: 2 },
        initialDelay: { seconds: 15 },
      }),
    );
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'release-coordinator.sync.github',
        frequency: { hours: 1 },
        timeout: { minutes: 2 },
      }),
    );
  });

  it('defaults to every 10 minutes with a 5 minute timeout', async () => {
    const scheduler = mockServices.scheduler.mock();
    const sync = new ProviderSyncScheduler({
      config: new ConfigReader({}),
      logger: mockServices.logger.mock(),
      scheduler,
      auth: mockServices.auth(),
      catalog: catalogServiceMock({ entities: [] }),
      deploymentProviders: [countingProvider('github')],
      incidentProviders: [],
      sink: new RecordingSink(),
      state: new InMemoryState(),
    });
    await sync.start();
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        frequency: { minutes: 10 },
        timeout: { minutes: 5 },
      }),
    );
  });

  it('fails the start with the key named when a schedule is invalid', async () => {
    const { syncScheduler } = setup({
      deploymentProviders: [countingProvider('github')],
      configData: {
        releaseCoordinator: {
          schedule: { providers: { github: { timeout: { minutez: 3 } } } },
        },
      },
    });
    await expect(syncScheduler.start()).rejects.toThrow(
      'releaseCoordinator.schedule.providers.github.timeout',
    );
  });

  it('pulls each annotated entity from its stored cursor and stores the next one', async () => {
    const github = countingProvider('github');
    const { scheduler, state, sink, syncScheduler } = setup({
      deploymentProviders: [github],
    });
    await syncScheduler.start();

    await scheduler.triggerTask('release-coordinator.sync.github');
    // Unannotated and blank-annotated entities are never asked for.
    expect(github.requests.map(r => r.entity.metadata.name).sort()).toEqual([
      'Payments',
      'identity',
      'search',
    ]);
    expect(github.requests.every(r => r.cursor === undefined)).toBe(true);
    expect(
      state.get('github:deployments', 'component:default/payments'),
    ).toEqual({ cursor: '2', successes: 1, lastError: undefined });

    await scheduler.triggerTask('release-coordinator.sync.github');
    expect(github.requests.slice(3).map(r => r.cursor)).toEqual([
      '2',
      '2',
      '2',
    ]);
    expect(
      state.get('github:deployments', 'component:default/payments')?.cursor,
    ).toBe('4');
    expect(
      sink.deployments
        .filter(d => d.entityRef === 'component:default/payments')
        .map(d => d.externalId),
    ).toEqual([1, 2, 3, 4].map(n => `component:default/payments-${n}`));
  });

  it('keeps the stored cursor when a pull returns none', async () => {
    let calls = 0;
    const provider: DeploymentProvider = {
      id: 'argocd',
      appliesTo: e => e.metadata.name === 'identity',
      pull: async () => {
        calls += 1;
        return calls === 1
          ? { deployments: [], cursor: 'rev-7' }
          : { deployments: [] };
      },
    };
    const { scheduler, state, syncScheduler } = setup({
      deploymentProviders: [provider],
    });
    await syncScheduler.start();
    await scheduler.triggerTask('release-coordinator.sync.argocd');
    await scheduler.triggerTask('release-coordinator.sync.argocd');
    expect(
      state.get('argocd:deployments', 'component:default/identity'),
    ).toEqual({
      cursor: 'rev-7',
      successes: 2,
      lastError: undefined,
    });
  });

  it('asks a provider only for the entities it applies to', async () => {
    const github = countingProvider('github', {
      appliesTo: e =>
        Boolean(e.metadata.annotations?.['github.com/project-slug']),
    });
    const { state, syncScheduler } = setup({ deploymentProviders: [github] });
    const summary = await syncScheduler.syncProvider(
      'github',
      new AbortController().signal,
    );
    expect(github.requests.map(r => r.entity.metadata.name)).toEqual([
      'Payments',
    ]);
    expect(summary).toEqual({
      providerId: 'github',
      succeeded: 1,
      failed: 0,
      items: 2,
      skipped: 0,
    });
    expect(
      state.get('github:deployments', 'component:default/identity'),
    ).toBeUndefined();
  });

  it('records a failing entity and goes on with the others and with other providers', async () => {
    const failing = countingProvider('github');
    const originalPull = failing.pull;
    failing.pull = async request => {
      if (request.entity.metadata.name === 'identity') {
        throw new Error('repository not found');
      }
      return originalPull(request);
    };
    const broken: DeploymentProvider = {
      id: 'gitlab',
      pull: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    };
    const pagerduty: IncidentProvider = {
      id: 'pagerduty',
      pull: async ({ entity }) => ({
        incidents: [
          {
            entityRef: `component:default/${entity.metadata.name.toLowerCase()}`,
            source: 'pagerduty',
            externalId: `P-${entity.metadata.name}`,
            severity: 'major',
            title: 'Errors',
            startedAt: '2026-11-26T09:00:00Z',
          },
        ],
        cursor: 'c1',
      }),
    };
    const { scheduler, state, sink, syncScheduler } = setup({
      deploymentProviders: [failing, broken],
      incidentProviders: [pagerduty],
    });
    await syncScheduler.start();
    await scheduler.triggerTask('release-coordinator.sync.github');
    await scheduler.triggerTask('release-coordinator.sync.gitlab');
    await scheduler.triggerTask('release-coordinator.sync.pagerduty');

    expect(
      state.get('github:deployments', 'component:default/identity'),
    ).toEqual({
      successes: 0,
      lastError: 'Error: repository not found',
    });
    expect(
      state.get('github:deployments', 'component:default/search')?.cursor,
    ).toBe('2');
    expect(
      state.get('gitlab:deployments', 'component:default/payments')?.lastError,
    ).toBe('TypeError: cannot read properties of undefined');
    expect(sink.incidents).toHaveLength(3);
    expect(
      state.get('pagerduty:incidents', 'component:default/search')?.cursor,
    ).toBe('c1');
  });

  it('does not advance the cursor when ingestion fails', async () => {
    const github = countingProvider('github');
    const { state, sink, syncScheduler } = setup({
      deploymentProviders: [github],
    });
    sink.failDeploymentsFor = 'component:default/payments';
    const signal = new AbortController().signal;
    await syncScheduler.syncProvider('github', signal);
    expect(
      state.get('github:deployments', 'component:default/payments'),
    ).toEqual({
      successes: 0,
      lastError: 'Error: invalid deployment',
    });

    sink.failDeploymentsFor = undefined;
    await syncScheduler.syncProvider('github', signal);
    expect(
      github.requests
        .filter(r => r.entity.metadata.name === 'Payments')
        .map(r => r.cursor),
    ).toEqual([undefined, undefined]);
    expect(
      state.get('github:deployments', 'component:default/payments')?.cursor,
    ).toBe('2');
  });

  it('keeps the cursors of a deployment and an incident provider with the same id apart', async () => {
    const deployments = countingProvider('demo');
    const incidentCursors: Array<string | undefined> = [];
    const incidents: IncidentProvider = {
      id: 'demo',
      pull: async ({ cursor }) => {
        incidentCursors.push(cursor);
        return { incidents: [], cursor: 'incident-cursor' };
      },
    };
    const { scheduler, state, syncScheduler } = setup({
      entities: [payments],
      deploymentProviders: [deployments],
      incidentProviders: [incidents],
    });
    await syncScheduler.start();
    expect(syncScheduler.providerIds).toEqual(['demo']);
    await scheduler.triggerTask('release-coordinator.sync.demo');
    await scheduler.triggerTask('release-coordinator.sync.demo');
    expect(deployments.requests.map(r => r.cursor)).toEqual([undefined, '2']);
    expect(incidentCursors).toEqual([undefined, 'incident-cursor']);
    expect(
      state.get('demo:incidents', 'component:default/payments')?.cursor,
    ).toBe('incident-cursor');
  });

  it('retries rate-limited and 5xx pulls with the delay asked for or exponential backoff', async () => {
    const failures = [
      httpError(429, { 'retry-after': '3' }),
      httpError(503),
      httpError(502),
    ];
    const github = countingProvider('github');
    const originalPull = github.pull;
    github.pull = async request => {
      const failure = failures.shift();
      if (failure) {
        throw failure;
      }
      return originalPull(request);
    };
    const { sleeps, state, syncScheduler } = setup({
      entities: [payments],
      deploymentProviders: [github],
    });
    await syncScheduler.syncProvider('github', new AbortController().signal);
    // 3 s from Retry-After, then backoff 1 s · 2^(attempt-1).
    expect(sleeps).toEqual([3000, 2000, 4000]);
    expect(
      state.get('github:deployments', 'component:default/payments')?.cursor,
    ).toBe('2');
  });

  it('gives up after the bounded number of attempts and records the error', async () => {
    const github = countingProvider('github', {
      pull: async () => {
        throw httpError(500);
      },
    });
    const { sleeps, state, syncScheduler } = setup({
      entities: [payments, identity],
      deploymentProviders: [github],
      retryPolicy: { maxAttempts: 3, baseDelayMs: 100 },
    });
    const summary = await syncScheduler.syncProvider(
      'github',
      new AbortController().signal,
    );
    expect(sleeps).toEqual([100, 200, 100, 200]);
    expect(summary.failed).toBe(2);
    expect(
      state.get('github:deployments', 'component:default/payments')?.lastError,
    ).toBe('Error: HTTP 500 (gave up after 3 attempts)');
  });

  it('does not retry errors that are not transient', async () => {
    const github = countingProvider('github', {
      pull: async () => {
        throw httpError(404);
      },
    });
    const { sleeps, syncScheduler } = setup({
      entities: [payments],
      deploymentProviders: [github],
    });
    await syncScheduler.syncProvider('github', new AbortController().signal);
    expect(sleeps).toEqual([]);
  });

  it('pauses a provider whose rate limit resets later than a run may wait', async () => {
    const resetInTwentyMinutes = String(
      Math.floor(Date.parse('2026-11-26T10:20:00Z') / 1000),
    );
    const github = countingProvider('github', {
      pull: jest.fn(async () => {
        throw httpError(403, {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': resetInTwentyMinutes,
        });
      }),
    });
    const other = countingProvider('argocd');
    const { sleeps, state, syncScheduler } = setup({
      entities: [payments, identity, search],
      deploymentProviders: [github, other],
    });
    await syncScheduler.syncProvider('github', new AbortController().signal);
    await syncScheduler.syncProvider('argocd', new AbortController().signal);

    expect(sleeps).toEqual([]);
    expect(github.pull).toHaveBeenCalledTimes(1);
    const errors = ['payments', 'identity', 'search'].map(
      name =>
        state.get('github:deployments', `component:default/${name}`)?.lastError,
    );
    expect(errors[0]).toBe(
      'Error: HTTP 403 (rate limited until 2026-11-26T10:20:00.000Z)',
    );
    expect(errors[1]).toBe(
      'Skipped: github is rate limited until 2026-11-26T10:20:00.000Z',
    );
    // Another provider is not affected.
    expect(other.requests).toHaveLength(3);
  });

  it('stops between entities when the run is aborted', async () => {
    const controller = new AbortController();
    const github = countingProvider('github');
    const originalPull = github.pull;
    github.pull = async request => {
      controller.abort();
      return originalPull(request);
    };
    const { syncScheduler } = setup({ deploymentProviders: [github] });
    await syncScheduler.syncProvider('github', controller.signal);
    expect(github.requests).toHaveLength(1);
    expect(github.requests[0].signal).toBe(controller.signal);
  });
});

import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { DeploymentInput } from '@release-coordinator/backstage-plugin-common';
import { DemoDeploymentProvider, DemoIncidentProvider } from './DemoProviders';

const NOW = new Date('2026-11-26T10:00:00Z');
const DAY = 86_400_000;
const signal = new AbortController().signal;

function component(
  name: string,
  owner: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

// The annotated components of examples/entities.yaml.
const examples = {
  payments: component('payments-api', 'group:default/payments-team', {
    'github.com/project-slug': 'example-org/payments-api',
    'release-coordinator/environments': 'staging,production',
  }),
  checkout: component('checkout-web', 'group:default/payments-team', {
    'github.com/project-slug': 'example-org/checkout-web',
    'release-coordinator/environments': 'staging,production',
  }),
  invoicing: component('invoicing-service', 'group:default/payments-team', {
    'gitlab.com/project-slug': 'example-org/invoicing-service',
  }),
  identity: component('identity-service', 'group:default/platform-team', {
    'argocd/app-name': 'identity-service',
  }),
  notifications: component(
    'notification-gateway',
    'group:default/platform-team',
    {
      'argocd/app-selector': 'app.kubernetes.io/part-of=notification-gateway',
    },
  ),
  search: component('search-indexer', 'group:default/sre', {
    'gitlab.com/project-id': '4242',
    'release-coordinator/environments': 'staging,production',
  }),
};
const legacy = component('legacy-reporting', 'group:default/platform-team', {});

const config = new ConfigReader({});

function providersAt(now: Date, cfg = config) {
  return {
    deployments: new DemoDeploymentProvider({ config: cfg, clock: () => now }),
    incidents: new DemoIncidentProvider({ config: cfg, clock: () => now }),
  };
}

async function history(entity: Entity, now = NOW) {
  const { deployments, incidents } = providersAt(now);
  return {
    deployments: (await deployments.pull({ entity, signal })).deployments,
    incidents: (await incidents.pull({ entity, signal })).incidents,
  };
}

const ms = (iso?: string) => Date.parse(iso ?? '');
const perDay = (count: number) => count / 90;

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map(v => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) {
    if (x[i] !== y[i]) {
      return x[i] - y[i];
    }
  }
  return 0;
}

function succeededProductionDeploys(items: DeploymentInput[]) {
  return items.filter(
    d =>
      d.environment === 'production' &&
      d.kind === 'deploy' &&
      d.status === 'succeeded',
  );
}

describe('demo providers', () => {
  it('generate the same history for the same entity and time', async () => {
    const first = await history(examples.payments);
    const second = await history(examples.payments);
    expect(second).toEqual(first);
    expect(first.deployments.length).toBeGreaterThan(100);
  });

  it('generate different histories for different entities', async () => {
    const payments = await history(examples.payments);
    const checkout = await history(examples.checkout);
    expect(checkout.deployments.map(d => d.commitSha)).not.toEqual(
      payments.deployments.map(d => d.commitSha),
    );
  });

  it('cover the last 90 days up to now, labelled as demo data', async () => {
    const { deployments, incidents } = await history(examples.payments);
    for (const d of deployments) {
      expect(ms(d.startedAt)).toBeGreaterThanOrEqual(NOW.getTime() - 90 * DAY);
      expect(ms(d.startedAt)).toBeLessThanOrEqual(NOW.getTime());
      expect(d.source).toBe('demo');
      expect(d.entityRef).toBe('component:default/payments-api');
    }
    expect(incidents.every(i => i.source === 'demo')).toBe(true);
    const ids = [...deployments, ...incidents].map(i => i.externalId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^demo-payments-api-/);
  });

  it('return only what changed since the cursor, and never lose or repeat an item', async () => {
    const later = new Date(NOW.getTime() + 3 * DAY + 5 * 3_600_000);
    const first = await providersAt(NOW).deployments.pull({
      entity: examples.payments,
      signal,
    });
    expect(first.cursor).toBe(NOW.toISOString());

    const again = await providersAt(NOW).deployments.pull({
      entity: examples.payments,
      cursor: first.cursor,
      signal,
    });
    expect(again.deployments).toEqual([]);

    const second = await providersAt(later).deployments.pull({
      entity: examples.payments,
      cursor: first.cursor,
      signal,
    });
    expect(second.cursor).toBe(later.toISOString());
    expect(second.deployments.length).toBeGreaterThan(0);
    const firstIds = new Set(first.deployments.map(d => d.externalId));
    for (const d of second.deployments) {
      // Either new, or one that was still running at the first pull.
      const changed =
        !firstIds.has(d.externalId) ||
        first.deployments.find(f => f.externalId === d.externalId)?.status ===
          'in_progress';
      expect(changed).toBe(true);
      expect(
        Math.max(ms(d.startedAt), ms(d.finishedAt ?? d.startedAt)),
      ).toBeGreaterThan(NOW.getTime());
    }

    // Upserting both pulls gives what a fresh pull at the later time sees.
    const merged = new Map<string, DeploymentInput>();
    for (const d of [...first.deployments, ...second.deployments]) {
      merged.set(d.externalId, d);
    }
    const fresh = await providersAt(later).deployments.pull({
      entity: examples.payments,
      signal,
    });
    for (const d of fresh.deployments) {
      expect(merged.get(d.externalId)).toEqual(d);
    }
  });

  it('include the deploy a rollback names even when it started before the window', async () => {
    const { deployments } = await history(examples.identity);
    const rollback = deployments.find(d => d.kind === 'rollback')!;
    const bad = deployments.find(d => d.externalId === rollback.rollbackOf)!;
    const now = new Date(ms(bad.startedAt) + 90 * DAY + 1);
    const pulled = (
      await providersAt(now).deployments.pull({
        entity: examples.identity,
        signal,
      })
    ).deployments;
    const ids = pulled.map(d => d.externalId);
    expect(ids).toContain(rollback.externalId);
    expect(ids).toContain(bad.externalId);
    expect(
      pulled.filter(d => ms(d.startedAt) < now.getTime() - 90 * DAY),
    ).toEqual([bad]);
  });

  it('report a running deployment as in progress and later as finished', async () => {
    const { deployments } = await history(examples.payments);
    const target = deployments.find(d => d.environment === 'production')!;
    const during = new Date(ms(target.startedAt) + 60_000);
    const running = (
      await providersAt(during).deployments.pull({
        entity: examples.payments,
        signal,
      })
    ).deployments.find(d => d.externalId === target.externalId);
    expect(running?.status).toBe('in_progress');
    expect(running?.finishedAt).toBeUndefined();

    const done = await providersAt(NOW).deployments.pull({
      entity: examples.payments,
      cursor: during.toISOString(),
      signal,
    });
    expect(
      done.deployments.find(d => d.externalId === target.externalId),
    ).toEqual(target);
  });

  it('hand out incidents incrementally, resolving open ones later', async () => {
    const first = await providersAt(NOW).incidents.pull({
      entity: examples.notifications,
      signal,
    });
    const open = first.incidents.filter(i => !i.resolvedAt);
    expect(open).toHaveLength(1);
    expect(open[0].severity).toBe('minor');

    const muchLater = new Date(NOW.getTime() + 30 * DAY);
    const second = await providersAt(muchLater).incidents.pull({
      entity: examples.notifications,
      cursor: first.cursor,
      signal,
    });
    const resolved = second.incidents.find(
      i => i.externalId === open[0].externalId,
    );
    expect(ms(resolved?.resolvedAt)).toBeGreaterThan(NOW.getTime());
    expect(
      second.incidents.every(
        i =>
          !first.incidents.some(
            f => f.externalId === i.externalId && f.resolvedAt,
          ),
      ),
    ).toBe(true);
  });

  it('mix statuses realistically and differently per service', async () => {
    const all = await Promise.all(Object.values(examples).map(e => history(e)));
    const deploys = all
      .flatMap(h => h.deployments)
      .filter(d => d.kind === 'deploy');
    const share = (status: string, items: DeploymentInput[]) =>
      items.filter(d => d.status === status).length / items.length;
    expect(share('failed', deploys)).toBeGreaterThan(0.04);
    expect(share('failed', deploys)).toBeLessThan(0.14);
    expect(share('cancelled', deploys)).toBeGreaterThan(0);
    expect(share('cancelled', deploys)).toBeLessThan(0.08);

    const payments = (await history(examples.payments)).deployments;
    const identity = (await history(examples.identity)).deployments;
    const search = (await history(examples.search)).deployments;
    expect(share('failed', identity)).toBeGreaterThan(
      share('failed', payments) * 2,
    );
    // payments-api deploys to production about daily (elite), search-indexer rarely.
    expect(
      perDay(succeededProductionDeploys(payments).length),
    ).toBeGreaterThanOrEqual(1);
    expect(perDay(succeededProductionDeploys(search).length)).toBeLessThan(
      1 / 7,
    );
    expect(succeededProductionDeploys(search).length).toBeGreaterThan(0);
  });

  it('roll back bad production deploys to the previous good version, then ship a fix', async () => {
    const problems: string[] = [];
    let rollbackCount = 0;
    let targetsChecked = 0;
    for (const entity of Object.values(examples)) {
      const { deployments, incidents } = await history(entity);
      const rollbacks = deployments.filter(d => d.kind === 'rollback');
      const rolledBack = new Set(rollbacks.map(r => r.rollbackOf));
      for (const rollback of rollbacks) {
        rollbackCount += 1;
        const id = rollback.externalId;
        const bad = deployments.find(d => d.externalId === rollback.rollbackOf);
        if (
          !bad ||
          bad.environment !== rollback.environment ||
          bad.kind !== 'deploy' ||
          bad.status !== 'succeeded' ||
          ms(bad.finishedAt) >= ms(rollback.startedAt)
        ) {
          problems.push(
            `${id}: rollbackOf is not an earlier deploy of the same environment`,
          );
          continue;
        }
        if (compareVersions(rollback.version, bad.version) >= 0) {
          problems.push(
            `${id}: rolls back to ${rollback.version}, not below ${bad.version}`,
          );
        }
        // The target is the last earlier good deploy there (older ones may
        // lie before the 90 days).
        const earlierGood = deployments.filter(
          d =>
            d.environment === rollback.environment &&
            d.kind === 'deploy' &&
            d.status === 'succeeded' &&
            !rolledBack.has(d.externalId) &&
            ms(d.finishedAt) < ms(bad.startedAt),
        );
        const target = earlierGood[earlierGood.length - 1];
        if (target) {
          targetsChecked += 1;
          if (
            target.version !== rollback.version ||
            target.commitSha !== rollback.commitSha
          ) {
            problems.push(
              `${id}: target ${rollback.version} is not the last good ${target.version}`,
            );
          }
        }
        const incidentBetween = incidents.some(
          i =>
            ms(i.startedAt) > ms(bad.finishedAt) &&
            ms(i.startedAt) < ms(rollback.startedAt) &&
            i.severity !== 'minor',
        );
        if (!incidentBetween) {
          problems.push(
            `${id}: no critical or major incident before the rollback`,
          );
        }
        const fix = deployments.find(
          d =>
            d.environment === rollback.environment &&
            d.kind === 'deploy' &&
            d.status === 'succeeded' &&
            ms(d.startedAt) > ms(rollback.finishedAt) &&
            compareVersions(d.version, bad.version) > 0,
        );
        if (!fix && ms(rollback.finishedAt) < NOW.getTime() - DAY) {
          problems.push(`${id}: no fix followed`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(rollbackCount).toBeGreaterThanOrEqual(10);
    expect(targetsChecked).toBeGreaterThanOrEqual(rollbackCount - 2);
    const identityRollbacks = (
      await history(examples.identity)
    ).deployments.filter(d => d.kind === 'rollback');
    expect(identityRollbacks.length).toBeGreaterThanOrEqual(3);
  });

  it('deploy to staging before promoting the same version to production', async () => {
    const problems: string[] = [];
    let promotions = 0;
    for (const entity of Object.values(examples)) {
      const { deployments } = await history(entity);
      const windowStart = NOW.getTime() - 90 * DAY;
      const production = deployments.filter(
        d =>
          d.environment === 'production' &&
          d.kind === 'deploy' &&
          // Staging runs of the first production deploys may precede the window.
          ms(d.startedAt) > windowStart + DAY,
      );
      for (const d of production) {
        promotions += 1;
        const staging = deployments.find(
          s =>
            s.environment === 'staging' &&
            s.version === d.version &&
            s.status === 'succeeded' &&
            ms(s.finishedAt) < ms(d.startedAt),
        );
        if (!staging) {
          problems.push(
            `${d.externalId}: ${d.version} was not in staging first`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
    expect(promotions).toBeGreaterThan(100);
  });

  it('keep versions increasing, commits before deploys and durations of 2-20 minutes', async () => {
    const problems: string[] = [];
    for (const entity of Object.values(examples)) {
      const { deployments } = await history(entity);
      for (const env of ['staging', 'production']) {
        const versions = deployments
          .filter(d => d.environment === env && d.kind === 'deploy')
          .map(d => d.version);
        expect(versions).toEqual([...versions].sort(compareVersions));
        expect(versions.filter(v => !/^\d+\.\d+\.\d+$/.test(v))).toEqual([]);
      }
      for (const d of deployments.filter(x => x.kind === 'deploy')) {
        const commits = d.commits ?? [];
        if (commits.length < 1 || commits.length > 4) {
          problems.push(`${d.externalId}: ${commits.length} commits`);
        }
        if (d.commitSha !== commits[commits.length - 1]?.sha) {
          problems.push(`${d.externalId}: commitSha is not the newest commit`);
        }
        if (
          commits.some(
            c =>
              ms(c.committedAt) >= ms(d.startedAt) ||
              !/^[0-9a-f]{40}$/.test(c.sha),
          )
        ) {
          problems.push(
            `${d.externalId}: a commit is after the deploy or malformed`,
          );
        }
        const minutes = (ms(d.finishedAt) - ms(d.startedAt)) / 60_000;
        if (d.status === 'succeeded' && (minutes < 2 || minutes > 20)) {
          problems.push(`${d.externalId}: took ${minutes} minutes`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('produce incidents with valid times, mostly in production, some right after deploys', async () => {
    const problems: string[] = [];
    let afterDeploy = 0;
    let total = 0;
    let production = 0;
    const severities = new Set<string>();
    for (const entity of Object.values(examples)) {
      const { deployments, incidents } = await history(entity);
      for (const i of incidents) {
        total += 1;
        severities.add(i.severity);
        if (i.environment === 'production') production += 1;
        if (
          i.resolvedAt &&
          (ms(i.resolvedAt) < ms(i.startedAt) ||
            ms(i.resolvedAt) > NOW.getTime())
        ) {
          problems.push(`${i.externalId}: resolved at ${i.resolvedAt}`);
        }
        const followsDeploy = deployments.some(
          d =>
            d.environment === i.environment &&
            d.status === 'succeeded' &&
            ms(i.startedAt) - ms(d.finishedAt) > 0 &&
            ms(i.startedAt) - ms(d.finishedAt) <= 90 * 60_000,
        );
        if (followsDeploy) afterDeploy += 1;
      }
    }
    expect(problems).toEqual([]);
    expect([...severities].sort()).toEqual(['critical', 'major', 'minor']);
    expect(production / total).toBeGreaterThan(0.75);
    expect(afterDeploy).toBeGreaterThanOrEqual(3);
    const payments = await history(examples.payments);
    expect(payments.incidents.filter(i => !i.resolvedAt)).toEqual([]);
  });

  it('ignore entities without Release Coordinator annotations', async () => {
    const { deployments, incidents } = providersAt(NOW);
    expect(deployments.appliesTo(legacy)).toBe(false);
    expect(incidents.appliesTo(legacy)).toBe(false);
    expect(
      (await deployments.pull({ entity: legacy, signal })).deployments,
    ).toEqual([]);
    expect(
      (await incidents.pull({ entity: legacy, signal })).incidents,
    ).toEqual([]);
    const resource: Entity = { ...examples.payments, kind: 'Resource' };
    expect(deployments.appliesTo(resource)).toBe(false);
    expect(deployments.appliesTo(examples.identity)).toBe(true);
  });

  it('use the annotated environments, else the configured ones', async () => {
    const custom = component('custom', 'group:default/sre', {
      'github.com/project-slug': 'acme/custom',
      'release-coordinator/environments': 'dev, qa ,prod',
    });
    const annotated = (await history(custom)).deployments;
    expect(new Set(annotated.map(d => d.environment))).toEqual(
      new Set(['dev', 'qa', 'prod']),
    );

    const configured = new ConfigReader({
      releaseCoordinator: {
        environments: [{ name: 'test' }, { name: 'live' }],
      },
    });
    const { deployments } = providersAt(NOW, configured);
    const result = await deployments.pull({
      entity: examples.identity,
      signal,
    });
    expect(new Set(result.deployments.map(d => d.environment))).toEqual(
      new Set(['test', 'live']),
    );
  });

  it('stop when the pull is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      providersAt(NOW).deployments.pull({
        entity: examples.payments,
        signal: controller.signal,
      }),
    ).rejects.toThrow();
  });
});

describe('demo rollbacks', () => {
  /** The request the backend hands the provider, from a pulled history. */
  async function rollbackRequest(
    idempotencyKey: string,
    environment = 'production',
  ) {
    const { deployments } = await history(examples.payments);
    const good = succeededProductionDeploys(deployments);
    const toDeployment = (d: DeploymentInput, id: string) => ({
      ...d,
      id,
      rollbackOf: undefined,
      commits: [],
    });
    return {
      entity: examples.payments,
      environment,
      current: toDeployment(good[good.length - 1], 'current'),
      target: toDeployment(good[good.length - 2], 'target'),
      reason: 'errors after the last deploy',
      initiator: 'user:default/guest',
      idempotencyKey,
    };
  }

  it('succeed at once, and a retry names the same run', async () => {
    const provider = providersAt(NOW).deployments;
    const first = await provider.rollback(await rollbackRequest('key-1'));
    expect(first).toEqual({
      externalId: expect.stringMatching(/^rc-rollback-[0-9a-f]{32}$/),
      status: 'succeeded',
      startedAt: NOW.toISOString(),
    });
    const retry = await providersAt(
      new Date(NOW.getTime() + 5_000),
    ).deployments.rollback(await rollbackRequest('key-1'));
    expect(retry.externalId).toBe(first.externalId);
    const other = await provider.rollback(await rollbackRequest('key-2'));
    expect(other.externalId).not.toBe(first.externalId);
    const staging = await provider.rollback(
      await rollbackRequest('key-1', 'staging'),
    );
    expect(staging.externalId).not.toBe(first.externalId);
  });

  it('are never touched by later pulls', async () => {
    const { externalId } = await providersAt(NOW).deployments.rollback(
      await rollbackRequest('key-1'),
    );
    const first = await providersAt(NOW).deployments.pull({
      entity: examples.payments,
      signal,
    });
    const later = await providersAt(
      new Date(NOW.getTime() + 2 * DAY),
    ).deployments.pull({
      entity: examples.payments,
      cursor: first.cursor,
      signal,
    });
    const pulled = [...first.deployments, ...later.deployments];
    expect(later.deployments.length).toBeGreaterThan(0);
    expect(pulled.some(d => d.externalId === externalId)).toBe(false);
    expect(pulled.some(d => d.rollbackOf === externalId)).toBe(false);
  });

  it('refuse entities the demo has no data for', async () => {
    await expect(
      providersAt(NOW).deployments.rollback({
        ...(await rollbackRequest('key-1')),
        entity: legacy,
      }),
    ).rejects.toThrow('has no demo data');
  });
});

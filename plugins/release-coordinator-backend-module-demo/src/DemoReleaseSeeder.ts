import {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ChecklistItemUpdateRequest,
  CreateReleaseRequest,
  EvidenceRequest,
  ListResponse,
  Release,
  ReleaseDetails,
} from '@release-coordinator/backstage-plugin-common';

/** The evidence source of everything the demo seeder pushes. */
export const DEMO_EVIDENCE_SOURCE = 'demo';

/** One demo release and what CI would report for it. */
export interface DemoReleaseSpec {
  entityRef: string;
  request: CreateReleaseRequest & { commitSha: string };
  /** Automatic evidence, pushed through `POST /releases/:id/evidence`. */
  evidence: Array<{
    itemId: string;
    status: 'passed' | 'failed';
    value?: string;
    url?: string;
  }>;
  /** Manual items attested through `PUT /releases/:id/checklist/:itemId`. */
  attestations: Array<{ itemId: string; evidenceUrl: string }>;
}

const passed = (itemId: string, url?: string) => ({
  itemId,
  status: 'passed' as const,
  ...(url && { url }),
});

const ciRun = (service: string, run: number) =>
  `https://ci.example.com/${service}/runs/${run}`;

/**
 * The demo releases: one `draft` with open and failed items, one `ready`
 * awaiting approval, one staging release that needs no approval. No
 * approved or rejected one: only people may approve or reject.
 */
export const DEMO_RELEASES: DemoReleaseSpec[] = [
  {
    // Draft: coverage below the threshold, migrations not yet tested.
    entityRef: 'component:default/payments-api',
    request: {
      version: '5.0.0-rc.1',
      environment: 'production',
      commitSha: '3f9c2d71a4be',
      plan: {
        strategy: 'blue-green',
        zeroDowntime: true,
        hasDatabaseMigrations: true,
        hasConfigChanges: false,
        notes: 'Adds the settlement_batches table (demo data).',
      },
      commitAuthors: ['user:default/alice'],
    },
    evidence: [
      passed('tests-passing', ciRun('payments-api', 4812)),
      {
        itemId: 'code-coverage',
        status: 'passed',
        value: '74.2',
        url: ciRun('payments-api', 4812),
      },
      passed('security-scan', ciRun('payments-api', 4812)),
    ],
    attestations: [],
  },
  {
    // Ready: everything passed, awaiting an approver.
    entityRef: 'component:default/checkout-web',
    request: {
      version: '3.14.0',
      environment: 'production',
      commitSha: 'a41be0c95d27',
      plan: {
        strategy: 'canary',
        zeroDowntime: true,
        hasDatabaseMigrations: false,
        hasConfigChanges: false,
      },
      commitAuthors: ['user:default/alice'],
    },
    evidence: [
      passed('tests-passing', ciRun('checkout-web', 9120)),
      {
        itemId: 'code-coverage',
        status: 'passed',
        value: '86.5',
        url: ciRun('checkout-web', 9120),
      },
      passed('security-scan', ciRun('checkout-web', 9120)),
      passed('secrets-not-exposed', ciRun('checkout-web', 9120)),
      passed('image-scanned', ciRun('checkout-web', 9120)),
      passed(
        'monitoring-alerts-configured',
        'https://grafana.example.com/d/checkout-web-alerts',
      ),
      passed('team-communication-sent'),
    ],
    attestations: [
      {
        itemId: 'deployment-plan-documented',
        evidenceUrl: 'https://wiki.example.com/checkout-web/releases/3.14.0',
      },
      {
        itemId: 'rollback-procedure-tested',
        evidenceUrl:
          'https://wiki.example.com/checkout-web/rollback-rehearsal-2026-11',
      },
    ],
  },
  {
    // Staging: needs no approval; the config rollout is still undocumented.
    entityRef: 'component:default/identity-service',
    request: {
      version: '2.8.0',
      environment: 'staging',
      commitSha: 'c07d5e3b19fa',
      plan: {
        strategy: 'rolling',
        zeroDowntime: false,
        hasDatabaseMigrations: false,
        hasConfigChanges: true,
      },
      commitAuthors: ['user:default/bob'],
    },
    evidence: [
      passed('tests-passing', ciRun('identity-service', 2203)),
      {
        itemId: 'code-coverage',
        status: 'passed',
        value: '81.0',
        url: ciRun('identity-service', 2203),
      },
      passed('security-scan', ciRun('identity-service', 2203)),
      passed('secrets-not-exposed', ciRun('identity-service', 2203)),
      passed('image-scanned', ciRun('identity-service', 2203)),
    ],
    attestations: [
      {
        itemId: 'deployment-plan-documented',
        evidenceUrl: 'https://wiki.example.com/identity-service/releases/2.8.0',
      },
    ],
  },
];

/** What one seeding run did. */
export interface DemoSeedReport {
  /** `entityRef@environment version` of the releases created. */
  created: string[];
  /** The same, for releases that existed already. */
  skipped: string[];
  /** The same with the error, for releases that could not be seeded. */
  failed: string[];
}

/**
 * Seeds demo releases through the Release Coordinator's own HTTP API, as CI
 * would: with a plugin request token of this backend, never through its
 * internals. Idempotent: a version that exists for the entity and
 * environment is skipped.
 */
export class DemoReleaseSeeder {
  private readonly auth: AuthService;
  private readonly discovery: DiscoveryService;
  private readonly logger: LoggerService;
  private readonly releases: DemoReleaseSpec[];

  constructor(options: {
    auth: AuthService;
    discovery: DiscoveryService;
    logger: LoggerService;
    releases?: DemoReleaseSpec[];
  }) {
    this.auth = options.auth;
    this.discovery = options.discovery;
    this.logger = options.logger;
    this.releases = options.releases ?? DEMO_RELEASES;
  }

  /** Creates the demo releases that do not exist yet. Never throws. */
  async seed(): Promise<DemoSeedReport> {
    const report: DemoSeedReport = { created: [], skipped: [], failed: [] };
    let api: ApiCaller;
    try {
      api = await this.api();
    } catch (error) {
      const message = `could not reach the release-coordinator API: ${error}`;
      this.logger.warn(`Demo releases not seeded: ${message}`);
      report.failed.push(...this.releases.map(r => `${label(r)}: ${message}`));
      return report;
    }
    for (const spec of this.releases) {
      try {
        if (await this.exists(api, spec)) {
          report.skipped.push(label(spec));
        } else {
          await this.create(api, spec);
          report.created.push(label(spec));
        }
      } catch (error) {
        report.failed.push(`${label(spec)}: ${(error as Error).message}`);
      }
    }
    this.logger.info(
      `Demo releases: created [${report.created.join(
        ', ',
      )}], already there [${report.skipped.join(', ')}]`,
    );
    if (report.failed.length > 0) {
      this.logger.warn(
        `Demo releases not seeded (retried on the next run): ${report.failed.join(
          '; ',
        )}`,
      );
    }
    return report;
  }

  private async exists(api: ApiCaller, spec: DemoReleaseSpec) {
    const query = new URLSearchParams({
      environment: spec.request.environment,
      limit: '500',
    });
    const list = await api<ListResponse<Release>>(
      'GET',
      `${entityPath(spec.entityRef)}/releases?${query}`,
    );
    return list.items.some(release => release.version === spec.request.version);
  }

  private async create(api: ApiCaller, spec: DemoReleaseSpec): Promise<void> {
    const created = await api<ReleaseDetails>(
      'POST',
      `${entityPath(spec.entityRef)}/releases`,
      spec.request,
    );
    const id = encodeURIComponent(created.release.id);
    if (spec.evidence.length > 0) {
      const body: EvidenceRequest = {
        items: spec.evidence.map(item => ({
          ...item,
          source: DEMO_EVIDENCE_SOURCE,
          commitSha: spec.request.commitSha,
        })),
      };
      await api('POST', `/releases/${id}/evidence`, body);
    }
    for (const attestation of spec.attestations) {
      const body: ChecklistItemUpdateRequest = {
        status: 'passed',
        evidenceUrl: attestation.evidenceUrl,
        comment: 'Attested by the demo data seeder',
      };
      await api(
        'PUT',
        `/releases/${id}/checklist/${encodeURIComponent(attestation.itemId)}`,
        body,
      );
    }
  }

  /** A caller of the API with this backend's plugin request token. */
  private async api(): Promise<ApiCaller> {
    const baseUrl = await this.discovery.getBaseUrl('release-coordinator');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'release-coordinator',
    });
    return async <T>(method: string, path: string, body?: object) => {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body && { 'Content-Type': 'application/json' }),
        },
        ...(body && { body: JSON.stringify(body) }),
      });
      if (!response.ok) {
        const text = await response.text();
        throw new Error(
          `${method} ${path} answered ${response.status}: ${text.slice(
            0,
            300,
          )}`,
        );
      }
      return (await response.json()) as T;
    };
  }
}

/** The id of the scheduled seeding task. */
export const DEMO_RELEASES_TASK_ID = 'release-coordinator-demo-releases';

/**
 * Schedules the demo release seeding: once shortly after start (when the
 * plugin serves requests and the catalog has had time to ingest the
 * examples), then hourly so a failed first run is retried and deleted demo
 * releases come back. One instance runs it (global scope).
 */
export async function scheduleDemoReleaseSeeding(options: {
  scheduler: SchedulerService;
  auth: AuthService;
  discovery: DiscoveryService;
  logger: LoggerService;
}): Promise<void> {
  const seeder = new DemoReleaseSeeder(options);
  await options.scheduler.scheduleTask({
    id: DEMO_RELEASES_TASK_ID,
    scope: 'global',
    initialDelay: { seconds: 30 },
    frequency: { hours: 1 },
    timeout: { minutes: 2 },
    fn: async () => {
      await seeder.seed();
    },
  });
}

type ApiCaller = <T = unknown>(
  method: string,
  path: string,
  body?: object,
) => Promise<T>;

function label(spec: DemoReleaseSpec): string {
  return `${spec.entityRef}@${spec.request.environment} ${spec.request.version}`;
}

function entityPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/entities/${encodeURIComponent(kind)}/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(name)}`;
}
